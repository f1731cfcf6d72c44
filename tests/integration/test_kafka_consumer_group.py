"""kafka_consumer_group through ansible-playbook; offsets are read back and proven by real consumers."""
import time

from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.structs import OffsetAndMetadata, TopicPartition

from tests.integration.kafka_helpers import admin, assert_no_secret, conn_args, unique
from tests.lib.ansible_run import run_module

PARTITIONS = 3
BEFORE = 10  # records per partition before the run
AFTER = 2  # records per partition after it
OLD_COMMITS = {0: 4, 1: 7}  # the old group's commits; partition 2 has none


def produce(kafka, topic, label, count):
    producer = KafkaProducer(acks="all", **kafka.client_config())
    try:
        for partition in range(PARTITIONS):
            for index in range(count):
                producer.send(topic, ("%s-%d-%d" % (label, partition, index)).encode(), partition=partition)
        producer.flush(timeout=30)
    finally:
        producer.close()


def fresh_topic(kafka):
    topic = unique("groups.")
    client = admin(kafka)
    try:
        client.create_topics([NewTopic(topic, num_partitions=PARTITIONS, replication_factor=1)])
    finally:
        client.close()
    produce(kafka, topic, "before", BEFORE)
    return topic


def group_offsets(kafka, group, topic):
    """{partition: committed offset} of the group on the topic (admin OffsetFetch)."""
    client = admin(kafka)
    try:
        answer = client.list_group_offsets([group])
    finally:
        client.close()
    return {tp.partition: meta.offset for tp, meta in (answer.get(group) or {}).items()
            if tp.topic == topic and meta.offset >= 0}


def member_count(kafka, group):
    client = admin(kafka)
    try:
        return len(client.describe_groups([group])[group].get("members") or [])
    finally:
        client.close()


def eventually(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.5)


def member(kafka, group, topic):
    """A consumer subscribed to the topic in the group, polled until it holds every partition.

    It never commits on its own (no auto commit): only what a test commits explicitly.
    """
    consumer = KafkaConsumer(group_id=group, enable_auto_commit=False, auto_offset_reset="earliest",
                             session_timeout_ms=30000, max_poll_interval_ms=600000, **kafka.client_config())
    consumer.subscribe([topic])
    deadline = time.monotonic() + 60
    while len(consumer.assignment()) < PARTITIONS:
        assert time.monotonic() < deadline, "no assignment for %s" % group
        consumer.poll(timeout_ms=500)
    return consumer


def read_all(kafka, group, topic, expected, settle=5):
    """Every record a new consumer of the group reads: until `expected` arrived, then `settle` s more."""
    consumer = KafkaConsumer(group_id=group, enable_auto_commit=False, auto_offset_reset="earliest",
                             **kafka.client_config())
    consumer.subscribe([topic])
    records = []
    try:
        deadline = time.monotonic() + 60
        while len(records) < expected and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend((r.partition, r.offset, r.value.decode()) for r in batch)
        settled = time.monotonic() + settle
        while time.monotonic() < settled:
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend((r.partition, r.offset, r.value.decode()) for r in batch)
    finally:
        consumer.close(autocommit=False)
    return sorted(records)


def test_take_offsets_check_real_idempotent_proven_by_a_consumer_then_delete(kafka):
    topic, old, new = fresh_topic(kafka), unique("old-"), unique("new-")
    # The old group's consumer commits where it stopped on two partitions, none on the third;
    # it stays in the group (a member) until the deletion below.
    old_consumer = member(kafka, old, topic)
    try:
        old_consumer.commit({TopicPartition(topic, p): OffsetAndMetadata(o, "", -1) for p, o in OLD_COMMITS.items()})
        assert group_offsets(kafka, old, topic) == OLD_COMMITS
        assert member_count(kafka, old) == 1

        args = dict(conn_args(kafka), name=new, topics=[topic], offsets_from=old)
        expected = {0: 4, 1: 7, 2: BEFORE}  # partition 2 at its log end
        shown = {topic: {str(p): o for p, o in expected.items()}}

        # Take (check mode): predicted, nothing committed.
        check = run_module("kafka_consumer_group", args, check=True, diff=True)
        assert not check.failed, check.get("msg")
        assert check["changed"] is True
        assert check["changes"] == [{"group": new, "action": "take offsets", "from": old, "offsets": shown}]
        assert check["diff"] == {"before": {new: {}}, "after": {new: shown}}
        assert check["groups"] == {new: shown}
        assert group_offsets(kafka, new, topic) == {}
        assert_no_secret(check, kafka.admin_password)

        # Take: exactly what check mode said; the old group is only read.
        real = run_module("kafka_consumer_group", args, diff=True)
        assert not real.failed, real.get("msg")
        assert real["changed"] is True
        assert real["changes"] == check["changes"] and real["diff"] == check["diff"]
        assert real["groups"] == {new: shown}
        assert group_offsets(kafka, new, topic) == expected
        assert group_offsets(kafka, old, topic) == OLD_COMMITS
        assert_no_secret(real, kafka.admin_password)

        # Take (idempotency): the group's own offsets win.
        again = run_module("kafka_consumer_group", args, diff=True)
        assert not again.failed, again.get("msg")
        assert again["changed"] is False and again["changes"] == []
        assert again["diff"] == {"before": {}, "after": {}}
        assert again["groups"] == {new: shown}
        assert_no_secret(again, kafka.admin_password)

        # A consumer of the new group (earliest, so a wrong start would show) reads exactly
        # what the old group had not consumed, plus what is produced after the run.
        produce(kafka, topic, "after", AFTER)
        want = sorted([(p, i, "before-%d-%d" % (p, i)) for p in range(PARTITIONS) for i in range(expected[p], BEFORE)]
                      + [(p, BEFORE + i, "after-%d-%d" % (p, i)) for p in range(PARTITIONS) for i in range(AFTER)])
        assert [r for r in want if r[0] == 2] == [(2, 10, "after-2-0"), (2, 11, "after-2-1")]
        assert read_all(kafka, new, topic, len(want)) == want

        # Delete, refused while the old group has a member: nothing changes.
        gone = dict(conn_args(kafka), name=old, state="absent")
        refused = run_module("kafka_consumer_group", gone)
        assert refused.failed
        assert refused["msg"] == ("Nothing was changed: group %s has 1 active member(s) and cannot be deleted; "
                                  "stop its consumers first" % old)
        assert group_offsets(kafka, old, topic) == OLD_COMMITS
        assert_no_secret(refused, kafka.admin_password)
    finally:
        old_consumer.close(autocommit=False)
    eventually(lambda: member_count(kafka, old) == 0)

    # Delete (check mode), once the consumer is gone.
    offsets = {topic: {str(p): o for p, o in OLD_COMMITS.items()}}
    check = run_module("kafka_consumer_group", gone, check=True, diff=True)
    assert not check.failed, check.get("msg")
    assert check["changed"] is True
    assert check["changes"] == [{"group": old, "action": "delete", "offsets": offsets}]
    assert check["diff"] == {"before": {old: offsets}, "after": {old: None}}
    assert check["groups"] == {}
    assert group_offsets(kafka, old, topic) == OLD_COMMITS

    # Delete.
    deleted = run_module("kafka_consumer_group", gone, diff=True)
    assert not deleted.failed, deleted.get("msg")
    assert deleted["changed"] is True
    assert deleted["changes"] == check["changes"] and deleted["diff"] == check["diff"]
    assert group_offsets(kafka, old, topic) == {}
    assert_no_secret(deleted, kafka.admin_password)

    # Delete (idempotency): a group Kafka does not know is no change.
    again = run_module("kafka_consumer_group", gone, diff=True)
    assert not again.failed, again.get("msg")
    assert again["changed"] is False and again["changes"] == []
    assert again["diff"] == {"before": {}, "after": {}}
    # The new group kept its offsets (its reader committed nothing).
    assert group_offsets(kafka, new, topic) == expected


def test_a_group_with_an_active_member_is_refused(kafka):
    topic, old, busy = fresh_topic(kafka), unique("old-"), unique("busy-")
    client = admin(kafka)
    try:
        client.alter_group_offsets(old, {TopicPartition(topic, p): OffsetAndMetadata(o, "", -1)
                                         for p, o in OLD_COMMITS.items()})
    finally:
        client.close()
    assert group_offsets(kafka, old, topic) == OLD_COMMITS

    consumer = member(kafka, busy, topic)
    try:
        assert member_count(kafka, busy) == 1
        args = dict(conn_args(kafka), name=busy, topics=[topic], offsets_from=old)
        message = ("Nothing was changed: group %s has 1 active member(s) and cannot take over the offsets of %s; "
                   "stop its consumers first" % (busy, old))
        for check in (True, False):
            result = run_module("kafka_consumer_group", args, check=check, diff=True)
            assert result.failed and result["msg"] == message
            assert_no_secret(result, kafka.admin_password)
        assert group_offsets(kafka, busy, topic) == {}
        assert group_offsets(kafka, old, topic) == OLD_COMMITS
    finally:
        consumer.close(autocommit=False)


def test_bad_input_changes_nothing(kafka):
    topic, group = fresh_topic(kafka), unique("self-")
    result = run_module("kafka_consumer_group", dict(conn_args(kafka), name=group, topics=[topic],
                                                     offsets_from=group))
    assert result.failed
    assert result["msg"] == ("Invalid request, nothing was changed: name: offsets_from names the group "
                             "itself (%s)" % group)
    assert group_offsets(kafka, group, topic) == {}
    assert_no_secret(result, kafka.admin_password)
