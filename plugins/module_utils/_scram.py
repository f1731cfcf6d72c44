# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""Pure planning for kafka_scram_user: desired users + credentials + login results -> plan."""

from __future__ import annotations

MECHANISMS = ("SCRAM-SHA-256", "SCRAM-SHA-512")
# Kafka's bounds for SCRAM iterations (ScramMechanism.minIterations/maxIterations).
MIN_ITERATIONS, MAX_ITERATIONS = 4096, 16384
# What --diff shows instead of a password.
MASK = "********"
MASK_CHANGED = "******** (changed)"


class PlanError(Exception):
    """The request is invalid; nothing may be changed."""


def desired_users(params):
    """Module parameters -> per-user specs (top-level values are defaults for `users`)."""
    keys = ("password", "mechanism", "iterations", "state", "update_password")
    defaults = dict((k, params.get(k)) for k in keys)
    if params.get("name") is not None:
        entries = [{"name": params["name"]}]
    else:
        entries = params.get("users") or []
    specs = []
    for entry in entries:
        spec = dict(defaults, name=entry.get("name"))
        for key in keys:
            if entry.get(key) is not None:
                spec[key] = entry[key]
        specs.append(spec)
    return specs


def validate_users(specs):
    """Every problem of the request at once, before anything is read or changed."""
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


def plan_users(specs, actual, login_ok):
    """Compare desired users with the cluster.

    actual: {user: {mechanism: iterations}} for users that have SCRAM credentials.
    login_ok: {(user, mechanism): bool} for every pair login_checks() returned.
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
            plan["diff"].append({"before_header": name, "after_header": name,
                                 "before": _view(current), "after": {}})
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
        plan["diff"].append({"before_header": name, "after_header": name,
                             "before": _view(current) if current else {},
                             "after": _view(after, changed_mechanism=mech)})
    return plan
