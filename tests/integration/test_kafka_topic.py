"""kafka_topic through ansible-playbook against a real KRaft broker, read back with kafka-python."""
import time

from kafka.admin import ConfigResource

from ansible_collections.digital_fte.event_backbone.plugins.module_utils._topic import TOPIC_CONFIG_KEYS
from tests.integration.kafka_helpers import admin, assert_no_secret, conn_args, topic_state, unique
from tests.lib.ansible_run import run_module

DAY_MS = 86400 * 1000


def test_create_check_mode_noop_and_update(kafka):
    inbound, audit = unique("fte.triggers.in"), unique("fte.audit.act")
    args = dict(conn_args(kafka), name_pattern="fte.{category}.{subcategory}", partitions=3,
                replication_factor=1, config={"min.insync.replicas": 1},
                topics=[{"name": inbound, "config": {"retention.ms": "7d"}},
                        {"name": audit, "protected": True,
                         "config": {"retention.ms": "7y", "segment.bytes": "512MiB"}}])

    # Create (check mode): predicts, changes nothing.
    check = run_module("kafka_topic", args, check=True, diff=True)
    assert check["changed"] is True
    assert [(c["topic"], c["action"]) for c in check["changes"]] == [(inbound, "create"), (audit, "create")]
    assert check["diff"][1] == {"before_header": audit, "after_header": audit, "before": {},
                                "after": {"partitions": 3, "replication_factor": 1,
                                          "config": {"min.insync.replicas": "1",
                                                     "retention.ms": str(7 * 365 * DAY_MS),
                                                     "segment.bytes": str(512 * 1024 * 1024)}}}
    assert topic_state(kafka, [inbound, audit]) == {}

    # Create: exactly what check mode said.
    real = run_module("kafka_topic", args, diff=True)
    assert real["changed"] is True
    assert real["changes"] == check["changes"] and real["diff"] == check["diff"]
    state = topic_state(kafka, [inbound, audit])
    assert state[inbound] == {"partitions": 3, "replication_factor": 1,
                              "config": {"retention.ms": str(7 * DAY_MS), "min.insync.replicas": "1"}}
    assert state[audit] == real["topics"][audit]
    assert_no_secret(real, kafka.admin_password)

    # Create (idempotency).
    again = run_module("kafka_topic", args, diff=True)
    assert again["changed"] is False and again["changes"] == [] and again["diff"] == []

    # An override set outside this request is neither reset nor reported.
    client = admin(kafka)
    try:
        client.alter_configs([ConfigResource("TOPIC", inbound, {"max.message.bytes": "2097152"})],
                             incremental=True)
    finally:
        client.close()

    # Update: retention, one more partition, reset of min.insync.replicas on one topic.
    update = dict(args, topics=[{"name": inbound, "partitions": 4, "config": {"retention.ms": "30d"}},
                                {"name": audit, "config": {"retention.ms": "7y", "segment.bytes": "512MiB"},
                                 "protected": True}])
    update["config"] = {}
    update["topics"][0]["reset_config"] = ["min.insync.replicas"]
    check = run_module("kafka_topic", update, check=True, diff=True)
    assert topic_state(kafka, [inbound])[inbound]["partitions"] == 3
    real = run_module("kafka_topic", update, diff=True)
    assert check["changes"] == real["changes"] and check["diff"] == real["diff"]
    assert sorted((c["topic"], c["action"]) for c in real["changes"]) == [
        (inbound, "alter_config"), (inbound, "create_partitions")]
    assert real["diff"] == [{"before_header": inbound, "after_header": inbound,
                             "before": {"partitions": 3, "replication_factor": 1,
                                        "config": {"min.insync.replicas": "1", "retention.ms": str(7 * DAY_MS)}},
                             "after": {"partitions": 4, "replication_factor": 1,
                                       "config": {"retention.ms": str(30 * DAY_MS)}}}]
    state = topic_state(kafka, [inbound])[inbound]
    assert state == {"partitions": 4, "replication_factor": 1,
                     "config": {"retention.ms": str(30 * DAY_MS), "max.message.bytes": "2097152"}}
    assert run_module("kafka_topic", update)["changed"] is False


def test_bad_input_changes_nothing(kafka):
    existing, fresh = unique("t.exist."), unique("t.fresh.")
    base = dict(conn_args(kafka), replication_factor=1)
    assert run_module("kafka_topic", dict(base, name=existing, partitions=3,
                                          config={"retention.ms": "1d"}))["changed"] is True

    # Fewer partitions on one topic: the other topic of the same call is not created either.
    bad = run_module("kafka_topic", dict(base, topics=[{"name": fresh, "partitions": 1},
                                                       {"name": existing, "partitions": 2,
                                                        "config": {"retention.ms": "2d"}}]))
    assert bad.failed
    assert ("topic %s: has 3 partitions; Kafka cannot remove partitions, so 2 is refused" % existing) in bad["msg"]
    assert bad["msg"].startswith("Invalid request, nothing was changed: ")

    # Unknown key: the error lists the valid ones.
    bad = run_module("kafka_topic", dict(base, topics=[{"name": fresh, "partitions": 1},
                                                       {"name": existing, "config": {"retention.days": 2}}]))
    assert bad.failed and "unknown topic config key(s) retention.days; valid keys are: cleanup.policy," in bad["msg"]

    # A value only the broker rejects (segment.bytes below its 1 MiB minimum), caught by the
    # brokers' validate_only pass before anything is created or altered.
    bad = run_module("kafka_topic", dict(base, topics=[{"name": fresh, "partitions": 1},
                                                       {"name": existing, "config": {"retention.ms": "2d",
                                                                                     "segment.bytes": "1KiB"}}]))
    assert bad.failed and "segment.bytes" in bad["msg"], bad["msg"]

    # More replicas than brokers.
    bad = run_module("kafka_topic", dict(base, topics=[{"name": fresh, "partitions": 1},
                                                       {"name": existing, "replication_factor": 2}]))
    assert bad.failed and "replication_factor 2 is larger than the number of brokers (1)" in bad["msg"]

    assert topic_state(kafka, [existing, fresh]) == {
        existing: {"partitions": 3, "replication_factor": 1, "config": {"retention.ms": str(DAY_MS)}}}


def test_collision_with_an_undeclared_topic_is_refused(kafka):
    # The module reads only the declared topics, and all names only when it would create one.
    other = unique("t.coll.")
    base = dict(conn_args(kafka), partitions=1, replication_factor=1)
    assert run_module("kafka_topic", dict(base, name=other))["changed"] is True
    clash = other.replace(".", "_")
    bad = run_module("kafka_topic", dict(base, name=clash), check=True)
    assert bad.failed
    assert bad["msg"] == ("Invalid request, nothing was changed: topic %s: collides with existing topic %s: "
                          "Kafka treats '.' and '_' alike" % (clash, other))
    assert topic_state(kafka, [clash]) == {}


def test_topics_the_user_may_not_describe(kafka):
    existing, user, password = unique("t.hidden."), unique("no-acl-"), unique("pw-")
    base = dict(conn_args(kafka), partitions=1, replication_factor=1)
    assert run_module("kafka_topic", dict(base, name=existing, config={"retention.ms": "1d"}))["changed"] is True
    assert run_module("kafka_scram_user", dict(conn_args(kafka), name=user, password=password))["changed"] is True
    # A user with no ACL at all: the broker answers TOPIC_AUTHORIZATION_FAILED, not "unknown topic".
    bad = run_module("kafka_topic", dict(base, sasl_username=user, sasl_password=password,
                                         topics=[{"name": existing, "config": {"retention.ms": "2d"}}]))
    assert bad.failed
    assert bad["msg"] == ("sasl_username %r is not authorized to describe topic(s) %s: it needs DESCRIBE on "
                          "them; nothing was changed" % (user, existing))
    assert topic_state(kafka, [existing])[existing]["config"] == {"retention.ms": str(DAY_MS)}
    assert_no_secret(bad, password, kafka.admin_password)


def test_protected_topic(kafka):
    name = unique("audit.")
    args = dict(conn_args(kafka), name=name, partitions=1, replication_factor=1, protected=True,
                config={"retention.ms": "7y"})
    assert run_module("kafka_topic", args)["changed"] is True

    refused = run_module("kafka_topic", dict(args, config={"retention.ms": "90d"}), check=True)
    assert refused.failed and "is protected: refusing to lower retention.ms" in refused["msg"]
    refused = run_module("kafka_topic", dict(args, state="absent"))
    assert refused.failed and "is protected: refusing to delete it" in refused["msg"]
    assert name in topic_state(kafka, [name])

    forced = run_module("kafka_topic", dict(args, state="absent", force=True), diff=True)
    assert forced["changed"] is True and forced["changes"] == [{"topic": name, "action": "delete"}]
    assert forced["diff"][0]["after"] == {}
    # Deletion completes asynchronously in the cluster.
    deadline = time.monotonic() + 30
    while topic_state(kafka, [name]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert topic_state(kafka, [name]) == {}
    assert run_module("kafka_topic", dict(args, state="absent", force=True))["changed"] is False


def test_config_key_list_matches_the_broker(kafka):
    name = unique("keys.")
    client = admin(kafka)
    try:
        client.create_topics({name: {"num_partitions": 1, "replication_factor": 1}})
        configs = client.describe_configs([ConfigResource("TOPIC", name)], config_filter="all")
    finally:
        client.close()
    assert set(configs["topic"][name]) == TOPIC_CONFIG_KEYS
