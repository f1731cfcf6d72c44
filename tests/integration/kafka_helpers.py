"""Shared helpers of the Kafka module integration tests: connection args and read-backs."""
import uuid

from kafka import KafkaAdminClient
from kafka.admin import (ACLFilter, ACLOperation, ACLPermissionType, ACLResourcePatternType, ConfigResource,
                         ResourcePatternFilter, ResourceType)


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


def bindings(kafka, principal):
    """The principal's ACL bindings as sorted (resource type, name, pattern type, operation, permission)."""
    client = admin(kafka)
    try:
        every_resource = ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY)
        acls, _error = client.describe_acls(
            ACLFilter(principal, None, ACLOperation.ANY, ACLPermissionType.ANY, every_resource))
    finally:
        client.close()
    return sorted((a.resource_pattern.resource_type.name, a.resource_pattern.resource_name,
                   a.resource_pattern.pattern_type.name, a.operation.name, a.permission_type.name)
                  for a in acls)


def credentials(kafka, names):
    """{user: {mechanism: iterations}} of the named users that have SCRAM credentials."""
    client = admin(kafka)
    try:
        described = client.describe_user_scram_credentials(names)
    finally:
        client.close()
    return dict((user, dict((ci["mechanism"].name, ci["iterations"]) for ci in info["credential_infos"]))
                for user, info in described.items() if not info["error"])


def assert_no_secret(result, *secrets):
    for secret in secrets:
        assert secret not in result.stdout and secret not in result.stderr
