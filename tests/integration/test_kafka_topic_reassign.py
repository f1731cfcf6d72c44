"""kafka_topic replication factor changes: a second real broker joins the session's cluster."""
import os
import subprocess
import time

import pytest

from tests.integration.kafka_helpers import admin, conn_args, topic_state, unique
from tests.lib.ansible_run import run_module
from tests.lib.kafka_server import KafkaServer

NODE_ID = 2


class JoiningBroker(KafkaServer):
    """A broker-only node (id 2) of the cluster `primary` runs, using its controller quorum."""

    def __init__(self, workdir, primary):
        super().__init__(workdir, admin_password=primary.admin_password)
        self.primary = primary
        self.controller_port = primary.controller_port

    def _properties(self):
        props = super()._properties()
        props.update({"process.roles": "broker", "node.id": str(NODE_ID),
                      "listeners": "SASL_PLAINTEXT://127.0.0.1:%d" % self.port})
        return props

    def _format_args(self):
        return ["--cluster-id", self.primary.cluster_id]


def live_brokers(kafka):
    client = admin(kafka)
    try:
        return sorted(b["broker_id"] for b in client.describe_cluster()["brokers"] if not b["is_fenced"])
    finally:
        client.close()


@pytest.fixture
def second_broker(kafka, tmp_path):
    broker = JoiningBroker(str(tmp_path), kafka).start()
    deadline = time.monotonic() + 60
    while live_brokers(kafka) != [1, NODE_ID] and time.monotonic() < deadline:
        time.sleep(0.5)
    assert live_brokers(kafka) == [1, NODE_ID]
    yield broker
    broker.stop()
    # Leave the session's cluster as it was: one registered broker.
    props = os.path.join(str(tmp_path), "admin.properties")
    with open(props, "w", encoding="utf-8") as fh:
        fh.write("security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\n"
                 "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
                 "username=\"admin\" password=\"%s\";\n" % kafka.admin_password)
    subprocess.run([os.path.join(kafka.home, "bin", "kafka-cluster.sh"), "unregister",
                    "--bootstrap-server", kafka.bootstrap, "--command-config", props, "--id", str(NODE_ID)],
                   check=True, capture_output=True, env=broker._env())


def replicas(kafka, name):
    client = admin(kafka)
    try:
        topic = client.describe_topics([name])[0]
    finally:
        client.close()
    return dict((p["partition_index"], (list(p["replica_nodes"]), sorted(p["isr_nodes"])))
                for p in topic["partitions"])


def test_replication_factor_change_by_reassignment(kafka, second_broker):
    name = unique("rf.")
    args = dict(conn_args(kafka), name=name, partitions=2, replication_factor=1)
    assert run_module("kafka_topic", args)["changed"] is True
    before = replicas(kafka, name)
    assert all(len(r) == 1 for r, _isr in before.values())

    # RF 1 -> 2 together with one more partition (check mode first).
    grow = dict(args, partitions=3, replication_factor=2)
    check = run_module("kafka_topic", grow, check=True, diff=True)
    assert [c["action"] for c in check["changes"]] == ["reassign", "create_partitions"]
    assert replicas(kafka, name) == before
    real = run_module("kafka_topic", grow, diff=True)
    assert real["changes"] == check["changes"] and real["diff"] == check["diff"]
    after = replicas(kafka, name)
    planned = dict((int(p), nodes) for p, nodes in real["changes"][0]["replicas"].items())
    assert sorted(after) == [0, 1, 2]
    for partition, (nodes, isr) in after.items():
        assert sorted(nodes) == [1, 2] and isr == [1, 2]
        if partition in before:
            # The planned replicas are what the broker has, and the preferred leader stayed first.
            assert nodes == planned[partition] and nodes[0] == before[partition][0][0]
    assert topic_state(kafka, [name])[name]["replication_factor"] == 2
    assert run_module("kafka_topic", grow)["changed"] is False

    # RF 2 -> 1 keeps each partition's first replica.
    shrink = dict(grow, replication_factor=1)
    assert run_module("kafka_topic", shrink)["changed"] is True
    assert replicas(kafka, name) == dict((p, ([nodes[0]], [nodes[0]])) for p, (nodes, _isr) in after.items())
    assert run_module("kafka_topic", shrink)["changed"] is False

    # Nothing of this test may stay on the broker that leaves.
    assert run_module("kafka_topic", dict(shrink, state="absent"))["changed"] is True
