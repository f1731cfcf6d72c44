"""The smoke check's read-back probe (playbooks/files/kafka_probe.py) against the real broker,
run as the runbook runs it: a script on the controller, the connection in its environment."""
import json
import os
import subprocess
import sys

from kafka import KafkaProducer

from tests.integration.kafka_helpers import admin, unique
from tests.lib import paths

PROBE = os.path.join(paths.ROOT, "playbooks", "files", "kafka_probe.py")


def probe(kafka, *args, password=None):
    env = dict(os.environ, KAFKA_BOOTSTRAP=kafka.bootstrap, KAFKA_USER="admin",
               KAFKA_PASSWORD=kafka.admin_password if password is None else password)
    return subprocess.run([sys.executable, PROBE] + [str(a) for a in args], env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_probe_finds_only_what_came_after_the_offsets(kafka):
    topic = unique("probe.")
    client = admin(kafka)
    try:
        client.create_topics({topic: {"num_partitions": 2, "replication_factor": 1}})
    finally:
        client.close()
    producer = KafkaProducer(acks="all", **kafka.client_config())
    try:
        producer.send(topic, b'{"smoke_check": "before"}', partition=0).get(timeout=30)
        ended = probe(kafka, "end", topic)
        assert ended.returncode == 0, ended.stdout + ended.stderr
        offsets = json.loads(ended.stdout)
        assert offsets == {"0": 1, "1": 0}
        producer.send(topic, b'{"smoke_check": "after"}', partition=1).get(timeout=30)
    finally:
        producer.close()

    found = probe(kafka, "find", topic, ended.stdout, "after", 30)
    assert found.returncode == 0, found.stdout + found.stderr
    assert json.loads(found.stdout) == {"partition": 1, "offset": 0, "value": '{"smoke_check": "after"}'}
    # The record before the offsets is there, but the probe starts after it.
    missed = probe(kafka, "find", topic, ended.stdout, "before", 3)
    assert missed.returncode == 1
    assert missed.stdout.strip() == "no record containing before in %s within 3.0s" % topic


def test_probe_names_a_missing_topic(kafka):
    topic = unique("probe.missing.")
    result = probe(kafka, "end", topic)
    assert result.returncode == 1
    assert result.stdout.strip() == "topic %s not found or not readable" % topic


def test_probe_refuses_a_connection_without_bootstrap():
    result = subprocess.run([sys.executable, PROBE, "end", "t"], env=dict(os.environ, KAFKA_BOOTSTRAP=""),
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert result.stdout.strip() == "no bootstrap server given (KAFKA_BOOTSTRAP)"
