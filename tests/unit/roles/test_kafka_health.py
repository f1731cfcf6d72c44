# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""The kafka role's restart gates (templates/kafka-health.sh.j2) against canned tool output.

The script is rendered as the role renders it and run with stand-ins for the three Kafka
tools it calls, so the gate decisions (which partitions block a stop, what keeps a node
from counting as healthy) are checked without a cluster; the Molecule scenarios run the
same script against real brokers.
"""
import os
import stat
import subprocess

import jinja2
import pytest

ROLE = os.path.join(os.path.dirname(__file__), "..", "..", "..", "roles", "kafka")

HEADER = "NodeId\tDirectoryId\tLogEndOffset\tLag\tLastFetchTimestamp\tLastCaughtUpTimestamp\tStatus\t\n"
QUORUM_OK = HEADER + (
    "1\tAAAA\t100\t0\t1000000\t1000000\tLeader\t\n"
    "2\tAAAA\t100\t0\t999900\t999900\tFollower\t\n"
    "3\tAAAA\t99\t1\t999800\t999500\tFollower\t\n"
    "4\tAAAA\t90\t10\t999800\t999000\tObserver\t\n"
)
STATUS_OK = "ClusterId:\tabc\nLeaderId:\t1\nLeaderEpoch:\t3\n"
ENDPOINTS_OK = (
    "ID  HOST  PORT  RACK  STATE  ENDPOINT_TYPE\n"
    "1   10.0.0.1  9092  null  unfenced  broker\n"
    "2   10.0.0.2  9092  null  unfenced  broker\n"
)


def partition(topic, number, leader, replicas, isr):
    return "\tTopic: %s\tPartition: %d\tLeader: %s\tReplicas: %s\tIsr: %s\tElr: \tLastKnownElr: \n" % (
        topic, number, leader, replicas, isr)


@pytest.fixture()
def gate(tmp_path):
    """Renders kafka-health into tmp_path with fake tools that print what a test sets."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.join(ROLE, "templates")),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["comment"] = lambda text: "# " + text
    home = tmp_path / "kafka"
    (home / "bin").mkdir(parents=True)
    script = tmp_path / "kafka-health"
    script.write_text(env.get_template("kafka-health.sh.j2").render(
        ansible_managed="managed", _kafka_home=str(home), _kafka_admin_properties="/dev/null",
        _kafka_bootstrap_servers="b1:9092", kafka_quorum_max_lag=50, kafka_quorum_max_lag_ms=10000,
        _kafka_tools_env={"KAFKA_HEAP_OPTS": "-Xmx64m"}))
    script.chmod(0o755)
    answers = tmp_path / "answers"
    answers.mkdir()
    # Each fake tool prints the file named after its flags (describe, at-min, under-min, ...).
    fake = """#!/bin/bash
case "$*" in
  *--at-min-isr-partitions*) key=at_min ;;
  *--under-min-isr-partitions*) key=under_min ;;
  *--describe*--status*|*describe\\ --status*) key=status ;;
  *--replication*) key=replication ;;
  *list-endpoints*) key=endpoints ;;
  *--describe*) key=all ;;
esac
[ -f "%s/$key.rc" ] && { cat "%s/$key" >&2; exit "$(cat "%s/$key.rc")"; }
cat "%s/$key" 2>/dev/null
""" % ((answers,) * 4)
    for tool in ("kafka-topics.sh", "kafka-cluster.sh", "kafka-metadata-quorum.sh"):
        path = home / "bin" / tool
        path.write_text(fake)
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    defaults = {"at_min": "", "under_min": "", "all": "", "status": STATUS_OK,
                "replication": QUORUM_OK, "endpoints": ENDPOINTS_OK}

    def run(mode, node, roles="broker,controller", failing=None, **outputs):
        for key, text in dict(defaults, **outputs).items():
            (answers / key).write_text(text)
        # A failing tool prints its error to stderr and exits 1.
        for key, text in (failing or {}).items():
            (answers / key).write_text(text)
            (answers / (key + ".rc")).write_text("1")
        result = subprocess.run([str(script), mode, str(node), roles], capture_output=True, text=True,
                                check=False)
        return result.returncode, result.stdout.strip()

    return run


def test_pre_allows_a_stop_when_no_partition_is_at_its_minimum(gate):
    rc, out = gate("pre", 1)
    assert (rc, out) == (0, "node 1 may stop: no partition depends on it to stay at min.insync.replicas")


def test_pre_refuses_when_a_partition_at_its_minimum_has_the_node_in_sync(gate):
    rc, out = gate("pre", 1, at_min=partition("orders", 0, 1, "1,2,3", "1,2") + partition("orders", 1, 2, "2,3,1", "2,3"))
    assert rc == 1
    assert out == ("node 1 must not stop: without it these partitions drop below min.insync.replicas: "
                   "orders-0 (replicas 1,2,3, isr 1,2)")


def test_pre_refuses_when_a_partition_under_its_minimum_has_the_node_in_sync(gate):
    rc, out = gate("pre", 3, under_min=partition("audit", 4, 3, "1,2,3", "3"))
    assert rc == 1
    assert "audit-4 (replicas 1,2,3, isr 3)" in out


@pytest.mark.parametrize("replicas,isr", [("1", "1"), ("1,2,3", "1,2,3")])
def test_pre_ignores_partitions_whose_minimum_equals_their_replica_count(gate, replicas, isr):
    rc, _out = gate("pre", 1, at_min=partition("t", 0, 1, replicas, isr))
    assert rc == 0


@pytest.mark.parametrize("mode,tool", [("pre", "at_min"), ("post", "all"), ("post", "endpoints"), ("post", "replication")])
def test_a_tool_that_fails_never_passes_the_gate(gate, mode, tool):
    rc, out = gate(mode, 1, failing={tool: "Timed out waiting for a node assignment"})
    assert rc == 1
    assert "failed: Timed out waiting for a node assignment" in out


def test_post_reports_healthy(gate):
    rc, out = gate("post", 2, all=partition("t", 0, 1, "1,2", "1,2"))
    assert rc == 0
    assert out.startswith("node 2 healthy: broker unfenced, 0 under-replicated")


@pytest.mark.parametrize("outputs,problem", [
    ({"endpoints": ENDPOINTS_OK.replace("2   10.0.0.2  9092  null  unfenced", "2   10.0.0.2  9092  null  fenced")},
     "broker 2 is fenced"),
    ({"endpoints": ENDPOINTS_OK.splitlines(True)[0] + ENDPOINTS_OK.splitlines(True)[1]}, "broker 2 is not registered"),
    ({"all": partition("t", 0, 1, "1,2,3", "1,3")}, "1 under-replicated partitions"),
    ({"all": partition("t", 0, "none", "2", "")}, "1 offline partitions"),
    ({"under_min": partition("t", 0, 1, "1,2,3", "1")}, "1 partitions under min.insync.replicas"),
    ({"status": "LeaderId:\t-1\n"}, "the metadata quorum has no leader"),
    ({"replication": QUORUM_OK.replace("3\tAAAA\t99\t1\t", "3\tAAAA\t9\t91\t")}, "voters behind the quorum leader: 3(lag 91"),
    ({"replication": QUORUM_OK.replace("999800\t999500", "999800\t980000")},
     "voters behind the quorum leader: 3(lag 1, caught up 20000 ms"),
])
def test_post_names_what_is_not_healthy(gate, outputs, problem):
    rc, out = gate("post", 2, **outputs)
    assert rc == 1
    assert problem in out


def test_post_ignores_observers_lag(gate):
    rc, _out = gate("post", 2, replication=QUORUM_OK.replace("4\tAAAA\t90\t10\t", "4\tAAAA\t0\t100\t"))
    assert rc == 0


def test_post_requires_a_controller_to_be_a_voter(gate):
    rc, out = gate("post", 7, roles="controller")
    assert rc == 1
    assert "controller 7 is not a voter of the quorum" in out


def test_usage_error(gate):
    rc, _out = gate("post", "x")
    assert rc == 2
