"""Planning rules of kafka_acl, without Kafka."""
import pytest

from ansible_collections.digital_fte.event_backbone.plugins.module_utils._acl import (
    PlanError,
    binding_dict,
    expand,
    plan_acls,
)


def entry(**kw):
    base = {"principal": "User:alice", "resource_type": "topic", "resource_name": "fte.orders",
            "operations": ["read", "describe"]}
    base.update(kw)
    return base


READ = ("User:alice", "*", "topic", "fte.orders", "literal", "read", "allow")
DESCRIBE = ("User:alice", "*", "topic", "fte.orders", "literal", "describe", "allow")


def test_entry_expands_to_one_binding_per_operation():
    assert expand([entry()], "present") == {READ: "present", DESCRIBE: "present"}


def test_missing_bindings_are_created_existing_ones_kept():
    plan = plan_acls(expand([entry()], "present"), {READ})
    assert plan["create"] == [DESCRIBE] and plan["delete"] == []
    assert plan["changes"] == [{"action": "create", "principal": "User:alice", "host": "*",
                                "resource_type": "topic", "resource_name": "fte.orders",
                                "pattern_type": "literal", "operation": "describe", "permission": "allow"}]
    assert plan["diff"][0]["before"] == {} and plan["diff"][0]["after"]["operation"] == "describe"
    assert plan["diff"][0]["before_header"] == "allow User:alice describe on topic literal fte.orders from host *"


def test_converged_is_a_noop_and_undeclared_bindings_stay():
    other = ("User:bob", "*", "group", "g", "literal", "read", "allow")
    assert plan_acls(expand([entry()], "present"), {READ, DESCRIBE, other}) == {
        "create": [], "delete": [], "changes": [], "diff": []}


def test_absent_deletes_only_existing():
    plan = plan_acls(expand([entry(state="absent")], "present"), {READ})
    assert plan["delete"] == [READ] and plan["create"] == []
    assert plan["diff"][0]["after"] == {}


def test_prefixed_and_deny_and_host():
    wanted = expand([entry(pattern_type="prefixed", resource_name="fte.", permission="deny",
                           host="10.0.0.1", operations=["WRITE"])], "present")
    assert wanted == {("User:alice", "10.0.0.1", "topic", "fte.", "prefixed", "write", "deny"): "present"}


@pytest.mark.parametrize("bad, message", [
    (entry(principal="alice"), "principal 'alice' must be TYPE:NAME, for example User:alice"),
    (entry(resource_type="queue"), "resource_type 'queue' must be one of topic, group, cluster"),
    (entry(resource_type="cluster", resource_name="c1", operations=["alter"]),
     "the cluster resource is named kafka-cluster, not 'c1'"),
    (entry(operations=["idempotent_write"]), "operation(s) idempotent_write not valid on topic; valid: read, write"),
    (entry(resource_type="group", operations=["write"]), "operation(s) write not valid on group"),
    (entry(operations=[]), "operations must list at least one operation"),
    (entry(pattern_type="prefixed", resource_name="*"), "'*' is a wildcard only with pattern_type literal"),
    (entry(pattern_type="match"), "pattern_type 'match' must be literal or prefixed"),
])
def test_invalid_entries(bad, message):
    with pytest.raises(PlanError) as exc:
        expand([entry(), bad], "present")
    assert message in str(exc.value)
    assert str(exc.value).startswith("acls[1]: ")


@pytest.mark.parametrize("bad, message", [
    (entry(principal="user:x"), "principal 'user:x' has type 'user'; the type must be User, in exactly that case"),
    (entry(principal="USER:x"), "principal 'USER:x' has type 'USER'; the type must be User, in exactly that case"),
    (entry(principal="Group:devs"),
     "principal 'Group:devs' has type 'Group'; the type must be User, in exactly that case"),
    (entry(host="not an ip"), "host 'not an ip' must be * or an IP address (IPv4 or IPv6)"),
    (entry(host="10.0.0.300"), "host '10.0.0.300' must be * or an IP address (IPv4 or IPv6)"),
    (entry(host="kafka1.example.com"), "host 'kafka1.example.com' must be * or an IP address (IPv4 or IPv6)"),
    (entry(host="10.0.0.0/8"), "host '10.0.0.0/8' must be * or an IP address (IPv4 or IPv6)"),
])
def test_principal_type_and_host_rules(bad, message):
    with pytest.raises(PlanError) as exc:
        expand([entry(), bad], "present")
    assert str(exc.value) == "acls[1]: " + message


@pytest.mark.parametrize("host", ["*", "10.0.0.1", "::1", "2001:db8::17", "0:0:0:0:0:0:0:1"])
def test_accepted_hosts(host):
    assert list(expand([entry(host=host, operations=["read"])], "present")) == [
        ("User:alice", host, "topic", "fte.orders", "literal", "read", "allow")]


def test_every_problem_of_every_entry_in_one_error():
    with pytest.raises(PlanError) as exc:
        expand([entry(principal="user:alice", host="10.0.0.300"), entry(), entry(host="not an ip")], "present")
    assert str(exc.value) == (
        "acls[0]: principal 'user:alice' has type 'user'; the type must be User, in exactly that case; "
        "host '10.0.0.300' must be * or an IP address (IPv4 or IPv6); "
        "acls[2]: host 'not an ip' must be * or an IP address (IPv4 or IPv6)")


def test_contradicting_states_are_an_error():
    with pytest.raises(PlanError, match="is declared both present and absent"):
        expand([entry(), entry(operations=["read"], state="absent")], "present")


def test_cluster_and_all_operations():
    wanted = expand([entry(resource_type="cluster", resource_name="kafka-cluster",
                           operations=["idempotent_write", "all"])], "present")
    assert len(wanted) == 2


# purge: principals the request owns by pattern; their undeclared bindings are deleted.
FTE_A = ("User:fte-a", "*", "topic", "fte.orders", "literal", "read", "allow")
FTE_B_TOPIC = ("User:fte-b", "*", "topic", "fte.orders", "literal", "write", "allow")
FTE_B_GROUP = ("User:fte-b", "*", "group", "digital-fte", "literal", "read", "allow")
FTE_B_CLUSTER = ("User:fte-b", "10.0.0.1", "cluster", "kafka-cluster", "literal", "idempotent_write", "deny")
OTHER = ("User:reporting", "*", "topic", "fte.orders", "literal", "read", "allow")
ADMIN = ("User:admin", "*", "cluster", "kafka-cluster", "literal", "all", "allow")
EVERYONE = ("User:*", "*", "topic", "public", "literal", "read", "allow")


def fte_a(**kw):
    return entry(principal="User:fte-a", operations=["read"], **kw)


def test_purge_deletes_undeclared_bindings_of_matching_principals_on_every_resource():
    actual = {FTE_A, FTE_B_TOPIC, FTE_B_GROUP, FTE_B_CLUSTER, OTHER, ADMIN, EVERYONE}
    plan = plan_acls(expand([fte_a()], "present"), actual, ["User:fte-*"])
    assert plan["create"] == []
    assert plan["delete"] == sorted([FTE_B_TOPIC, FTE_B_GROUP, FTE_B_CLUSTER])
    reason = "not declared; principal matches purge pattern User:fte-*"
    assert plan["changes"][0] == {"action": "delete", "principal": "User:fte-b", "host": "*",
                                  "resource_type": "group", "resource_name": "digital-fte",
                                  "pattern_type": "literal", "operation": "read", "permission": "allow",
                                  "reason": reason}
    assert all(c["reason"] == reason for c in plan["changes"])
    assert plan["diff"][0] == {"before_header": "allow User:fte-b read on group literal digital-fte from host *",
                               "after_header": "allow User:fte-b read on group literal digital-fte from host *",
                               "before": binding_dict(FTE_B_GROUP), "after": {}}


def test_purge_with_creations_and_declared_absent_deletions_in_one_plan():
    gone = ("User:fte-a", "*", "topic", "fte.orders", "literal", "describe", "allow")
    wanted = expand([fte_a(), entry(principal="User:fte-a", operations=["describe"], state="absent")], "present")
    plan = plan_acls(wanted, {gone, FTE_B_TOPIC, OTHER}, ["User:fte-*"])
    assert plan["create"] == [FTE_A]
    assert plan["delete"] == [gone, FTE_B_TOPIC]
    assert "reason" not in plan["changes"][1] and "reason" in plan["changes"][2]


def test_purge_is_a_noop_once_converged_and_without_patterns():
    assert plan_acls(expand([fte_a()], "present"), {FTE_A, OTHER, ADMIN}, ["User:fte-*"])["changes"] == []
    assert plan_acls(expand([fte_a()], "present"), {FTE_A, FTE_B_TOPIC}, [])["changes"] == []
    # Case-sensitive, and the type is part of the principal.
    assert plan_acls({}, {("Group:fte-b",) + FTE_B_TOPIC[1:], ("User:FTE-b",) + FTE_B_TOPIC[1:]},
                     ["User:fte-*"])["changes"] == []


@pytest.mark.parametrize("purge, message", [
    (["*"], "purge[0]: '*' would purge every principal; name the ones the design owns, for example 'User:fte-*'"),
    (["User:fte-*", "User:*"], "purge[1]: 'User:*' matches User:admin, which this module logs in as "
                               "(sasl_username); it must never be purged"),
    (["User:adm?n"], "purge[0]: 'User:adm?n' matches User:admin"),
    (["*:admin"], "purge[0]: '*:admin' matches User:admin"),
    ([""], "purge[0]: a pattern must not be empty"),
])
def test_refused_purge_patterns(purge, message):
    with pytest.raises(PlanError) as exc:
        expand([fte_a()], "present", purge, "admin")
    assert message in str(exc.value)


def test_purge_errors_come_with_the_entries_errors_and_accepted_patterns_pass():
    with pytest.raises(PlanError) as exc:
        expand([entry(principal="alice")], "present", ["*"], "admin")
    assert str(exc.value).startswith("acls[0]: principal 'alice' must be TYPE:NAME")
    assert "; purge[0]: '*' would purge every principal" in str(exc.value)
    assert expand([fte_a()], "present", ["User:fte-*", "admin"], "admin") == {FTE_A: "present"}
    assert expand([fte_a()], "present", ["User:*"], None) == {FTE_A: "present"}
