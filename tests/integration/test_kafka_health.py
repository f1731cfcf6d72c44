"""The health rules against the real broker: kafka_health as the restart gates run it (on the
node, through wrappers like the kafka role's around the release's own tools) and kafka_info's
health through the Admin API. The broker is one combined node (id 1)."""
import pytest

from tests.integration.kafka_helpers import admin, conn_args, unique
from tests.lib.ansible_run import run_module

# As the kafka role writes them (roles/kafka/vars/main.yml, _kafka_wrappers).
WRAPPERS = {
    "kafka-topics": "exec {home}/bin/kafka-topics.sh --bootstrap-server {bootstrap} --command-config {config} \"$@\"",
    "kafka-metadata-quorum": "exec {home}/bin/kafka-metadata-quorum.sh --bootstrap-server {bootstrap} "
                             "--command-config {config} \"$@\"",
    "kafka-cluster": "sub=$1; shift; exec {home}/bin/kafka-cluster.sh \"$sub\" --bootstrap-server {bootstrap} -c {config} \"$@\"",
}


@pytest.fixture(scope="module")
def tools(kafka, tmp_path_factory):
    """A tools dir with the role's wrappers around the broker's release, logged in as admin."""
    tools_dir = tmp_path_factory.mktemp("tools")
    config = tools_dir / "admin.properties"
    config.write_text(
        "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\n"
        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
        "username=\"admin\" password=\"%s\";\n" % kafka.admin_password)
    for name, body in WRAPPERS.items():
        path = tools_dir / name
        path.write_text("#!/bin/bash\nexport KAFKA_HEAP_OPTS=-Xmx256m\n"
                        + body.format(home=kafka.home, bootstrap=kafka.bootstrap, config=config) + "\n")
        path.chmod(0o755)
    return str(tools_dir)


def gate(tools, check, node=1, roles=("broker", "controller")):
    return run_module("kafka_health", {"check": check, "node_id": node, "process_roles": list(roles),
                                       "tools_dir": tools}, check=True)


def test_a_healthy_node_passes_both_gates(kafka, tools):
    healthy = gate(tools, "healthy")
    assert not healthy.failed, healthy["msg"]
    assert healthy["problems"] == [] and healthy["changed"] is False
    assert healthy["msg"] == ("node 1 healthy: broker unfenced, 0 under-replicated, 0 under-min-ISR, 0 offline "
                              "partitions; quorum leader 1, voters caught up")
    stop = gate(tools, "stop")
    assert not stop.failed, stop["msg"]
    assert stop["msg"] == "node 1 may stop: no partition depends on it to stay at min.insync.replicas"


def test_a_node_that_is_no_voter_or_no_broker_fails(kafka, tools):
    result = gate(tools, "healthy", node=7)
    assert result.failed
    assert result["problems"] == ["broker 7 is not registered", "controller 7 is not a voter of the quorum"]
    assert result["msg"] == ("node 7 not healthy yet: broker 7 is not registered; "
                             "controller 7 is not a voter of the quorum")


def test_a_partition_under_its_minimum_fails_healthy_in_both(kafka, tools):
    """One replica and min.insync.replicas 2: under its minimum (producers with acks=all are
    refused), though not under-replicated. It does not block a stop: no replica could carry it."""
    topic = unique("health.")
    client = admin(kafka)
    try:
        client.create_topics({topic: {"num_partitions": 1, "replication_factor": 1,
                                      "configs": {"min.insync.replicas": "2"}}})
        healthy = gate(tools, "healthy")
        assert healthy.failed
        assert healthy["problems"] == ["1 partitions under min.insync.replicas"]
        stop = gate(tools, "stop")
        assert not stop.failed, stop["msg"]

        info = run_module("kafka_info", dict(conn_args(kafka), gather=["health"], expected_brokers=[1]))
        assert not info.failed
        assert info["health"]["problems"] == ["1 partitions under min.insync.replicas"]
        assert info["health"]["healthy"] is False
        assert [(p["topic"], p["partition"], p["isr"]) for p in info["health"]["under_min_isr_partitions"]] == [(topic, 0, [1])]
    finally:
        client.delete_topics([topic])
        client.close()


def test_kafka_info_health_of_a_healthy_cluster(kafka):
    info = run_module("kafka_info", dict(conn_args(kafka), gather=["health"], expected_brokers=[1, 2]), check=True)
    health = info["health"]
    # Broker 2 is expected but not there: the only problem.
    assert health["problems"] == ["broker 2 is not registered"]
    assert health["quorum_leader"] == 1
    assert [(v["node"], v["status"], v["lag"]) for v in health["quorum"]] == [(1, "Leader", 0)]
    assert health["offline_partitions"] == []
    assert "cluster" not in info and "topics" not in info


def test_a_tool_that_fails_never_passes(kafka, tmp_path):
    result = gate(str(tmp_path), "stop")
    assert result.failed
    assert result["msg"].startswith("node 1: at-min-isr failed: cannot run %s/kafka-topics" % tmp_path)
    broken = tmp_path / "kafka-topics"
    broken.write_text("#!/bin/bash\necho 'Timed out waiting for a node assignment' >&2\nexit 1\n")
    broken.chmod(0o755)
    result = gate(str(tmp_path), "stop")
    assert result.failed
    assert result["problems"] == ["at-min-isr failed: Timed out waiting for a node assignment"]
