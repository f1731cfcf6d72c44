# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""Pure planning for kafka_scram_user: desired users + credentials + login results -> plan."""

from __future__ import annotations

from ansible_collections.digital_fte.event_backbone.plugins.module_utils._common import (
    declared_entries,
    diff_record,
    PlanError,
    purge_errors,
    purge_pattern,
)

MECHANISMS = ("SCRAM-SHA-256", "SCRAM-SHA-512")
# Kafka's bounds for SCRAM iterations (ScramMechanism.minIterations/maxIterations).
MIN_ITERATIONS, MAX_ITERATIONS = 4096, 16384
# What --diff shows instead of a password.
MASK = "********"
MASK_CHANGED = "******** (changed)"


def desired_users(params):
    """Module parameters -> per-user specs (top-level values are defaults for `users`)."""
    keys = ("password", "mechanism", "iterations", "state", "update_password")
    defaults = dict((k, params.get(k)) for k in keys)
    return [spec for _entry, spec in declared_entries(params, "users", defaults, keys)]


def validate_users(specs, purge=(), login_user=None):
    """Every problem of the request at once, before anything is read or changed.

    purge: the `purge` patterns; login_user: the user the module logs in as (sasl_username),
    which no pattern may match.
    """
    errors = []
    seen = set()
    for spec in specs:
        name = spec.get("name")
        if not name:
            errors.append("user name must not be empty")
            continue
        if "," in name or "=" in name:
            errors.append("user %s: names with ',' or '=' are not supported" % name)
        if name in seen:
            errors.append("user %s is declared more than once" % name)
        seen.add(name)
        if spec["state"] == "absent":
            continue
        if spec["mechanism"] not in MECHANISMS:
            errors.append("user %s: mechanism must be one of %s" % (name, ", ".join(MECHANISMS)))
        if not spec.get("password"):
            errors.append("user %s: a password is required with state present" % name)
        iterations = spec.get("iterations")
        if iterations is None or not MIN_ITERATIONS <= iterations <= MAX_ITERATIONS:
            errors.append("user %s: iterations must be between %d and %d, got %s"
                          % (name, MIN_ITERATIONS, MAX_ITERATIONS, iterations))
    errors += purge_errors(purge, login_user, "user", "fte-*")
    if errors:
        raise PlanError("; ".join(errors))


def login_checks(specs, actual):
    """(user, mechanism) pairs whose password must be tested by logging in.

    Only where the credential exists with the desired iterations (otherwise it is rewritten
    anyway) and update_password is 'always'.
    """
    checks = []
    for spec in specs:
        if spec["state"] != "present" or spec["update_password"] != "always":
            continue
        iterations = actual.get(spec["name"], {}).get(spec["mechanism"])
        if iterations is not None and iterations == spec["iterations"]:
            checks.append((spec["name"], spec["mechanism"]))
    return checks


def _view(credentials, changed_mechanism=None):
    return {"credentials": dict(
        (mech, {"iterations": it, "password": MASK_CHANGED if mech == changed_mechanism else MASK})
        for mech, it in sorted(credentials.items()))}


def plan_users(specs, actual, login_ok, purge=()):
    """Compare desired users with the cluster.

    actual: {user: {mechanism: iterations}} for users that have SCRAM credentials (with
    `purge`, every such user of the cluster).
    login_ok: {(user, mechanism): bool} for every pair login_checks() returned.
    purge: patterns; an existing user that matches one and is not declared loses every
    SCRAM credential.
    Returns upsert [(user, mechanism, iterations)], delete [(user, mechanism)], changes, diff.
    """
    plan = {"upsert": [], "delete": [], "changes": [], "diff": []}
    for spec in specs:
        name = spec["name"]
        current = dict(actual.get(name, {}))
        if spec["state"] == "absent":
            if not current:
                continue
            for mech in sorted(current):
                plan["delete"].append((name, mech))
            plan["changes"].append({"user": name, "action": "delete", "mechanisms": sorted(current)})
            plan["diff"].append(diff_record(name, _view(current), {}))
            continue
        mech, iterations = spec["mechanism"], spec["iterations"]
        have = current.get(mech)
        if have is None:
            action, reason = "create", "no %s credential" % mech
        elif have != iterations:
            action, reason = "update", "iterations %d -> %d" % (have, iterations)
        elif spec["update_password"] == "always" and not login_ok[(name, mech)]:
            action, reason = "update", "the password does not authenticate"
        else:
            continue
        after = dict(current)
        after[mech] = iterations
        plan["upsert"].append((name, mech, iterations))
        plan["changes"].append({"user": name, "action": action, "mechanism": mech,
                                "iterations": iterations, "reason": reason})
        plan["diff"].append(diff_record(name, _view(current) if current else {},
                                        _view(after, changed_mechanism=mech)))
    declared = set(spec["name"] for spec in specs)
    for name in sorted(set(actual) - declared):
        pattern = purge_pattern(name, purge)
        if pattern is None or not actual[name]:
            continue
        for mech in sorted(actual[name]):
            plan["delete"].append((name, mech))
        plan["changes"].append({"user": name, "action": "delete", "mechanisms": sorted(actual[name]),
                                "reason": "not declared; matches purge pattern %s" % pattern})
        plan["diff"].append(diff_record(name, _view(actual[name]), {}))
    return plan


def alteration_rounds(plan):
    """The plan's alterations as successive AlterUserScramCredentials requests.

    Kafka refuses a request that alters one user twice ("A user credential cannot be altered
    twice in the same request"), also for two mechanisms, so the n-th alteration of a user goes
    into the n-th request. Returns [[('delete', user, mechanism) or
    ('upsert', user, mechanism, iterations)]]: one request for most plans, one per credential
    of a user that loses several.
    """
    rounds = []
    seen = {}
    for alteration in [("delete",) + d for d in plan["delete"]] + [("upsert",) + u for u in plan["upsert"]]:
        index = seen.get(alteration[1], 0)
        seen[alteration[1]] = index + 1
        if index == len(rounds):
            rounds.append([])
        rounds[index].append(alteration)
    return rounds
