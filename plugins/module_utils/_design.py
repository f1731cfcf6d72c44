# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""The Digital FTE event design as one model: inventory data -> topics, users, ACLs, consumer
groups, sidecars and components, with every design rule checked in one place.

Pure: the filter plugin fte_design calls build() with the inventory's design variables, and
site.yml, the runbooks and the health report read its result. It reuses the modules' own
parsers (topic names and the name pattern, durations and sizes, purge patterns), so a design
that passes here is one the modules accept.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

from ansible_collections.digital_fte.event_backbone.plugins.module_utils._common import purge_errors
from ansible_collections.digital_fte.event_backbone.plugins.module_utils._topic import (
    PlanError,
    normalize_config,
    parse_duration_ms,
    pattern_regex,
    validate_name,
)

# A sidecar's ports are these bases plus its slot, so adding an app never moves another's.
PORT_BASES = {"http_port": 3500, "grpc_port": 50100, "internal_grpc_port": 50200, "metrics_port": 9100}
MAX_SLOT = 99
MECHANISM = "SCRAM-SHA-512"
PLACEHOLDER = "CHANGE_ME"
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
# Kafka's own rule for group ids is only "not empty"; the design keeps them to names that
# are safe in ACLs, metrics and file names.
_GROUP = re.compile(r"^[A-Za-z0-9._-]+$")

APP_KEYS = frozenset(("name", "slot", "app_port", "dapr_hosts", "publishes", "subscribes", "consumer_group"))
AGENT_KEYS = frozenset(("name", "slot", "app_port", "dapr_hosts", "consumer_group"))
TOPIC_KEYS = frozenset(("name", "retention", "config", "protected"))

HANDOFF_PREFIX = "fte.handoffs."
DEADLETTER_PREFIX = "fte.deadletter."
AGENT_USER_PREFIX = "fte-agent-"
AGENT_APP_PREFIX = "agent-"

# The design variables build() reads; each also names itself in error messages.
REQUIRED = ("fte_topic_name_pattern", "fte_consumer_group", "fte_partitions_per_broker", "fte_topics",
            "fte_handoff_retention", "fte_deadletter_retention", "fte_user_pattern")


class Design:
    """Collects the errors of one build; every rule reports here and the build goes on."""

    def __init__(self):
        self.errors = []

    def error(self, where, rule):
        self.errors.append("%s: %s" % (where, rule))


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _where(var, index, entry):
    name = entry.get("name") if isinstance(entry, dict) else None
    return "%s[%d]%s" % (var, index, " (%s)" % name if name else "")


def _duration(d, where, value):
    """A retention in kafka_topic's units -> milliseconds as Kafka stores them, or None."""
    try:
        return parse_duration_ms("retention.ms", value)
    except PlanError as err:
        d.error(where, str(err).replace("config retention.ms: ", ""))
        return None


def _topic_name(d, where, name, matcher, pattern):
    try:
        validate_name(name)
    except PlanError as err:
        d.error(where, str(err))
        return False
    if not matcher.match(name):
        d.error(where, "topic name %r does not match fte_topic_name_pattern %r (each {placeholder} is one "
                       "segment of letters, digits, _ or -)" % (name, pattern))
        return False
    return True


def _str_list(d, where, value):
    if value is None:
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        d.error(where, "must be a list of topic names, got %r" % (value,))
        return []
    return list(value)


def build(design):
    """design: {variable: value} of the inventory (see REQUIRED and the optional ones below)
    plus the hosts: kafka_hosts, dapr_hosts (the group dapr), admin_user, admin_password. The
    components name no brokers: their addresses come from facts, which checking needs not.
    Returns the model; model['errors'] lists every broken rule (empty: valid).
    """
    d = Design()
    for var in REQUIRED:
        if design.get(var) is None:
            d.error(var, "is required (see docs/runbooks/README.md)")

    kafka_hosts = list(design.get("kafka_hosts") or [])
    dapr_hosts = list(design.get("dapr_hosts") or [])
    if not kafka_hosts:
        d.error("groups.kafka_broker", "the inventory needs at least one host in kafka_broker")
    replication_factor = min(3, len(kafka_hosts)) or 1

    per_broker = design.get("fte_partitions_per_broker")
    if per_broker is not None and (not _is_int(per_broker) or per_broker < 1):
        d.error("fte_partitions_per_broker", "must be an integer >= 1, got %r" % (per_broker,))
        per_broker = None
    partitions = max(len(kafka_hosts), 1) * (per_broker or 1)

    pattern = design.get("fte_topic_name_pattern")
    if pattern is not None and (not isinstance(pattern, str) or not pattern.strip()):
        d.error("fte_topic_name_pattern", "must be a non-empty string such as 'fte.{category}.{subcategory}', "
                                          "got %r" % (pattern,))
        pattern = None
    pattern = pattern or ""
    matcher = pattern_regex(pattern) if pattern else re.compile(".*")

    base_group = design.get("fte_consumer_group")
    if base_group is not None and (not isinstance(base_group, str) or not _GROUP.match(base_group)):
        d.error("fte_consumer_group", "%r must be a name of letters, digits, '.', '_' and '-'" % (base_group,))
        base_group = None

    for var in ("fte_topics", "fte_agents", "fte_apps"):
        if design.get(var) is not None and not isinstance(design.get(var), list):
            d.error(var, "must be a list, got %r" % (design.get(var),))
            design = dict(design, **{var: []})
    topics = _topics(d, design, matcher, pattern, partitions, replication_factor)
    principals = _principals(d, design, dapr_hosts, base_group)
    _check_principals(d, design, principals, topics, matcher, pattern)
    for p in principals:
        if p["dead_letter_topic"] and p["dead_letter_topic"] not in topics:
            topics[p["dead_letter_topic"]] = _topic_spec(
                p["dead_letter_topic"], design.get("fte_deadletter_retention"), {}, False, partitions,
                replication_factor, d, "fte_deadletter_retention")

    passwords = design.get("fte_kafka_passwords") if isinstance(design.get("fte_kafka_passwords"), dict) else {}
    users = [{"name": p["user"], "password": str(passwords.get(p["user"]) or ""), "mechanism": MECHANISM}
             for p in principals]
    _check_users(d, design, principals)

    sidecars = {host: [] for host in dapr_hosts}
    components = {host: [] for host in dapr_hosts}
    for p, user in zip(principals, users):
        for host in p["hosts"]:
            sidecars.setdefault(host, []).append(dict(
                {"app_id": p["app_id"], "app_port": p["app_port"], "components": ["pubsub-" + p["app_id"]]},
                **p["ports"]))
            components.setdefault(host, []).append({
                "name": "pubsub-" + p["app_id"], "component_name": "pubsub",
                "consumer_group": p["consumer_group"], "sasl_username": p["user"],
                "sasl_password": user["password"], "sasl_mechanism": "SHA-512",
                "topics": p["publishes"] + ([p["dead_letter_topic"]] if p["dead_letter_topic"] else [])})

    return {
        # One broken setting shared by many entries (a retention, a topic list) is said once.
        "errors": list(dict.fromkeys(d.errors)),
        "partitions": partitions,
        "replication_factor": replication_factor,
        "topics": list(topics.values()),
        "principals": principals,
        "users": users,
        "acls": _acls(principals),
        # kafka_consumer_group entries of the apps that consume (a sidecar delivers to an app
        # only with app_port): each starts where the shared group stopped. Others start at
        # the newest offset whenever they first consume, as any new app does.
        "consumer_groups": [{"name": p["consumer_group"], "topics": p["subscribes"], "offsets_from": base_group}
                            for p in principals if p["subscribes"] and p["consumer_group"] and p["app_port"]],
        "shared_group": base_group,
        "sidecars": sidecars,
        "components": components,
    }


def _topic_spec(name, retention, config, protected, partitions, replication_factor, d, where):
    spec = {"name": name, "partitions": partitions, "replication_factor": replication_factor,
            "config": {}, "protected": protected}
    # A declared topic's errors name its .retention and .config; a derived one's its variable.
    config_where = where.rsplit(".", 1)[0] + ".config" if where.endswith(".retention") else where
    try:
        spec["config"] = normalize_config(dict(config))
    except PlanError as err:
        d.error(config_where, str(err))
    retention_ms = _duration(d, where, retention) if retention is not None else None
    if retention_ms is not None:
        spec["config"]["retention.ms"] = str(retention_ms)
    min_isr = spec["config"].get("min.insync.replicas")
    if min_isr is not None and min_isr.isdigit() and int(min_isr) > replication_factor:
        d.error(config_where,
                "min.insync.replicas %s exceeds the replication factor min(3, brokers) = %d, so no "
                "write could succeed" % (min_isr, replication_factor))
    return spec


def _topics(d, design, matcher, pattern, partitions, replication_factor):
    topics = {}
    seen = {}
    entries = design.get("fte_topics") or []
    declared = []
    for index, entry in enumerate(entries):
        where = _where("fte_topics", index, entry)
        if not isinstance(entry, dict):
            d.error(where, "must be a mapping with name and retention")
            continue
        unknown = sorted(set(entry) - TOPIC_KEYS)
        if unknown:
            d.error(where, "unknown keys %s; a topic takes %s" % (", ".join(unknown), ", ".join(sorted(TOPIC_KEYS))))
        if not isinstance(entry.get("name"), str):
            d.error(where + ".name", "is required: the topic's name, a string")
        if entry.get("retention") is None:
            d.error(where + ".retention", "is required (for example 7d, 90d, 7y)")
        if not isinstance(entry.get("protected", False), bool):
            d.error(where + ".protected", "must be true or false, got %r" % (entry.get("protected"),))
        if not isinstance(entry.get("config") or {}, dict):
            d.error(where + ".config", "must be a mapping of topic configs")
        declared.append((where, entry.get("name"), entry.get("retention"), entry.get("config") or {},
                         entry.get("protected") is True))
    handoff_retention = design.get("fte_handoff_retention")
    for index, agent in enumerate(design.get("fte_agents") or []):
        if isinstance(agent, dict) and isinstance(agent.get("name"), str):
            declared.append((_where("fte_agents", index, agent), HANDOFF_PREFIX + agent["name"],
                             handoff_retention, {}, False))
    for where, name, retention, config, protected in declared:
        if not isinstance(name, str) or not _topic_name(d, where + ".name" if where.startswith("fte_topics") else where,
                                                        name or "", matcher, pattern):
            continue
        key = name.replace(".", "_")
        if key in seen:
            if seen[key][1] == name:
                d.error(where, "topic %r is also declared by %s" % (name, seen[key][0]))
            else:
                d.error(where, "topic %r collides with %r of %s (names that differ only by '.' and '_' are one "
                               "topic to Kafka)" % (name, seen[key][1], seen[key][0]))
            continue
        seen[key] = (where, name)
        retention_where = where + ".retention" if where.startswith("fte_topics") else "fte_handoff_retention"
        if isinstance(config, dict):
            topics[name] = _topic_spec(name, retention, config, protected, partitions, replication_factor,
                                       d, retention_where)
    return topics


def _principals(d, design, dapr_hosts, base_group):
    """One principal per app and per agent: user, app id, topics, group, sidecar slot and hosts."""
    principals = []
    default_hosts = dapr_hosts[:1]
    agent_names = [a.get("name") for a in design.get("fte_agents") or [] if isinstance(a, dict)]
    handoffs = [HANDOFF_PREFIX + n for n in agent_names if isinstance(n, str)]
    agent_pub = _str_list(d, "fte_agent_publishes", design.get("fte_agent_publishes"))
    agent_sub = _str_list(d, "fte_agent_subscribes", design.get("fte_agent_subscribes"))
    for var, keys in (("fte_apps", APP_KEYS), ("fte_agents", AGENT_KEYS)):
        entries = design.get(var) or []
        for index, entry in enumerate(entries):
            where = _where(var, index, entry)
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                d.error(where, "must be a mapping with a name")
                continue
            unknown = sorted(set(entry) - keys)
            if unknown:
                hint = " (dapr_host is now dapr_hosts, a list)" if "dapr_host" in unknown else ""
                d.error(where, "unknown keys %s%s; an entry of %s takes %s"
                        % (", ".join(unknown), hint, var, ", ".join(sorted(keys))))
            name = entry["name"]
            if not _DNS_LABEL.match(name) or len(name) > 63:
                d.error(where + ".name", "%r must be a lower-case DNS label (a-z, 0-9 and '-', not at either "
                                         "end, at most 63 characters)" % name)
            if var == "fte_apps":
                user, app_id = name, name
                publishes = _str_list(d, where + ".publishes", entry.get("publishes"))
                subscribes = _str_list(d, where + ".subscribes", entry.get("subscribes"))
            else:
                user, app_id = AGENT_USER_PREFIX + name, AGENT_APP_PREFIX + name
                own = HANDOFF_PREFIX + name
                publishes = agent_pub + [t for t in handoffs if t != own]
                subscribes = agent_sub + [own]
            principals.append({
                "where": where, "kind": var[4:-1], "user": user, "app_id": app_id,
                "slot": _slot(d, where, entry.get("slot")),
                "app_port": _app_port(d, where, entry.get("app_port")),
                "hosts": _hosts(d, where, entry.get("dapr_hosts"), dapr_hosts, default_hosts),
                "publishes": publishes, "subscribes": subscribes,
                "consumer_group": _group(d, where, entry.get("consumer_group"), base_group, app_id),
                "dead_letter_topic": None,
            })
            # Only an app consumes (a sidecar delivers to it with app_port), so only an app
            # has messages to give up: a subscriber without one gets no dead-letter topic.
            if subscribes and principals[-1]["app_port"]:
                principals[-1]["dead_letter_topic"] = DEADLETTER_PREFIX + app_id
    for p in principals:
        p["ports"] = {kind: base + (p["slot"] or 0) for kind, base in PORT_BASES.items()}
    return principals


def _slot(d, where, slot):
    if not _is_int(slot) or not 0 <= slot <= MAX_SLOT:
        d.error(where + ".slot", "must be an integer 0..%d (it numbers the sidecar's ports and never "
                                 "changes once given), got %r" % (MAX_SLOT, slot))
        return None
    return slot


def _app_port(d, where, port):
    if port is None:
        return 0
    if not _is_int(port) or not 1 <= port <= 65535:
        d.error(where + ".app_port", "must be an integer 1..65535, got %r" % (port,))
        return 0
    return port


def _hosts(d, where, hosts, dapr_hosts, default_hosts):
    if hosts is None:
        if not default_hosts:
            d.error(where, "has no dapr_hosts and the inventory has no host in the group dapr")
        return list(default_hosts)
    if isinstance(hosts, str) or not isinstance(hosts, list) or not hosts:
        d.error(where + ".dapr_hosts", "must be a non-empty list of hosts of the group dapr, got %r" % (hosts,))
        return []
    if not all(isinstance(h, str) for h in hosts):
        d.error(where + ".dapr_hosts", "must be a list of host names, got %r" % (hosts,))
        return []
    for host in hosts:
        if host not in dapr_hosts:
            d.error(where + ".dapr_hosts", "%r is not in the group dapr (%s)" % (host, ", ".join(dapr_hosts)))
    if len(set(hosts)) != len(hosts):
        d.error(where + ".dapr_hosts", "lists a host twice: %r" % (hosts,))
    return [h for h in dict.fromkeys(hosts) if h in dapr_hosts]


def _group(d, where, group, base_group, app_id):
    if group is None:
        return "%s.%s" % (base_group, app_id) if base_group else None
    if not isinstance(group, str) or not _GROUP.match(group):
        d.error(where + ".consumer_group", "%r must be a name of letters, digits, '.', '_' and '-'" % (group,))
        return None
    if group == base_group:
        d.error(where + ".consumer_group", "%r is the shared group of the old releases (fte_consumer_group); "
                                           "each app needs a group of its own" % group)
        return None
    return group


def _check_principals(d, design, principals, topics, matcher, pattern):
    # Another app (a dead-letter inspector) may subscribe to an app's dead-letter topic.
    dead_letters = {p["dead_letter_topic"] for p in principals if p["dead_letter_topic"]}
    handoffs = {HANDOFF_PREFIX + a["name"] for a in design.get("fte_agents") or []
                if isinstance(a, dict) and isinstance(a.get("name"), str)}
    seen_app, seen_user, seen_group, seen_slot, seen_port = {}, {}, {}, {}, {}
    for p in principals:
        where = p["where"]
        for seen, key, what in ((seen_app, p["app_id"], "app id"), (seen_user, p["user"], "Kafka user")):
            if key in seen:
                d.error(where, "%s %r is also the %s of %s" % (what, key, what, seen[key]))
            seen.setdefault(key, where)
        group = p["consumer_group"]
        if group is not None and group in seen_group:
            d.error(where + ".consumer_group", "%r is also the group of %s: apps that share a group split its "
                                               "events between them" % (group, seen_group[group]))
        seen_group.setdefault(group, where)
        # An agent's handoff topics are derived and checked as topics in their own right.
        used = [t for t in p["publishes"] + p["subscribes"] if p["kind"] != "agent" or t not in handoffs]
        for topic in sorted(set(used)):
            if topic in dead_letters and topic in p["publishes"]:
                d.error(where, "topic %r is a dead-letter topic: only its app's sidecar writes to it" % topic)
            elif topic not in topics and topic not in dead_letters:
                field = "publishes/subscribes" if p["kind"] == "app" else "fte_agent_publishes/fte_agent_subscribes"
                d.error(where if p["kind"] == "app" else field,
                        "topic %r is not a topic of the design (fte_topics or an agent's handoffs)" % topic)
        if p["dead_letter_topic"]:
            dlq = p["dead_letter_topic"]
            try:
                validate_name(dlq)
                if not matcher.match(dlq):
                    raise PlanError("does not match fte_topic_name_pattern %r" % pattern)
            except PlanError as err:
                d.error(where, "its dead-letter topic %r is not valid: %s" % (dlq, err))
        for host in p["hosts"]:
            if p["slot"] is not None:
                key = (host, p["slot"])
                if key in seen_slot:
                    d.error(where + ".slot", "slot %d on %s is also the slot of %s" % (p["slot"], host, seen_slot[key]))
                seen_slot.setdefault(key, where)
            if p["app_port"]:
                key = (host, p["app_port"])
                if key in seen_port:
                    d.error(where + ".app_port", "port %d on %s is also the app port of %s"
                            % (p["app_port"], host, seen_port[key]))
                seen_port.setdefault(key, where)
    sidecar_ports = {}
    for p in principals:
        if p["slot"] is None:
            continue
        for host in p["hosts"]:
            for port in p["ports"].values():
                sidecar_ports[(host, port)] = p["where"]
    for p in principals:
        for host in p["hosts"]:
            if p["app_port"] and (host, p["app_port"]) in sidecar_ports:
                d.error(p["where"] + ".app_port", "port %d on %s is a sidecar port of %s (ports are %s + slot)"
                        % (p["app_port"], host, sidecar_ports[(host, p["app_port"])],
                           ", ".join(str(b) for b in PORT_BASES.values())))


def _check_users(d, design, principals):
    pattern = design.get("fte_user_pattern")
    admin = design.get("admin_user") or "admin"
    if pattern is not None:
        if not isinstance(pattern, str):
            d.error("fte_user_pattern", "must be a string, got %r" % (pattern,))
        else:
            # The modules' own rule for purge patterns (site.yml purges with this one).
            for err in purge_errors([pattern], admin, "Kafka user", "fte-*"):
                d.error("fte_user_pattern", err.split(": ", 1)[1])
            for p in principals:
                if not fnmatchcase(p["user"], pattern):
                    d.error(p["where"], "Kafka user %r does not match fte_user_pattern %r: the design owns "
                                        "only users that match it" % (p["user"], pattern))
    passwords = design.get("fte_kafka_passwords") or {}
    if not isinstance(passwords, dict):
        d.error("fte_kafka_passwords", "must be a mapping of user name to password")
        passwords = {}
    for p in principals:
        # str(): a vault-encrypted value is decrypted by its str().
        password = str(passwords.get(p["user"]) or "")
        if not password:
            d.error("fte_kafka_passwords", "has no password for %s (%s)" % (p["user"], p["where"]))
        elif PLACEHOLDER in str(password):
            d.error("fte_kafka_passwords", "the password of %s still holds the %s placeholder: set a real value "
                                           "in the vault file" % (p["user"], PLACEHOLDER))
    users = {p["user"] for p in principals}
    for name in sorted(set(map(str, passwords)) - users):
        d.error("fte_kafka_passwords", "%r is no user of the design (a typo, or a retired app?)" % name)
    if PLACEHOLDER in str(design.get("admin_password") or ""):
        d.error("kafka_admin_password", "still holds the %s placeholder: set a real value in the vault file"
                % PLACEHOLDER)


def _acls(principals):
    """Write+describe on what a principal publishes and on its dead-letter topic, read+describe
    on what it subscribes to, read on its own consumer group. Nothing else."""
    acls = []
    for p in principals:
        writes = set(p["publishes"]) | ({p["dead_letter_topic"]} if p["dead_letter_topic"] else set())
        reads = set(p["subscribes"])
        for topic in sorted(writes | reads):
            ops = (["write"] if topic in writes else []) + (["read"] if topic in reads else []) + ["describe"]
            acls.append({"principal": "User:" + p["user"], "resource_type": "topic", "resource_name": topic,
                         "operations": ops})
        if reads and p["consumer_group"]:
            acls.append({"principal": "User:" + p["user"], "resource_type": "group",
                         "resource_name": p["consumer_group"], "operations": ["read"]})
    return acls


def topic_rows(specs, actual):
    """The design's topics (model['topics']) against kafka_info's topics -> one row per topic.

    A row is ok when the topic exists with every config of the design as a topic-level
    override of the same value, at least the design's partitions (they only ever grow) and
    exactly its replication factor.
    """
    rows = []
    for spec in specs:
        have = actual.get(spec["name"])
        config = have["config"] if have else {}
        differs = sorted(k for k, v in spec["config"].items() if config.get(k) != v)
        rows.append({
            "topic": spec["name"], "exists": have is not None,
            "want_ms": int(spec["config"].get("retention.ms", -2)),
            "have_ms": int(config.get("retention.ms", -2)),
            "want_p": spec["partitions"], "have_p": have["partitions"] if have else 0,
            "want_rf": spec["replication_factor"], "have_rf": have["replication_factor"] if have else 0,
            "config_diff": differs,
            "ok": (have is not None and not differs and have["partitions"] >= spec["partitions"]
                   and have["replication_factor"] == spec["replication_factor"]),
        })
    return rows
