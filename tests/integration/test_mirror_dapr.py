"""The mirror's daprd loads a pubsub.kafka component against a real broker and publishes."""
import json
import os
import uuid

import pytest
from kafka import KafkaConsumer
from kafka.admin import KafkaAdminClient, NewTopic

from tests.lib import paths
from tests.lib.daprd import Daprd, http

TOPIC = "fte.status.updates"


@pytest.fixture(scope="module")
def sidecar(kafka, tmp_path_factory):
    admin = KafkaAdminClient(**kafka.client_config())
    try:
        # The component creates no topics: they exist before the sidecar uses them.
        admin.create_topics([NewTopic(TOPIC, num_partitions=1, replication_factor=1)])
    finally:
        admin.close()
    workdir = str(tmp_path_factory.mktemp("daprd"))
    resources = os.path.join(workdir, "resources")
    os.makedirs(resources)
    secrets_file = os.path.join(workdir, "secrets.json")
    with open(secrets_file, "w", encoding="utf-8") as fh:
        json.dump({"kafka-password": kafka.admin_password}, fh)
    os.chmod(secrets_file, 0o600)
    with open(os.path.join(resources, "secretstore.yaml"), "w", encoding="utf-8") as fh:
        fh.write(
            "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: backbone-secrets\n"
            "spec:\n  type: secretstores.local.file\n  version: v1\n  metadata:\n"
            "    - name: secretsFile\n      value: %s\n" % secrets_file)
    with open(os.path.join(resources, "pubsub.yaml"), "w", encoding="utf-8") as fh:
        fh.write(
            "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: pubsub\n"
            "spec:\n  type: pubsub.kafka\n  version: v1\n  metadata:\n"
            "    - name: brokers\n      value: \"%s\"\n"
            "    - name: consumerGroup\n      value: digital-fte\n"
            "    - name: authType\n      value: password\n"
            "    - name: saslUsername\n      value: admin\n"
            "    - name: saslPassword\n      secretKeyRef:\n        name: kafka-password\n        key: kafka-password\n"
            "    - name: saslMechanism\n      value: SHA-512\n"
            "    - name: disableTls\n      value: \"true\"\n"
            "auth:\n  secretStore: backbone-secrets\n" % kafka.bootstrap)
    daprd = Daprd(workdir, resources).start()
    yield daprd
    daprd.stop()


def test_daprd_reports_its_pinned_version_and_is_healthy(sidecar):
    status, metadata = http("GET", sidecar.url + "/v1.0/metadata")
    assert status == 200
    assert metadata["runtimeVersion"] == paths.versions()["DAPR_VERSION"]
    assert http("GET", sidecar.url + "/v1.0/healthz")[0] == 204


def test_daprd_loaded_the_kafka_pubsub_and_secret_store(sidecar):
    status, metadata = http("GET", sidecar.url + "/v1.0/metadata")
    assert status == 200
    loaded = {(c["name"], c["type"]) for c in metadata["components"]}
    assert ("pubsub", "pubsub.kafka") in loaded
    assert ("backbone-secrets", "secretstores.local.file") in loaded


def test_publish_through_dapr_is_read_back_from_kafka(sidecar, kafka):
    task_id = uuid.uuid4().hex
    status, body = http("POST", sidecar.url + "/v1.0/publish/pubsub/" + TOPIC,
                        {"task_id": task_id, "status": "running"})
    assert (status, body) == (204, None)
    consumer = KafkaConsumer(TOPIC, auto_offset_reset="earliest", consumer_timeout_ms=15000,
                             **kafka.client_config())
    try:
        events = [json.loads(message.value) for message in consumer]
    finally:
        consumer.close()
    ours = [e for e in events if e.get("data", {}).get("task_id") == task_id]
    assert len(ours) == 1
    # Dapr wraps the payload in a CloudEvent naming the publisher and the topic.
    assert ours[0]["topic"] == TOPIC
    assert ours[0]["source"] == "backbone-test"
