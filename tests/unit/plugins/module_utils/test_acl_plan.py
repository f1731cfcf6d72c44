"""Planning rules of kafka_acl, without Kafka."""
import pytest

from ansible_collections.digital_fte.event_backbone.plugins.module_utils._acl import (
    PlanError,
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


def test_contradicting_states_are_an_error():
    with pytest.raises(PlanError, match="is declared both present and absent"):
        expand([entry(), entry(operations=["read"], state="absent")], "present")


def test_cluster_and_all_operations():
    wanted = expand([entry(resource_type="cluster", resource_name="kafka-cluster",
                           operations=["idempotent_write", "all"])], "present")
    assert len(wanted) == 2
