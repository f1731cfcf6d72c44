# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""The one health rule set (_health.py): the parsers of Kafka's tool output against canned
output as Kafka 4 prints it, the Admin API adapter, and the gate decisions. The modules
kafka_health and kafka_info apply them to a real broker in tests/integration."""
import pytest

from ansible_collections.digital_fte.event_backbone.plugins.module_utils import _health

HEADER = "NodeId\tDirectoryId\tLogEndOffset\tLag\tLastFetchTimestamp\tLastCaughtUpTimestamp\tStatus\t\n"
QUORUM_OK = HEADER + (
    "1\tAAAA\t100\t0\t1000000\t1000000\tLeader\t\n"
    "2\tAAAA\t100\t0\t999900\t999900\tFollower\t\n"
    "3\tAAAA\t99\t1\t999800\t999500\tFollower\t\n"
    "4\tAAAA\t90\t10\t999800\t999000\tObserver\t\n"
)
ENDPOINTS = (
    "ID  HOST  PORT  RACK  STATE  ENDPOINT_TYPE\n"
    "1   10.0.0.1  9092  null  unfenced  broker\n"
    "2   10.0.0.2  9092  null  fenced  broker\n"
    "7   10.0.0.7  9093  null  unfenced  controller\n"
)


def line(topic, number, leader, replicas, isr):
    return "\tTopic: %s\tPartition: %d\tLeader: %s\tReplicas: %s\tIsr: %s\tElr: \tLastKnownElr: \n" % (
        topic, number, leader, replicas, isr)


def part(topic, number, leader, replicas, isr):
    return {"topic": topic, "partition": number, "leader": leader, "replicas": replicas, "isr": isr}


QUORUM = _health.parse_quorum_replication(QUORUM_OK)


def test_parse_partitions_skips_the_topic_lines_and_reads_empty_fields():
    text = ("Topic: orders\tTopicId: abc\tPartitionCount: 2\tReplicationFactor: 3\tConfigs: min.insync.replicas=2\n"
            + line("orders", 0, 1, "1,2,3", "1,2") + line("orders", 1, "none", "2", ""))
    assert _health.parse_partitions(text) == [part("orders", 0, 1, [1, 2, 3], [1, 2]), part("orders", 1, None, [2], [])]


@pytest.mark.parametrize("text, leader", [
    ("ClusterId:\tabc\nLeaderId:\t3\nLeaderEpoch:\t9\n", 3),
    ("LeaderId:\t-1\n", None),
    ("", None),
])
def test_parse_quorum_leader(text, leader):
    assert _health.parse_quorum_leader(text) == leader


def test_parse_quorum_replication_reads_voters_and_observers():
    assert QUORUM[2] == {"node": 3, "log_end_offset": 99, "lag": 1, "last_fetch": 999800, "last_caught_up": 999500,
                         "status": "Follower"}
    assert [r["status"] for r in QUORUM] == ["Leader", "Follower", "Follower", "Observer"]


def test_parse_broker_states_reads_brokers_only():
    assert _health.parse_broker_states(ENDPOINTS) == {1: "unfenced", 2: "fenced"}


def test_from_quorum_counts_the_lag_as_the_tool_does():
    answer = {"topics": [{"partitions": [{
        "leader_id": 1, "high_watermark": 100,
        "current_voters": [
            {"replica_id": 1, "log_end_offset": 100, "last_fetch_timestamp": 1000, "last_caught_up_timestamp": 1000},
            {"replica_id": 2, "log_end_offset": 91, "last_fetch_timestamp": 990, "last_caught_up_timestamp": 900}],
        "observers": [
            {"replica_id": 4, "log_end_offset": 95, "last_fetch_timestamp": 995, "last_caught_up_timestamp": 995}]}]}]}
    leader, rows = _health.from_quorum(answer)
    assert leader == 1
    assert [(r["node"], r["lag"], r["status"]) for r in rows] == [(1, 0, "Leader"), (2, 9, "Follower"), (4, 5, "Observer")]


def test_from_quorum_without_a_leader():
    answer = {"topics": [{"partitions": [{"leader_id": -1, "current_voters": [], "observers": []}]}]}
    leader, rows = _health.from_quorum(answer)
    assert (leader, rows) == (None, [])


@pytest.mark.parametrize("partitions, node, blocking", [
    ([], 1, []),
    ([part("orders", 0, 1, [1, 2, 3], [1, 2]), part("orders", 1, 2, [2, 3, 1], [2, 3])], 1,
     ["orders-0 (replicas 1,2,3, isr 1,2)"]),
    ([part("audit", 4, 3, [1, 2, 3], [3])], 3, ["audit-4 (replicas 1,2,3, isr 3)"]),
    # A minimum equal to the replica count cannot stay writable through any restart.
    ([part("t", 0, 1, [1], [1])], 1, []),
    ([part("t", 0, 1, [1, 2, 3], [1, 2, 3])], 1, []),
    # Listed twice (at and under its minimum): named once.
    ([part("t", 0, 1, [1, 2], [1]), part("t", 0, 1, [1, 2], [1])], 1, ["t-0 (replicas 1,2, isr 1)"]),
])
def test_stop_blockers(partitions, node, blocking):
    assert _health.stop_blockers(partitions, node) == blocking


def test_under_min_isr():
    partitions = [part("a", 0, 1, [1, 2, 3], [1, 2]), part("a", 1, 1, [1, 2, 3], [1]), part("b", 0, 1, [1], [1])]
    assert _health.under_min_isr(partitions, {"a": 2, "b": 1}) == [partitions[1]]


HEALTHY = dict(partitions=[part("t", 0, 1, [1, 2], [1, 2])], under_min_isr=[], leader=1, quorum=QUORUM,
               max_lag=50, max_lag_ms=10000)


def test_healthy_node():
    assert _health.problems(brokers={1: "unfenced", 2: "unfenced"}, node=2, roles=["broker", "controller"],
                            **HEALTHY) == []


@pytest.mark.parametrize("change, problem", [
    ({"brokers": {1: "unfenced", 2: "fenced"}}, "broker 2 is fenced"),
    ({"brokers": {1: "unfenced"}}, "broker 2 is not registered"),
    ({"partitions": [part("t", 0, 1, [1, 2, 3], [1, 3])]}, "1 under-replicated partitions"),
    # Offline with its only replica out of the ISR: under-replicated too, as Kafka counts it.
    ({"partitions": [part("t", 0, None, [2], [2])]}, "1 offline partitions"),
    ({"under_min_isr": [part("t", 0, 1, [1, 2, 3], [1])]}, "1 partitions under min.insync.replicas"),
    ({"leader": None}, "the metadata quorum has no leader"),
    ({"quorum": _health.parse_quorum_replication(QUORUM_OK.replace("3\tAAAA\t99\t1\t", "3\tAAAA\t9\t91\t"))},
     "voters behind the quorum leader: 3(lag 91, caught up 500 ms before the newest fetch)"),
    ({"quorum": _health.parse_quorum_replication(QUORUM_OK.replace("999800\t999500", "999800\t980000"))},
     "voters behind the quorum leader: 3(lag 1, caught up 20000 ms before the newest fetch)"),
])
def test_node_problems(change, problem):
    args = dict(HEALTHY, brokers={1: "unfenced", 2: "unfenced"}, node=2, roles=["broker", "controller"])
    args.update(change)
    assert _health.problems(**args) == [problem]


def test_observers_lag_does_not_count():
    quorum = _health.parse_quorum_replication(QUORUM_OK.replace("4\tAAAA\t90\t10\t", "4\tAAAA\t0\t100\t"))
    args = dict(HEALTHY)
    args["quorum"] = quorum
    assert _health.problems(**args) == []


def test_a_controller_must_be_a_voter():
    assert _health.problems(node=7, roles=["controller"], **HEALTHY) == ["controller 7 is not a voter of the quorum"]


def test_a_controller_only_node_is_not_asked_for_its_broker():
    assert _health.problems(brokers={}, node=1, roles=["controller"], **HEALTHY) == []


def test_the_cluster_names_every_fenced_and_missing_broker():
    found = _health.problems(brokers={1: "unfenced", 2: "fenced"}, expected_brokers=[1, 2, 3], **HEALTHY)
    assert found == ["broker 2 is fenced", "broker 3 is not registered"]
