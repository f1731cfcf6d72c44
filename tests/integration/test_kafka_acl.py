"""kafka_acl through ansible-playbook; the bindings are read back and exercised by a real user."""
from kafka import KafkaAdminClient
from kafka.admin import UserScramCredentialUpsertion

from tests.integration.kafka_helpers import admin, bindings, conn_args, unique
from tests.lib.ansible_run import run_module


def visible_topics(kafka, user, password, names):
    """Topics the user may describe (metadata hides the others under the authorizer)."""
    client = KafkaAdminClient(**kafka.client_config(user, password))
    try:
        return sorted(t["name"] for t in client.describe_topics(names) if not t["error_code"])
    finally:
        client.close()


def test_acls_create_noop_enforced_and_delete(kafka):
    user, password = unique("svc-"), unique("pw-")
    prefix = unique("acl.") + "."
    topic = prefix + "orders"
    client = admin(kafka)
    try:
        client.alter_user_scram_credentials([UserScramCredentialUpsertion(user, "SCRAM-SHA-512", password)])
        client.create_topics({topic: {"num_partitions": 1, "replication_factor": 1}})
    finally:
        client.close()
    assert visible_topics(kafka, user, password, [topic]) == []

    principal = "User:" + user
    args = dict(conn_args(kafka), acls=[
        {"principal": principal, "resource_type": "topic", "resource_name": prefix,
         "pattern_type": "prefixed", "operations": ["read", "describe"]},
        {"principal": principal, "resource_type": "group", "resource_name": user, "operations": ["read"]}])

    check = run_module("kafka_acl", args, check=True, diff=True)
    assert check["changed"] is True and len(check["changes"]) == 3 and len(check["diff"]) == 3
    assert bindings(kafka, principal) == []

    real = run_module("kafka_acl", args, diff=True)
    assert real["changes"] == check["changes"] and real["diff"] == check["diff"]
    assert bindings(kafka, principal) == [("GROUP", user, "LITERAL", "READ", "ALLOW"),
                                          ("TOPIC", prefix, "PREFIXED", "DESCRIBE", "ALLOW"),
                                          ("TOPIC", prefix, "PREFIXED", "READ", "ALLOW")]
    assert visible_topics(kafka, user, password, [topic]) == [topic]

    assert run_module("kafka_acl", args)["changed"] is False

    # Bad input (write on a group) in the same call as a good change: nothing happens.
    bad = run_module("kafka_acl", dict(conn_args(kafka), acls=[
        {"principal": principal, "resource_type": "topic", "resource_name": topic, "operations": ["write"]},
        {"principal": principal, "resource_type": "group", "resource_name": user, "operations": ["write"]}]))
    assert bad.failed and "acls[1]: operation(s) write not valid on group" in bad["msg"]
    assert len(bindings(kafka, principal)) == 3

    # Remove the topic bindings; the group binding, not named here, stays.
    remove = dict(conn_args(kafka), state="absent", acls=[
        {"principal": principal, "resource_type": "topic", "resource_name": prefix,
         "pattern_type": "prefixed", "operations": ["describe", "read"]}])
    check = run_module("kafka_acl", remove, check=True)
    assert [c["operation"] for c in check["changes"]] == ["describe", "read"]
    assert run_module("kafka_acl", remove)["changes"] == check["changes"]
    assert bindings(kafka, principal) == [("GROUP", user, "LITERAL", "READ", "ALLOW")]
    assert visible_topics(kafka, user, password, [topic]) == []
    assert run_module("kafka_acl", remove)["changed"] is False


def test_purge_deletes_retired_principals_bindings_only(kafka):
    topic, other = unique("purge."), "User:" + unique("reporting-")
    fte_a, fte_b = "User:fte-a", "User:fte-b"
    declared = {"principal": fte_a, "resource_type": "topic", "resource_name": topic, "operations": ["read"]}
    setup = run_module("kafka_acl", dict(conn_args(kafka), acls=[
        declared,
        {"principal": fte_b, "resource_type": "topic", "resource_name": topic, "operations": ["write"]},
        {"principal": fte_b, "resource_type": "group", "resource_name": "digital-fte", "operations": ["read"]},
        {"principal": fte_b, "resource_type": "cluster", "resource_name": "kafka-cluster",
         "operations": ["idempotent_write"]},
        {"principal": other, "resource_type": "topic", "resource_name": topic, "operations": ["read"]}]))
    assert setup["changed"] is True and len(setup["changes"]) == 5
    fte_b_before = [("CLUSTER", "kafka-cluster", "LITERAL", "IDEMPOTENT_WRITE", "ALLOW"),
                    ("GROUP", "digital-fte", "LITERAL", "READ", "ALLOW"),
                    ("TOPIC", topic, "LITERAL", "WRITE", "ALLOW")]
    kept = {fte_a: [("TOPIC", topic, "LITERAL", "READ", "ALLOW")],
            other: [("TOPIC", topic, "LITERAL", "READ", "ALLOW")],
            "User:admin": bindings(kafka, "User:admin")}
    assert bindings(kafka, fte_b) == fte_b_before

    def untouched():
        return all(bindings(kafka, principal) == expected for principal, expected in kept.items())

    args = dict(conn_args(kafka), acls=[declared], purge=["User:fte-*"])
    reason = "not declared; principal matches purge pattern User:fte-*"

    # Purge (check mode): predicts the three deletions of fte-b, changes nothing.
    check = run_module("kafka_acl", args, check=True, diff=True)
    assert check["changed"] is True
    assert [(c["action"], c["principal"], c["resource_type"], c["operation"], c["reason"])
            for c in check["changes"]] == [("delete", fte_b, "cluster", "idempotent_write", reason),
                                           ("delete", fte_b, "group", "read", reason),
                                           ("delete", fte_b, "topic", "write", reason)]
    assert [d["after"] for d in check["diff"]] == [{}, {}, {}]
    assert check["diff"][2]["before"] == {"principal": fte_b, "host": "*", "resource_type": "topic",
                                          "resource_name": topic, "pattern_type": "literal",
                                          "operation": "write", "permission": "allow"}
    assert bindings(kafka, fte_b) == fte_b_before and untouched()

    # Purge: exactly what check mode said; fte-a, the other user and admin keep theirs.
    real = run_module("kafka_acl", args, diff=True)
    assert real["changes"] == check["changes"] and real["diff"] == check["diff"]
    assert bindings(kafka, fte_b) == [] and untouched()

    # Purge (idempotency).
    again = run_module("kafka_acl", args, diff=True)
    assert again["changed"] is False and again["changes"] == [] and again["diff"] == []

    # Refused patterns (one matching the admin's own principal, one matching everybody), in
    # the same call as a creation and a purge that would otherwise happen: nothing changes.
    run_module("kafka_acl", dict(conn_args(kafka), acls=[
        {"principal": fte_b, "resource_type": "topic", "resource_name": topic, "operations": ["write"]}]))
    for refused, message in ((["User:fte-*", "User:*"], "purge[1]: 'User:*' matches User:admin, which this "
                                                        "module logs in as (sasl_username)"),
                             (["*"], "purge[0]: '*' would purge every principal")):
        bad = run_module("kafka_acl", dict(args, acls=[declared, dict(declared, operations=["describe"])],
                                           purge=refused))
        assert bad.failed and bad["msg"].startswith("Invalid request, nothing was changed: ")
        assert message in bad["msg"]
    assert bindings(kafka, fte_b) == [("TOPIC", topic, "LITERAL", "WRITE", "ALLOW")] and untouched()


def test_bad_host_and_principal_type_change_nothing(kafka):
    name, topic = unique("svc-"), unique("acl.host.")
    principal = "User:" + name
    good = {"principal": principal, "resource_type": "topic", "resource_name": topic, "operations": ["read"]}

    # Each bad entry in the same call as a good one: refused before any change.
    for bad, message in ((dict(good, host="not an ip"), "acls[1]: host 'not an ip' must be * or an IP address "
                                                        "(IPv4 or IPv6)"),
                         (dict(good, host="10.0.0.300"), "acls[1]: host '10.0.0.300' must be * or an IP address "
                                                         "(IPv4 or IPv6)"),
                         (dict(good, principal="user:" + name), "acls[1]: principal 'user:%s' has type 'user'; the "
                                                                "type must be User, in exactly that case" % name)):
        result = run_module("kafka_acl", dict(conn_args(kafka), acls=[good, bad]))
        assert result.failed
        assert result["msg"] == "Invalid request, nothing was changed: " + message
    assert bindings(kafka, principal) == []

    # An IP address is a host Kafka matches.
    created = run_module("kafka_acl", dict(conn_args(kafka), acls=[dict(good, host="127.0.0.1")]))
    assert [(c["action"], c["host"]) for c in created["changes"]] == [("create", "127.0.0.1")]
    assert bindings(kafka, principal) == [("TOPIC", topic, "LITERAL", "READ", "ALLOW")]
