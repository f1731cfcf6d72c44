# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""Pure planning for kafka_consumer_group: a group takes over another group's committed
offsets on its topics, where it has none of its own, so that consumers moved to the new
group neither lose nor replay events.
"""

from __future__ import annotations

import re

from ansible_collections.digital_fte.event_backbone.plugins.module_utils._common import (
    declared_entries,
    PlanError,
)

# What the design allows in group ids (Kafka itself only refuses the empty one).
_GROUP = re.compile(r"^[A-Za-z0-9._-]+$")


def desired_groups(params):
    """The name-or-list form -> [{name, topics, offsets_from}]."""
    defaults = {"topics": params.get("topics") or [], "offsets_from": params.get("offsets_from"),
                "state": params.get("state") or "present"}
    specs = []
    for entry, spec in declared_entries(params, "groups", defaults, ("topics", "offsets_from", "state")):
        # A group to delete takes nothing over: the top-level offsets_from is not its default.
        if spec["state"] == "absent" and entry.get("offsets_from") is None:
            spec["offsets_from"] = None
        specs.append(spec)
    return specs


def validate_groups(specs):
    """Raises PlanError listing every invalid entry."""
    errors = []
    seen = set()
    for index, spec in enumerate(specs):
        where = "groups[%d]" % index if len(specs) > 1 or spec.get("name") is None else "name"
        name = spec.get("name")
        if not name or not _GROUP.match(name):
            errors.append("%s: group id %r must be letters, digits, '.', '_' and '-'" % (where, name))
        elif name in seen:
            errors.append("%s: group %s is declared twice" % (where, name))
        seen.add(name)
        source = spec.get("offsets_from")
        if source is not None and (not source or not _GROUP.match(source)):
            errors.append("%s: offsets_from %r must be a group id of letters, digits, '.', '_' and '-'"
                          % (where, source))
        if source is not None and source == name:
            errors.append("%s: offsets_from names the group itself (%s)" % (where, name))
        if source is not None and not spec.get("topics"):
            errors.append("%s: offsets_from needs the topics whose offsets the group takes over" % where)
        if spec.get("state") == "absent" and source is not None:
            errors.append("%s: a group to delete (state absent) takes no offsets_from" % where)
    sources = {s.get("offsets_from") for s in specs if s.get("state") != "absent"}
    for index, spec in enumerate(specs):
        if spec.get("state") == "absent" and spec.get("name") in sources:
            errors.append("groups[%d]: %s is deleted and the source of another group's offsets in the same "
                          "request; take the offsets first, then delete it" % (index, spec["name"]))
    if errors:
        raise PlanError("; ".join(errors))


def plan_offsets(specs, committed, members, ends=None, starts=None):
    """(specs, {group: {(topic, partition): offset}}, {group: active members}, ends, starts) -> plan.

    A group takes the source's committed offset on every partition of its topics where the
    source has one and the group has none: its own offsets always win, so the copy happens
    once and a later run changes nothing. While the source group exists (has offsets), a
    partition of the group's topics where neither has one starts at its log end offset as of
    now (`ends`, {(topic, partition): offset}; None: not read yet), the point from which the
    source stopped consuming. A taken offset below the partition's log start (`starts`: retention
    deleted those records) becomes the log start, so the group reads what is still there rather
    than falling back to the newest offset; one above the log end becomes the log end. A group
    with active members cannot take offsets (Kafka refuses the commit), which is an error naming
    the group.
    """
    changes, errors = [], []
    copies = {}
    diff_before, diff_after = {}, {}
    deletes = []
    for spec in specs:
        own = committed.get(spec["name"], {})
        if spec.get("state") == "absent":
            if members.get(spec["name"]):
                errors.append("group %s has %d active member(s) and cannot be deleted; stop its consumers first"
                              % (spec["name"], members[spec["name"]]))
            # A group with neither offsets nor members is nothing Kafka keeps.
            elif own:
                deletes.append(spec["name"])
                changes.append({"group": spec["name"], "action": "delete", "offsets": _nested(own)})
                diff_before[spec["name"]] = _nested(own)
                diff_after[spec["name"]] = None
            continue
        source = spec.get("offsets_from")
        source_offsets = committed.get(source, {}) if source is not None else {}
        take = {}
        for (topic, partition), offset in sorted(source_offsets.items()):
            if topic in spec["topics"] and (topic, partition) not in own:
                take[(topic, partition)] = _clamped(offset, (starts or {}).get((topic, partition)),
                                                    (ends or {}).get((topic, partition)))
        if source_offsets:
            for (topic, partition), offset in sorted((ends or {}).items()):
                if topic in spec["topics"] and (topic, partition) not in own and (topic, partition) not in take:
                    take[(topic, partition)] = offset
        if take and members.get(spec["name"]):
            errors.append("group %s has %d active member(s) and cannot take over the offsets of %s; stop its "
                          "consumers first" % (spec["name"], members[spec["name"]], source))
            continue
        if take:
            copies[spec["name"]] = take
            changes.append({"group": spec["name"], "action": "take offsets", "from": source,
                            "offsets": _nested(take)})
            diff_before[spec["name"]] = _nested(own)
            diff_after[spec["name"]] = _nested(_merged(own, take))
    return {"changes": changes, "errors": errors, "copies": copies, "deletes": deletes,
            "diff": {"before": diff_before, "after": diff_after}}


def needs_ends(specs, committed):
    """The topics whose log end offsets plan_offsets needs: those of groups that lack offsets
    while their source group has some."""
    topics = set()
    for spec in specs:
        source = spec.get("offsets_from")
        if source is not None and committed.get(source):
            topics.update(spec["topics"])
    return sorted(topics)


def committed_view(specs, committed, copies):
    """Each declared group's committed offsets on its topics after the run: {group: {topic: {p: offset}}}."""
    view = {}
    for spec in specs:
        if spec.get("state") == "absent":
            continue
        offsets = _merged(committed.get(spec["name"], {}), copies.get(spec["name"], {}))
        view[spec["name"]] = _nested({k: v for k, v in offsets.items()
                                      if not spec["topics"] or k[0] in spec["topics"]})
    return view


def _clamped(offset, start, end):
    if start is not None and offset < start:
        return start
    if end is not None and offset > end:
        return end
    return offset


def _merged(first, second):
    out = dict(first)
    out.update(second)
    return out


def _nested(offsets):
    out = {}
    for (topic, partition), offset in sorted(offsets.items()):
        out.setdefault(topic, {})[str(partition)] = offset
    return out
