"""The mirror's Kafka tarball runs a real broker: upstream layout, checksum, log4j2 logging."""
import hashlib
import os
import tarfile
import uuid

from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic, KafkaAdminClient

from tests.lib import paths


def test_tarball_has_the_upstream_layout_and_checksum():
    tarball = paths.kafka_tarball()
    with open(tarball + ".sha512", encoding="ascii") as fh:
        published, name = fh.read().split()
    digest = hashlib.sha512()
    with open(tarball, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    assert name == os.path.basename(tarball)
    assert published == digest.hexdigest()

    top = os.path.basename(tarball)[: -len(".tgz")]
    with tarfile.open(tarball) as tar:
        names = set(tar.getnames())
    v = paths.versions()
    for member in ("bin/kafka-server-start.sh", "bin/kafka-storage.sh", "bin/kafka-topics.sh",
                   "config/server.properties", "config/log4j2.properties",
                   "libs/kafka_%s-%s.jar" % (v["KAFKA_SCALA_VERSION"], v["KAFKA_VERSION"]),
                   "libs/kafka-tools-%s.jar" % v["KAFKA_VERSION"],
                   "libs/log4j-slf4j-impl-%s.jar" % v["KAFKA_LOG4J2_VERSION"],
                   "libs/log4j-core-%s.jar" % v["KAFKA_LOG4J2_VERSION"]):
        assert "%s/%s" % (top, member) in names


def test_broker_round_trips_a_message_over_scram(kafka):
    topic = "mirror.roundtrip.%s" % uuid.uuid4().hex[:8]
    admin = KafkaAdminClient(**kafka.client_config())
    try:
        admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    finally:
        admin.close()
    payload = uuid.uuid4().bytes
    producer = KafkaProducer(acks="all", **kafka.client_config())
    try:
        producer.send(topic, payload).get(timeout=30)
    finally:
        producer.close()
    consumer = KafkaConsumer(topic, auto_offset_reset="earliest", consumer_timeout_ms=15000,
                             **kafka.client_config())
    try:
        values = [message.value for message in consumer]
    finally:
        consumer.close()
    assert values == [payload]


def test_broker_logs_through_log4j2(kafka):
    server_log = os.path.join(kafka.app_log_dir, "server.log")
    with open(server_log, encoding="utf-8") as fh:
        text = fh.read()
    # The pattern of config/log4j2.properties: "[date] LEVEL message (logger)".
    assert "Kafka Server started (kafka.server.KafkaRaftServer)" in text
