"""Shared helpers of the Kafka module integration tests: connection args and read-backs."""
import uuid

from kafka import KafkaAdminClient
from kafka.admin import ConfigResource


def conn_args(kafka):
    return {"bootstrap_servers": [kafka.bootstrap], "security_protocol": "SASL_PLAINTEXT",
            "sasl_mechanism": "SCRAM-SHA-512", "sasl_username": "admin",
            "sasl_password": kafka.admin_password}


def unique(prefix):
    return "%s%s" % (prefix, uuid.uuid4().hex[:8])


def admin(kafka):
    return KafkaAdminClient(**kafka.client_config())


def topic_state(kafka, names):
    """{name: {'partitions', 'replication_factor', 'config' (topic-level overrides)}} for existing ones."""
    client = admin(kafka)
    try:
        described = dict((t["name"], t) for t in client.describe_topics(list(names)) if not t["error_code"])
        result = {}
        if described:
            configs = client.describe_configs([ConfigResource("TOPIC", n) for n in described],
                                              config_filter="all")["topic"]
            for name, topic in described.items():
                result[name] = {
                    "partitions": len(topic["partitions"]),
                    "replication_factor": max(len(p["replica_nodes"]) for p in topic["partitions"]),
                    "config": dict((k, c["value"]) for k, c in configs[name].items()
                                   if c["config_source"] == "DYNAMIC_TOPIC_CONFIG"),
                }
        return result
    finally:
        client.close()


def assert_no_secret(result, *secrets):
    for secret in secrets:
        assert secret not in result.stdout and secret not in result.stderr
