# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""Pure planning for kafka_topic: desired topics + actual cluster state -> plan and diff.

Nothing here talks to Kafka, so every rule is unit-tested without a broker.
"""

from __future__ import annotations

import re

from ansible_collections.digital_fte.event_backbone.plugins.module_utils._common import (
    declared_entries,
    diff_record,
    PlanError,
)

# Topic-level configs of Apache Kafka 4.4 (LogConfig); the integration tests compare this
# set with what the broker reports, so a broker upgrade that adds keys is noticed. Four are
# new since 4.1 (errors.deadletterqueue.group.enable, max.decompressed.message.bytes,
# remote.copy.lag.bytes, remote.copy.lag.ms): an older broker refuses them by name.
TOPIC_CONFIG_KEYS = frozenset((
    "cleanup.policy", "compression.gzip.level", "compression.lz4.level", "compression.type",
    "compression.zstd.level", "delete.retention.ms", "errors.deadletterqueue.group.enable",
    "file.delete.delay.ms", "flush.messages", "flush.ms",
    "follower.replication.throttled.replicas", "index.interval.bytes",
    "leader.replication.throttled.replicas", "local.retention.bytes", "local.retention.ms",
    "max.compaction.lag.ms", "max.decompressed.message.bytes", "max.message.bytes",
    "message.timestamp.after.max.ms", "message.timestamp.before.max.ms",
    "message.timestamp.type", "min.cleanable.dirty.ratio", "min.compaction.lag.ms",
    "min.insync.replicas", "preallocate", "remote.copy.lag.bytes", "remote.copy.lag.ms",
    "remote.log.copy.disable", "remote.log.delete.on.disable", "remote.storage.enable",
    "retention.bytes", "retention.ms", "segment.bytes", "segment.index.bytes",
    "segment.jitter.ms", "segment.ms", "unclean.leader.election.enable",
))

DURATION_KEYS = frozenset(k for k in TOPIC_CONFIG_KEYS if k.endswith(".ms"))
SIZE_KEYS = frozenset(k for k in TOPIC_CONFIG_KEYS if k.endswith(".bytes"))
# Keys where Kafka reads -1 as "keep forever".
FOREVER_KEYS = frozenset(("retention.ms", "local.retention.ms"))
# A lower value of these deletes data sooner: refused on protected topics without force.
RETENTION_KEYS = ("retention.ms", "retention.bytes")
# The broker's own config source for a topic-level override (DescribeConfigs).
TOPIC_OVERRIDE = "DYNAMIC_TOPIC_CONFIG"

MS_PER_UNIT = {
    "ms": 1, "s": 1000, "m": 60 * 1000, "h": 3600 * 1000, "d": 86400 * 1000,
    "w": 7 * 86400 * 1000, "y": 365 * 86400 * 1000,
}
BYTES_PER_UNIT = {
    "b": 1, "kb": 1000, "mb": 1000 ** 2, "gb": 1000 ** 3, "tb": 1000 ** 4,
    "kib": 1024, "mib": 1024 ** 2, "gib": 1024 ** 3, "tib": 1024 ** 4,
}
_QUANTITY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$")
_LEGAL_NAME = re.compile(r"^[a-zA-Z0-9._-]+$")
MAX_NAME_LENGTH = 249


def parse_duration_ms(key, value):
    """'7d' -> 604800000; ints and digit strings pass through; 'forever' -> -1 where valid."""
    if isinstance(value, str) and value.strip().lower() == "forever":
        if key not in FOREVER_KEYS:
            raise PlanError("config %s: 'forever' is only valid for %s"
                            % (key, ", ".join(sorted(FOREVER_KEYS))))
        return -1
    return _parse_quantity(key, value, "duration", MS_PER_UNIT, "milliseconds",
                           "use an integer number of milliseconds or a number with one of the units "
                           "%s (y = 365d), or 'forever'" % ", ".join(MS_PER_UNIT))


def parse_size_bytes(key, value):
    """'10GiB' -> 10737418240; ints and digit strings pass through."""
    return _parse_quantity(key, value, "size", BYTES_PER_UNIT, "bytes",
                           "use an integer number of bytes or a number with one of the units B, KB, "
                           "MB, GB, TB, KiB, MiB, GiB, TiB")


def _parse_quantity(key, value, kind, units, base_unit, hint):
    """An int, a digit string, or a number with one of `units` -> a whole number of base_unit."""
    if isinstance(value, bool):
        raise PlanError("config %s: %r is not a %s" % (key, value, kind))
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if re.match(r"^-?\d+$", text):
        return int(text)
    match = _QUANTITY.match(text)
    unit = match.group(2).lower() if match else None
    if unit not in units:
        raise PlanError("config %s: %r is not a %s; %s" % (key, value, kind, hint))
    return _whole(key, value, float(match.group(1)) * units[unit], base_unit)


def _whole(key, value, amount, unit):
    if amount != int(amount):
        raise PlanError("config %s: %r is not a whole number of %s" % (key, value, unit))
    return int(amount)


def normalize_config(config):
    """User config -> {key: string as Kafka stores it}; unknown keys are an error."""
    unknown = sorted(set(config) - TOPIC_CONFIG_KEYS)
    if unknown:
        raise PlanError("unknown topic config key(s) %s; valid keys are: %s"
                        % (", ".join(unknown), ", ".join(sorted(TOPIC_CONFIG_KEYS))))
    result = {}
    for key, value in config.items():
        if value is None:
            raise PlanError("config %s has no value; list keys to reset in reset_config" % key)
        if key in DURATION_KEYS:
            result[key] = str(parse_duration_ms(key, value))
        elif key in SIZE_KEYS:
            result[key] = str(parse_size_bytes(key, value))
        elif isinstance(value, bool):
            result[key] = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            result[key] = ",".join(str(v) for v in value)
        else:
            result[key] = str(value)
    return result


def validate_name(name):
    """Kafka's own topic name rules (org.apache.kafka.common.internals.Topic)."""
    if not name:
        raise PlanError("topic name must not be empty")
    if name in (".", ".."):
        raise PlanError("topic name %r is not allowed" % name)
    if len(name) > MAX_NAME_LENGTH:
        raise PlanError("topic name %r is %d characters long; the maximum is %d"
                        % (name, len(name), MAX_NAME_LENGTH))
    if not _LEGAL_NAME.match(name):
        raise PlanError("topic name %r may contain only ASCII letters, digits, '.', '_' and '-'" % name)


def pattern_regex(name_pattern):
    """'fte.{category}.{subcategory}' -> a regex where each {placeholder} is one name segment."""
    parts = re.split(r"(\{[A-Za-z0-9_]+\})", name_pattern)
    body = "".join("[A-Za-z0-9_-]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile("^%s$" % body)


def _collision_key(name):
    # Kafka refuses topics whose names differ only by '.' versus '_' (metric names collide).
    return name.replace(".", "_")


def _retention_value(text):
    value = int(text)
    return float("inf") if value < 0 else value


def choose_replicas(current, replication_factor, brokers, extra_partitions=0):
    """New replica lists for a topic, as the module documents it.

    current: {partition: [broker ids]} (first = preferred leader).
    brokers: [{'id': int, 'rack': str or None}].
    Returns {partition: [broker ids]} for every current partition, plus
    `extra_partitions` new ones numbered after them.

    Raising the factor keeps each partition's replicas in order (the preferred leader does not
    move) and appends the broker that holds the fewest replicas of this topic so far, preferring
    a rack the partition does not use yet, ties broken round robin (the next broker id after the
    partition's last replica). Lowering it keeps the first replicas and drops the last ones.
    """
    if replication_factor > len(brokers):
        raise PlanError("replication_factor %d is larger than the number of brokers (%d)"
                        % (replication_factor, len(brokers)))
    rack = {b["id"]: b.get("rack") for b in brokers}
    load = dict((b["id"], 0) for b in brokers)
    ring = sorted(load)
    for replicas in current.values():
        for broker in replicas[:replication_factor]:
            if broker in load:
                load[broker] += 1
    result = {}
    partitions = sorted(current) + list(range(len(current), len(current) + extra_partitions))
    for partition in partitions:
        replicas = list(current.get(partition, []))[:replication_factor]
        while len(replicas) < replication_factor:
            used_racks = set(rack.get(r) for r in replicas)
            last = ring.index(replicas[-1]) if replicas and replicas[-1] in ring else -1
            candidates = [b for b in ring if b not in replicas]
            best = min(candidates, key=lambda b: (
                rack[b] is not None and rack[b] in used_racks, load[b], (ring.index(b) - last) % len(ring)))
            replicas.append(best)
            load[best] += 1
        result[partition] = replicas
    return result


def _topic_view(partitions, replication_factor, overrides):
    return {"partitions": partitions, "replication_factor": replication_factor,
            "config": dict(sorted(overrides.items()))}


def desired_topics(params):
    """Module parameters -> list of per-topic specs (top-level values are defaults for `topics`)."""
    defaults = {
        "partitions": params.get("partitions"),
        "replication_factor": params.get("replication_factor"),
        "config": params.get("config") or {},
        "reset_config": params.get("reset_config") or [],
        "state": params.get("state") or "present",
        "protected": bool(params.get("protected")),
    }
    specs = []
    for entry, spec in declared_entries(params, "topics", defaults,
                                        ("partitions", "replication_factor", "reset_config", "state",
                                         "protected")):
        spec["config"] = dict(defaults["config"], **(entry.get("config") or {}))
        specs.append(spec)
    return specs


def plan_topics(specs, actual, brokers, defaults=None, force=False, name_pattern=None, existing=None):
    """Compare desired topic specs with the cluster.

    specs: output of desired_topics().
    actual: {name: {'replicas': {partition: [broker ids]},
                    'config': {key: {'value': str, 'source': str}}}} for every declared topic
            that exists (config needs only the keys the specs declare or reset).
    brokers: [{'id': int, 'rack': str or None}].
    existing: the names of all topics on the cluster, which a new topic must not collide with;
              needed only when a declared topic is missing (default: the names in actual).
    defaults: {'partitions': int, 'replication_factor': int}, the broker defaults used when a
              new topic does not say.
    Returns a dict: create, delete, alter_config, create_partitions, reassign (the API work),
    changes (one record per change), diff (before/after per changed topic) and topics (the
    state of every present topic after the run).
    Raises PlanError, listing every problem, when the request is invalid.
    """
    defaults = defaults or {}
    errors = []
    plan = {"create": {}, "delete": [], "alter_config": {}, "create_partitions": {},
            "reassign": {}, "changes": [], "diff": [], "topics": {}}
    seen = {}
    cluster = _Cluster(brokers, defaults, force, name_pattern,
                       dict((_collision_key(n), n) for n in (actual if existing is None else existing)))
    for spec in specs:
        name = spec.get("name")
        try:
            validate_name(name)
        except PlanError as exc:
            errors.append(str(exc))
            continue
        if name in seen:
            errors.append("topic %s is declared more than once" % name)
            continue
        seen[name] = True
        try:
            _plan_one(spec, actual.get(name), cluster, plan)
        except PlanError as exc:
            errors.append("topic %s: %s" % (name, exc))
    collisions = {}
    for name in seen:
        collisions.setdefault(_collision_key(name), []).append(name)
    for names in collisions.values():
        if len(names) > 1:
            errors.append("topics %s collide: Kafka treats '.' and '_' alike in topic names"
                          % " and ".join(sorted(names)))
    if errors:
        raise PlanError("; ".join(errors))
    return plan


class _Cluster:
    """What every topic of one request is planned against: the cluster and the request-wide options."""

    def __init__(self, brokers, defaults, force, name_pattern, existing_keys):
        self.brokers = brokers
        self.defaults = defaults
        self.force = force
        self.name_pattern = name_pattern
        self.matcher = pattern_regex(name_pattern) if name_pattern else None
        self.existing_keys = existing_keys


def _plan_one(spec, current, cluster, plan):
    config, reset = _checked_request(spec, cluster)
    if spec["state"] == "absent":
        if current is not None:
            _plan_delete(spec, current, config, reset, cluster, plan)
    elif current is None:
        _plan_create(spec, config, cluster, plan)
    else:
        _plan_update(spec, current, config, reset, cluster, plan)


def _checked_request(spec, cluster):
    """The spec's normalized config and reset list, once its own rules hold."""
    if cluster.matcher and not cluster.matcher.match(spec["name"]):
        raise PlanError("name does not match name_pattern %s" % cluster.name_pattern)
    for key in ("partitions", "replication_factor"):
        if spec.get(key) is not None and spec[key] < 1:
            raise PlanError("%s must be at least 1, got %d" % (key, spec[key]))
    config = normalize_config(spec["config"])
    reset = list(spec["reset_config"])
    unknown = sorted(set(reset) - TOPIC_CONFIG_KEYS)
    if unknown:
        raise PlanError("unknown topic config key(s) %s in reset_config; valid keys are: %s"
                        % (", ".join(unknown), ", ".join(sorted(TOPIC_CONFIG_KEYS))))
    both = sorted(set(reset) & set(config))
    if both:
        raise PlanError("%s both set in config and listed in reset_config" % ", ".join(both))
    return config, reset


def _plan_delete(spec, current, config, reset, cluster, plan):
    name = spec["name"]
    if spec["protected"] and not cluster.force:
        raise PlanError("is protected: refusing to delete it (set force: true to override)")
    replicas = current["replicas"]
    plan["delete"].append(name)
    plan["changes"].append({"topic": name, "action": "delete"})
    plan["diff"].append(diff_record(
        name, _topic_view(len(replicas), _rf(replicas), _overrides(current, config, reset)), {}))


def _plan_create(spec, config, cluster, plan):
    name = spec["name"]
    clash = cluster.existing_keys.get(_collision_key(name))
    if clash is not None:
        raise PlanError("collides with existing topic %s: Kafka treats '.' and '_' alike" % clash)
    partitions = spec["partitions"] or cluster.defaults.get("partitions")
    rf = spec["replication_factor"] or cluster.defaults.get("replication_factor")
    if partitions is None or rf is None:
        raise PlanError("partitions and replication_factor are needed to create it")
    if rf > len(cluster.brokers):
        raise PlanError("replication_factor %d is larger than the number of brokers (%d)"
                        % (rf, len(cluster.brokers)))
    plan["create"][name] = {"num_partitions": partitions, "replication_factor": rf, "configs": config}
    plan["changes"].append({"topic": name, "action": "create", "partitions": partitions,
                            "replication_factor": rf, "config": config})
    plan["topics"][name] = _topic_view(partitions, rf, config)
    plan["diff"].append(diff_record(name, {}, plan["topics"][name]))


def _plan_update(spec, current, config, reset, cluster, plan):
    name = spec["name"]
    replicas = current["replicas"]
    have_partitions, have_rf = len(replicas), _rf(replicas)
    want_partitions = spec["partitions"] or have_partitions
    want_rf = spec["replication_factor"] or have_rf
    if want_partitions < have_partitions:
        raise PlanError("has %d partitions; Kafka cannot remove partitions, so %d is refused"
                        % (have_partitions, want_partitions))
    before = _overrides(current, config, reset)
    ops = _config_ops(spec, current, config, reset, cluster.force)
    after = dict(before)
    for key, (op, value) in ops.items():
        if op == "SET":
            after[key] = value
        else:
            after.pop(key, None)
    _plan_layout(name, replicas, want_partitions, want_rf, cluster.brokers, plan)
    if ops:
        plan["alter_config"][name] = ops
        plan["changes"].append({"topic": name, "action": "alter_config",
                                "set": dict((k, v) for k, (op, v) in ops.items() if op == "SET"),
                                "reset": [k for k, (op, v) in ops.items() if op == "DELETE"]})
    plan["topics"][name] = _topic_view(want_partitions, want_rf, after)
    if ops or want_partitions != have_partitions or want_rf != have_rf:
        plan["diff"].append(diff_record(name, _topic_view(have_partitions, have_rf, before),
                                        plan["topics"][name]))


def _config_ops(spec, current, config, reset, force):
    """{key: ('SET', value) or ('DELETE', None)} for the topic-level overrides that differ;
    a protected topic's retention may only grow unless forced."""
    ops = {}
    for key, value in sorted(config.items()):
        entry = current["config"].get(key) or {}
        if entry.get("source") == TOPIC_OVERRIDE and entry.get("value") == value:
            continue
        if key in RETENTION_KEYS and spec["protected"] and not force and entry.get("value") is not None:
            if _retention_value(value) < _retention_value(entry["value"]):
                raise PlanError("is protected: refusing to lower %s from %s to %s (set force: true "
                                "to override)" % (key, entry["value"], value))
        ops[key] = ("SET", value)
    for key in sorted(reset):
        entry = current["config"].get(key) or {}
        if entry.get("source") != TOPIC_OVERRIDE:
            continue
        if key in RETENTION_KEYS and spec["protected"] and not force:
            raise PlanError("is protected: refusing to reset %s, which may lower it (set force: "
                            "true to override)" % key)
        ops[key] = ("DELETE", None)
    return ops


def _plan_layout(name, replicas, want_partitions, want_rf, brokers, plan):
    """New partitions and a new replication factor (by reassignment) of an existing topic."""
    have_partitions, have_rf = len(replicas), _rf(replicas)
    new_partitions = want_partitions - have_partitions
    if want_rf != have_rf:
        assignment = choose_replicas(replicas, want_rf, brokers, new_partitions)
        plan["reassign"][name] = dict((p, r) for p, r in assignment.items() if p in replicas)
        plan["changes"].append({"topic": name, "action": "reassign", "replication_factor":
                                {"before": have_rf, "after": want_rf},
                                "replicas": plan["reassign"][name]})
        if new_partitions:
            plan["create_partitions"][name] = {
                "count": want_partitions,
                "assignments": [assignment[p] for p in range(have_partitions, want_partitions)]}
    elif new_partitions:
        plan["create_partitions"][name] = want_partitions
    if new_partitions:
        plan["changes"].append({"topic": name, "action": "create_partitions",
                                "partitions": {"before": have_partitions, "after": want_partitions}})


def _rf(replicas):
    return max(len(r) for r in replicas.values()) if replicas else 0


def _overrides(current, config, reset):
    """The topic-level overrides among the keys this request manages."""
    managed = set(config) | set(reset)
    return dict((k, v["value"]) for k, v in current["config"].items()
                if k in managed and v.get("source") == TOPIC_OVERRIDE)
