# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""Pure planning for kafka_acl: desired ACL entries + the cluster's bindings -> plan and diff."""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.digital_fte.event_backbone.plugins.module_utils._common import (
    diff_record,
    PlanError,
    purge_errors,
    purge_pattern,
)

# Operations Kafka accepts per resource type (AclEntry.supportedOperations), plus ALL.
OPERATIONS = {
    "topic": ("read", "write", "create", "describe", "delete", "alter", "describe_configs",
              "alter_configs"),
    "group": ("read", "describe", "delete", "describe_configs", "alter_configs"),
    "cluster": ("create", "cluster_action", "describe_configs", "alter_configs", "idempotent_write",
                "alter", "describe"),
    "transactional_id": ("describe", "write"),
    "delegation_token": ("describe",),
    "user": ("create_tokens", "describe_tokens"),
}
CLUSTER_NAME = "kafka-cluster"
_PRINCIPAL = re.compile(r"^([A-Za-z][A-Za-z0-9]*):.+$")
# Kafka's principal builders make every SASL and SSL principal a User, and its authorizer
# compares the type case-sensitively: a binding of any other type matches no client.
PRINCIPAL_TYPE = "User"
# The fields of one binding, in the order used for sorting and display.
FIELDS = ("principal", "host", "resource_type", "resource_name", "pattern_type", "operation",
          "permission")


def binding_dict(binding):
    return dict(zip(FIELDS, binding))


def describe(binding):
    b = binding_dict(binding)
    return "%(permission)s %(principal)s %(operation)s on %(resource_type)s %(pattern_type)s " \
           "%(resource_name)s from host %(host)s" % b


def expand(entries, default_state, purge=(), login_user=None):
    """ACL entries (one per principal/resource with several operations) -> {binding: state}.

    A binding is a tuple of FIELDS with lower-case enum values. Raises PlanError listing every
    invalid entry and every refused `purge` pattern (one matching User:<login_user>, the
    principal the module logs in as, or one that matches every principal).
    """
    errors = []
    wanted = {}
    for index, entry in enumerate(entries):
        where = "acls[%d]" % index
        principal = entry.get("principal") or ""
        rtype = (entry.get("resource_type") or "").lower()
        name = entry.get("resource_name")
        pattern = (entry.get("pattern_type") or "literal").lower()
        host = entry.get("host") or "*"
        permission = (entry.get("permission") or "allow").lower()
        state = entry.get("state") or default_state
        operations = [op.lower() for op in entry.get("operations") or []]
        problems = []
        form = _PRINCIPAL.match(principal)
        if not form:
            problems.append("principal %r must be TYPE:NAME, for example User:alice" % principal)
        elif form.group(1) != PRINCIPAL_TYPE:
            problems.append("principal %r has type %r; the type must be %s, in exactly that case"
                            % (principal, form.group(1), PRINCIPAL_TYPE))
        if not _is_host(host):
            problems.append("host %r must be * or an IP address (IPv4 or IPv6)" % host)
        if rtype not in OPERATIONS:
            problems.append("resource_type %r must be one of %s" % (rtype, ", ".join(OPERATIONS)))
        if not name:
            problems.append("resource_name is required")
        elif rtype == "cluster" and name != CLUSTER_NAME:
            problems.append("the cluster resource is named %s, not %r" % (CLUSTER_NAME, name))
        if pattern not in ("literal", "prefixed"):
            problems.append("pattern_type %r must be literal or prefixed" % pattern)
        elif pattern == "prefixed" and name == "*":
            problems.append("'*' is a wildcard only with pattern_type literal")
        if permission not in ("allow", "deny"):
            problems.append("permission %r must be allow or deny" % permission)
        if not operations:
            problems.append("operations must list at least one operation")
        elif rtype in OPERATIONS:
            valid = OPERATIONS[rtype] + ("all",)
            bad = [op for op in operations if op not in valid]
            if bad:
                problems.append("operation(s) %s not valid on %s; valid: %s"
                                % (", ".join(bad), rtype, ", ".join(valid)))
        if problems:
            errors.append("%s: %s" % (where, "; ".join(problems)))
            continue
        for op in operations:
            binding = (principal, host, rtype, name, pattern, op, permission)
            if wanted.get(binding, state) != state:
                errors.append("%s: %s is declared both present and absent" % (where, describe(binding)))
            wanted[binding] = state
    errors += purge_errors(purge, None if login_user is None else "User:" + login_user,
                           "principal", "User:fte-*")
    if errors:
        raise PlanError("; ".join(errors))
    return wanted


def _is_host(host):
    """Kafka matches a binding's host against the client's IP address, never a host name."""
    if host == "*":
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def plan_acls(wanted, actual, purge=()):
    """wanted: {binding: 'present'|'absent'}; actual: set of bindings on the cluster.

    purge: principal patterns; an existing binding whose principal matches one and that
    `wanted` does not name is deleted too, whatever its resource.
    """
    plan = {"create": [], "delete": [], "changes": [], "diff": []}
    for binding, state in sorted(wanted.items()):
        if state == "present" and binding not in actual:
            _add(plan, "create", binding)
        elif state == "absent" and binding in actual:
            _add(plan, "delete", binding)
    for binding in sorted(set(actual) - set(wanted)):
        pattern = purge_pattern(binding[0], purge)
        if pattern is not None:
            _add(plan, "delete", binding, reason="not declared; principal matches purge pattern %s" % pattern)
    return plan


def _add(plan, action, binding, **extra):
    plan[action].append(binding)
    record = binding_dict(binding)
    before, after = (record, {}) if action == "delete" else ({}, record)
    plan["changes"].append(dict(record, action=action, **extra))
    plan["diff"].append(diff_record(describe(binding), before, after))
