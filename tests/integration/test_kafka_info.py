"""kafka_info through ansible-playbook against the real broker."""
from kafka.admin import UserScramCredentialUpsertion

from tests.integration.kafka_helpers import admin, conn_args, unique
from tests.lib.ansible_run import run_module


def test_info_reports_cluster_topics_users_acls(kafka):
    topic, user = unique("info."), unique("info-user-")
    client = admin(kafka)
    try:
        client.create_topics({topic: {"num_partitions": 2, "replication_factor": 1,
                                      "configs": {"retention.ms": "3600000"}}})
        client.alter_user_scram_credentials([UserScramCredentialUpsertion(user, "SCRAM-SHA-256", "pw",
                                                                          iterations=8192)])
        cluster = client.describe_cluster()
    finally:
        client.close()
    run_module("kafka_acl", dict(conn_args(kafka), acls=[
        {"principal": "User:" + user, "resource_type": "topic", "resource_name": topic, "operations": ["read"]}]))

    info = run_module("kafka_info", conn_args(kafka), check=True)
    assert info["changed"] is False
    assert info["cluster"]["cluster_id"] == cluster["cluster_id"] == kafka.cluster_id
    assert info["cluster"]["controller_id"] == 1
    assert [b["id"] for b in info["cluster"]["brokers"]] == [1]
    assert info["topics"][topic]["partitions"] == 2
    assert info["topics"][topic]["replication_factor"] == 1
    assert info["topics"][topic]["config"] == {"retention.ms": "3600000"}
    assert "__consumer_offsets" not in info["topics"]
    assert info["under_replicated_partitions"] == []
    assert info["users"][user] == {"SCRAM-SHA-256": 8192}
    assert info["users"]["admin"] == {"SCRAM-SHA-512": 4096}
    assert {"principal": "User:" + user, "host": "*", "resource_type": "topic", "resource_name": topic,
            "pattern_type": "literal", "operation": "read", "permission": "allow"} in info["acls"]

    only = run_module("kafka_info", dict(conn_args(kafka), gather=["topics"], topics=[topic]))
    assert list(only["topics"]) == [topic] and "users" not in only and "cluster" not in only


def test_missing_kafka_python_is_a_clear_error(kafka):
    # The system Python has no kafka-python: the module says what is missing and where.
    result = run_module("kafka_info", conn_args(kafka), interpreter="/usr/bin/python3")
    assert result.failed
    assert "Failed to import the required Python library (kafka-python (3.0 or later))" in result["msg"]
    assert "/usr/bin/python3" in result["msg"]


def test_the_action_group_carries_the_connection(kafka):
    # meta/runtime.yml: one module_defaults entry for every Kafka module.
    group = {"group/digital_fte.event_backbone.kafka": conn_args(kafka)}
    topic = unique("t.group.")
    created = run_module("kafka_topic", {"name": topic, "partitions": 1, "replication_factor": 1},
                         module_defaults=group)
    assert created["changed"] is True, created.get("msg")
    info = run_module("kafka_info", {}, module_defaults=group)
    assert topic in info["topics"]
    # Without it the modules have no bootstrap servers at all.
    bare = run_module("kafka_info", {})
    assert bare.failed and "bootstrap_servers" in bare["msg"]
