# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""What the pure planners share: their error, the diff record, the name-or-list form of a
request and purge patterns."""

from __future__ import annotations

from fnmatch import fnmatchcase


class PlanError(Exception):
    """The request is invalid; nothing may be changed."""


def diff_record(header, before, after):
    """One entry of a module's --diff: `before` and `after` under the same header."""
    return {"before_header": header, "after_header": header, "before": before, "after": after}


def declared_entries(params, list_key, defaults, keys):
    """The modules' name-or-list form: O(name) alone, or the entries of O(<list_key>).

    Each entry becomes a spec: `defaults` plus the entry's name, with every key of `keys` that
    the entry sets (not None) taking the entry's value. Returns [(entry, spec)], so a caller
    can merge what is more than a plain override (kafka_topic's config).
    """
    if params.get("name") is not None:
        entries = [{"name": params["name"]}]
    else:
        entries = params.get(list_key) or []
    pairs = []
    for entry in entries:
        spec = dict(defaults, name=entry.get("name"))
        for key in keys:
            if entry.get(key) is not None:
                spec[key] = entry[key]
        pairs.append((entry, spec))
    return pairs


def purge_errors(patterns, login_name, what, example):
    """The problems of a `purge` option (fnmatch-style patterns, case-sensitive).

    Refused: an empty pattern, a pattern of nothing but `*` (it matches every `what`) and a
    pattern that matches `login_name`, what the module logs in as (None: not known).
    """
    errors = []
    for index, pattern in enumerate(patterns or []):
        where = "purge[%d]" % index
        if not pattern:
            errors.append("%s: a pattern must not be empty" % where)
        elif not pattern.strip("*"):
            errors.append("%s: %r would purge every %s; name the ones the design owns, for example "
                          "%r" % (where, pattern, what, example))
        elif login_name is not None and fnmatchcase(login_name, pattern):
            errors.append("%s: %r matches %s, which this module logs in as (sasl_username); "
                          "it must never be purged" % (where, pattern, login_name))
    return errors


def purge_pattern(name, patterns):
    """The first of `patterns` that `name` matches (case-sensitive), or None."""
    for pattern in patterns or []:
        if fnmatchcase(name, pattern):
            return pattern
    return None
