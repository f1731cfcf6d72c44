# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""The Digital FTE event design model (module_utils/_design.build), without Ansible or Kafka.

Every rule of the design is broken once in test_every_rule_reports_its_error, each case
asserting the exact messages; the derived model (topics, ACLs, groups, sidecars) is checked
on a small valid design; the lab and example inventories are built as playbooks/vars/backbone.yml
builds them and must be valid. The model names no brokers: backbone.yml adds them to the
components from the facts of the Kafka hosts.
"""
import copy
import os
import re

import pytest
import yaml

from ansible_collections.digital_fte.event_backbone.plugins.module_utils._design import build
from ansible_collections.digital_fte.event_backbone.plugins.module_utils._topic import TOPIC_CONFIG_KEYS

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
DAY = 86400 * 1000
DROP = object()  # a key to remove from an entry


def design():
    """A small valid design: three brokers, two dapr hosts, three apps and two agents."""
    return {
        "fte_topic_name_pattern": "fte.{category}.{subcategory}",
        "fte_consumer_group": "digital-fte",
        "fte_partitions_per_broker": 2,
        "fte_topics": [
            {"name": "fte.triggers.inbound", "retention": "7d"},
            {"name": "fte.status.updates", "retention": "30d"},
            {"name": "fte.audit.actions", "retention": "7y", "protected": True,
             "config": {"min.insync.replicas": 2, "cleanup.policy": "delete"}},
        ],
        "fte_handoff_retention": "7d",
        "fte_deadletter_retention": "30d",
        "fte_agents": [{"name": "planner", "slot": 1}, {"name": "coder", "slot": 2}],
        "fte_agent_publishes": ["fte.status.updates"],
        "fte_agent_subscribes": ["fte.triggers.inbound"],
        "fte_apps": [
            {"name": "fte-gateway", "slot": 0, "publishes": ["fte.triggers.inbound", "fte.audit.actions"],
             "subscribes": ["fte.status.updates"]},
            {"name": "fte-worker", "slot": 4, "app_port": 8000, "publishes": ["fte.status.updates"],
             "subscribes": ["fte.triggers.inbound"]},
            # Publishes only: no dead-letter topic, no consumer group ACL.
            {"name": "fte-audit", "slot": 5, "publishes": ["fte.audit.actions"]},
        ],
        "fte_user_pattern": "fte-*",
        "fte_kafka_passwords": {
            "fte-gateway": "gw-Secret-1", "fte-worker": "wk-Secret-2", "fte-audit": "au-Secret-3",
            "fte-agent-planner": "pl-Secret-4", "fte-agent-coder": "co-Secret-5",
        },
        "kafka_hosts": ["kafka1", "kafka2", "kafka3"],
        "dapr_hosts": ["app1", "app2"],
        "admin_user": "admin",
        "admin_password": "admin-Secret-0",
    }


# Mutations of the valid design, composed by `both`.

def both(*mutations):
    def mutate(d):
        for mutation in mutations:
            mutation(d)
    return mutate


def setting(**values):
    return lambda d: d.update(values)


def dropping(*keys):
    def mutate(d):
        for key in keys:
            del d[key]
    return mutate


def _entry(var, index, values):
    def mutate(d):
        for key, value in values.items():
            if value is DROP:
                del d[var][index][key]
            else:
                d[var][index][key] = value
    return mutate


def app(index, **values):
    return _entry("fte_apps", index, values)


def agent(index, **values):
    return _entry("fte_agents", index, values)


def topic(index, **values):
    return _entry("fte_topics", index, values)


def adding(var, entry):
    return lambda d: d[var].append(entry)


def password(user, value):
    def mutate(d):
        if value is DROP:
            del d["fte_kafka_passwords"][user]
        else:
            d["fte_kafka_passwords"][user] = value
    return mutate


def renaming(var, index, name, prefix=""):
    """Rename an app or agent and move its password along."""
    def mutate(d):
        old = d[var][index]["name"]
        d[var][index]["name"] = name
        d["fte_kafka_passwords"][prefix + name] = d["fte_kafka_passwords"].pop(prefix + old)
    return mutate


def no_topic_refs(d):
    """No app or agent names a declared topic (agents keep their handoffs)."""
    for entry in d["fte_apps"]:
        entry["publishes"], entry["subscribes"] = [], []
    d["fte_agent_publishes"], d["fte_agent_subscribes"] = [], []


def own_groups(d):
    """Every app and agent names its own consumer group (fte_consumer_group is not needed)."""
    for entry in d["fte_apps"] + d["fte_agents"]:
        entry["consumer_group"] = "grp." + entry["name"]


def model_of(*mutations):
    d = design()
    both(*mutations)(d)
    return build(d)


def principal(model, app_id):
    return [p for p in model["principals"] if p["app_id"] == app_id][0]


def topic_spec(model, name):
    return [t for t in model["topics"] if t["name"] == name][0]


GW, WK, AU = "fte_apps[0] (fte-gateway)", "fte_apps[1] (fte-worker)", "fte_apps[2] (fte-audit)"
PL, CO = "fte_agents[0] (planner)", "fte_agents[1] (coder)"
PATTERN = "fte.{category}.{subcategory}"
REQUIRED = ": is required (see docs/runbooks/README.md)"
NO_MATCH = "does not match fte_topic_name_pattern %r (each {placeholder} is one segment of letters, digits, _ or -)"
DURATION = ("is not a duration; use an integer number of milliseconds or a number with one of the units "
            "ms, s, m, h, d, w, y (y = 365d), or 'forever'")
DNS = "must be a lower-case DNS label (a-z, 0-9 and '-', not at either end, at most 63 characters)"
SLOT = "must be an integer 0..99 (it numbers the sidecar's ports and never changes once given), got "
PORT = "must be an integer 1..65535, got "
UNKNOWN_TOPIC = "topic %r is not a topic of the design (fte_topics or an agent's handoffs)"
DEAD_LETTER = "topic %r is a dead-letter topic: only its app's sidecar writes to it"
AGENT_TOPICS = "fte_agent_publishes/fte_agent_subscribes"
COLLIDES = "(names that differ only by '.' and '_' are one topic to Kafka)"
SHARES = "apps that share a group split its events between them"
GROUP_NAME = "must be a name of letters, digits, '.', '_' and '-'"
APP_KEYS = "app_port, consumer_group, dapr_hosts, name, publishes, slot, subscribes"
AGENT_KEYS = "app_port, consumer_group, dapr_hosts, name, slot"
NO_HOSTS = "has no dapr_hosts and the inventory has no host in the group dapr"
HOSTS = "must be a non-empty list of hosts of the group dapr, got "
PORTS = "(ports are 3500, 50100, 50200, 9100 + slot)"
OWNS = "the design owns only users that match it"
NOT_A_LIST = ": must be a list, got "
PATTERN_STRING = ": must be a non-empty string such as 'fte.{category}.{subcategory}', got "
DECLARED = "topic %r is also declared by %s"
PLACEHOLDER = "still holds the CHANGE_ME placeholder: set a real value in the vault file"
RETIRED = "is no user of the design (a typo, or a retired app?)"
LONG_APP = "fte-" + "x" * 236  # far beyond a DNS label: only so long is its dead-letter topic too long
NAME_63 = "fte-" + "x" * 59  # the longest DNS label
NAME_64 = "fte-" + "x" * 60
LONG_DLQ = "fte.deadletter." + LONG_APP
LONG_TOPIC = "fte.long." + "x" * 241


def test_the_valid_design_has_no_errors():
    model = build(design())
    assert model["errors"] == []
    assert [p["app_id"] for p in model["principals"]] == [
        "fte-gateway", "fte-worker", "fte-audit", "agent-planner", "agent-coder"]


@pytest.mark.parametrize("mutate, errors", [
    # Required variables (None is missing, as backbone.yml's default(none) passes it).
    pytest.param(dropping("fte_topic_name_pattern"), ["fte_topic_name_pattern" + REQUIRED], id="required-pattern"),
    pytest.param(both(dropping("fte_consumer_group"), own_groups), ["fte_consumer_group" + REQUIRED],
                 id="required-consumer-group"),
    pytest.param(setting(fte_partitions_per_broker=None), ["fte_partitions_per_broker" + REQUIRED],
                 id="required-partitions-per-broker"),
    pytest.param(both(dropping("fte_topics"), no_topic_refs), ["fte_topics" + REQUIRED], id="required-topics"),
    pytest.param(dropping("fte_topics"), [
        "fte_topics" + REQUIRED,
        GW + ": " + UNKNOWN_TOPIC % "fte.audit.actions",
        GW + ": " + UNKNOWN_TOPIC % "fte.status.updates",
        GW + ": " + UNKNOWN_TOPIC % "fte.triggers.inbound",
        WK + ": " + UNKNOWN_TOPIC % "fte.status.updates",
        WK + ": " + UNKNOWN_TOPIC % "fte.triggers.inbound",
        AU + ": " + UNKNOWN_TOPIC % "fte.audit.actions",
        # Said once, not once per agent: the errors are de-duplicated.
        AGENT_TOPICS + ": " + UNKNOWN_TOPIC % "fte.status.updates",
        AGENT_TOPICS + ": " + UNKNOWN_TOPIC % "fte.triggers.inbound",
    ], id="required-topics-still-referenced"),
    pytest.param(dropping("fte_handoff_retention"), ["fte_handoff_retention" + REQUIRED],
                 id="required-handoff-retention"),
    pytest.param(dropping("fte_deadletter_retention"), ["fte_deadletter_retention" + REQUIRED],
                 id="required-deadletter-retention"),
    pytest.param(dropping("fte_user_pattern"), ["fte_user_pattern" + REQUIRED], id="required-user-pattern"),
    # Hosts of the inventory.
    pytest.param(setting(kafka_hosts=[]), [
        "groups.kafka_broker: the inventory needs at least one host in kafka_broker",
        "fte_topics[2] (fte.audit.actions).config: min.insync.replicas 2 exceeds the replication factor "
        "min(3, brokers) = 1, so no write could succeed",
    ], id="no-kafka-broker"),
    pytest.param(setting(dapr_hosts=[]), [w + ": " + NO_HOSTS for w in (GW, WK, AU, PL, CO)], id="no-dapr-host"),
    # fte_partitions_per_broker.
    pytest.param(setting(fte_partitions_per_broker=0),
                 ["fte_partitions_per_broker: must be an integer >= 1, got 0"], id="partitions-zero"),
    pytest.param(setting(fte_partitions_per_broker="2"),
                 ["fte_partitions_per_broker: must be an integer >= 1, got '2'"], id="partitions-string"),
    pytest.param(setting(fte_partitions_per_broker=True),
                 ["fte_partitions_per_broker: must be an integer >= 1, got True"], id="partitions-bool"),
    pytest.param(setting(fte_partitions_per_broker=1.5),
                 ["fte_partitions_per_broker: must be an integer >= 1, got 1.5"], id="partitions-float"),
    # fte_topic_name_pattern and the names it admits.
    pytest.param(setting(fte_topic_name_pattern=5), ["fte_topic_name_pattern" + PATTERN_STRING + "5"],
                 id="pattern-not-a-string"),
    pytest.param(setting(fte_topic_name_pattern=""), ["fte_topic_name_pattern" + PATTERN_STRING + "''"],
                 id="pattern-empty"),
    pytest.param(setting(fte_topic_name_pattern="  "), ["fte_topic_name_pattern" + PATTERN_STRING + "'  '"],
                 id="pattern-blank"),
    pytest.param(adding("fte_topics", {"name": "fte.extra", "retention": "1d"}),
                 ["fte_topics[3] (fte.extra).name: topic name 'fte.extra' " + NO_MATCH % PATTERN],
                 id="topic-name-off-pattern"),
    pytest.param(adding("fte_topics", {"name": "fte.bad name.x", "retention": "1d"}),
                 ["fte_topics[3] (fte.bad name.x).name: topic name 'fte.bad name.x' may contain only ASCII "
                  "letters, digits, '.', '_' and '-'"], id="topic-name-illegal-characters"),
    pytest.param(adding("fte_topics", {"name": "", "retention": "1d"}),
                 ["fte_topics[3].name: topic name must not be empty"], id="topic-name-empty"),
    pytest.param(adding("fte_topics", {"name": LONG_TOPIC, "retention": "1d"}),
                 ["fte_topics[3] (%s).name: topic name %r is 250 characters long; the maximum is 249"
                  % (LONG_TOPIC, LONG_TOPIC)], id="topic-name-too-long"),
    # fte_consumer_group.
    pytest.param(both(setting(fte_consumer_group="digital fte"), own_groups),
                 ["fte_consumer_group: 'digital fte' " + GROUP_NAME], id="consumer-group-illegal"),
    pytest.param(both(setting(fte_consumer_group=5), own_groups), ["fte_consumer_group: 5 " + GROUP_NAME],
                 id="consumer-group-not-a-string"),
    # fte_topics entries.
    pytest.param(setting(fte_topics={"name": "fte.triggers.inbound", "retention": "7d"}),
                 ["fte_topics" + NOT_A_LIST + "{'name': 'fte.triggers.inbound', 'retention': '7d'}",
                  GW + ": " + UNKNOWN_TOPIC % "fte.audit.actions",
                  GW + ": " + UNKNOWN_TOPIC % "fte.status.updates",
                  GW + ": " + UNKNOWN_TOPIC % "fte.triggers.inbound",
                  WK + ": " + UNKNOWN_TOPIC % "fte.status.updates",
                  WK + ": " + UNKNOWN_TOPIC % "fte.triggers.inbound",
                  AU + ": " + UNKNOWN_TOPIC % "fte.audit.actions",
                  AGENT_TOPICS + ": " + UNKNOWN_TOPIC % "fte.status.updates",
                  AGENT_TOPICS + ": " + UNKNOWN_TOPIC % "fte.triggers.inbound"], id="topics-not-a-list"),
    pytest.param(both(setting(fte_topics="fte.triggers.inbound"), no_topic_refs),
                 ["fte_topics" + NOT_A_LIST + "'fte.triggers.inbound'"], id="topics-a-string"),
    pytest.param(adding("fte_topics", "fte.extra.topic"), ["fte_topics[3]: must be a mapping with name and retention"],
                 id="topic-not-a-mapping"),
    # A topic's name: missing or not a string is reported, not dropped silently.
    pytest.param(adding("fte_topics", {"retention": "1d"}),
                 ["fte_topics[3].name: is required: the topic's name, a string"], id="topic-no-name"),
    pytest.param(adding("fte_topics", {"name": None, "retention": "1d"}),
                 ["fte_topics[3].name: is required: the topic's name, a string"], id="topic-name-null"),
    pytest.param(adding("fte_topics", {"name": 5, "retention": "1d"}),
                 ["fte_topics[3] (5).name: is required: the topic's name, a string"], id="topic-name-not-a-string"),
    pytest.param(topic(0, partitions=3, replicas=2),
                 ["fte_topics[0] (fte.triggers.inbound): unknown keys partitions, replicas; a topic takes config, "
                  "name, protected, retention"], id="topic-unknown-keys"),
    pytest.param(topic(0, retention=DROP), ["fte_topics[0] (fte.triggers.inbound).retention: is required (for "
                                            "example 7d, 90d, 7y)"], id="topic-retention-missing"),
    pytest.param(topic(0, retention="7 days"), ["fte_topics[0] (fte.triggers.inbound).retention: '7 days' " + DURATION],
                 id="topic-retention-not-a-duration"),
    pytest.param(topic(0, retention="1.0005s"), ["fte_topics[0] (fte.triggers.inbound).retention: '1.0005s' is not "
                                                 "a whole number of milliseconds"], id="topic-retention-fraction"),
    pytest.param(topic(0, retention=True), ["fte_topics[0] (fte.triggers.inbound).retention: True is not a duration"],
                 id="topic-retention-bool"),
    pytest.param(topic(2, protected="yes"), ["fte_topics[2] (fte.audit.actions).protected: must be true or false, "
                                             "got 'yes'"], id="topic-protected-not-a-bool"),
    pytest.param(adding("fte_topics", {"name": "fte.extra.topic", "retention": "1d", "config": "compact"}),
                 ["fte_topics[3] (fte.extra.topic).config: must be a mapping of topic configs"],
                 id="topic-config-not-a-mapping"),
    pytest.param(topic(2, config={"retention.hours": 1}),
                 ["fte_topics[2] (fte.audit.actions).config: unknown topic config key(s) retention.hours; valid "
                  "keys are: " + ", ".join(sorted(TOPIC_CONFIG_KEYS))], id="topic-config-unknown-key"),
    pytest.param(topic(2, config={"segment.ms": None}),
                 ["fte_topics[2] (fte.audit.actions).config: config segment.ms has no value; list keys to reset "
                  "in reset_config"], id="topic-config-no-value"),
    pytest.param(topic(2, config={"segment.ms": "soon"}),
                 ["fte_topics[2] (fte.audit.actions).config: config segment.ms: 'soon' " + DURATION],
                 id="topic-config-bad-duration"),
    pytest.param(topic(2, config={"min.insync.replicas": 4}),
                 ["fte_topics[2] (fte.audit.actions).config: min.insync.replicas 4 exceeds the replication factor "
                  "min(3, brokers) = 3, so no write could succeed"], id="topic-min-insync-above-replication"),
    # Collisions: '.' and '_' are one to Kafka; a handoff is a topic like the declared ones.
    pytest.param(both(adding("fte_topics", {"name": "fte.sand_box.life", "retention": "1d"}),
                      adding("fte_topics", {"name": "fte.sand.box_life", "retention": "1d"})),
                 ["fte_topics[4] (fte.sand.box_life): topic 'fte.sand.box_life' collides with 'fte.sand_box.life' of "
                  "fte_topics[3] (fte.sand_box.life) " + COLLIDES], id="topic-dot-underscore-collision"),
    pytest.param(adding("fte_topics", {"name": "fte.triggers.inbound", "retention": "1d"}),
                 ["fte_topics[3] (fte.triggers.inbound): "
                  + DECLARED % ("fte.triggers.inbound", "fte_topics[0] (fte.triggers.inbound)")],
                 id="topic-declared-twice"),
    pytest.param(adding("fte_topics", {"name": "fte.handoffs.planner", "retention": "1d"}),
                 [PL + ": " + DECLARED % ("fte.handoffs.planner", "fte_topics[3] (fte.handoffs.planner)")],
                 id="handoff-collides-with-declared-topic"),
    # Handoff topics: fte.handoffs.<agent> must be a valid topic of the pattern.
    # (With an app port, so that it has a dead-letter topic, which is checked too.)
    pytest.param(both(adding("fte_agents", {"name": "x.y", "slot": 3, "app_port": 8003}),
                      password("fte-agent-x.y", "xy-Secret")), [
        "fte_agents[2] (x.y): topic name 'fte.handoffs.x.y' " + NO_MATCH % PATTERN,
        "fte_agents[2] (x.y).name: 'x.y' " + DNS,
        # The handoff is reported as a topic of its own, not again as an unknown topic of every agent.
        "fte_agents[2] (x.y): its dead-letter topic 'fte.deadletter.agent-x.y' is not valid: does not match "
        "fte_topic_name_pattern %r" % PATTERN,
    ], id="handoff-name-off-pattern"),
    pytest.param(both(adding("fte_agents", {"name": "x.y", "slot": 3}), password("fte-agent-x.y", "xy-Secret")), [
        "fte_agents[2] (x.y): topic name 'fte.handoffs.x.y' " + NO_MATCH % PATTERN,
        "fte_agents[2] (x.y).name: 'x.y' " + DNS,
    ], id="handoff-name-off-pattern-no-app-port"),
    pytest.param(setting(fte_handoff_retention="soon"), ["fte_handoff_retention: 'soon' " + DURATION],
                 id="handoff-retention-not-a-duration"),
    pytest.param(setting(fte_deadletter_retention="soon"), ["fte_deadletter_retention: 'soon' " + DURATION],
                 id="deadletter-retention-not-a-duration"),
    # App and agent entries.
    pytest.param(setting(fte_apps={"name": "fte-gateway"}),
                 ["fte_apps" + NOT_A_LIST + "{'name': 'fte-gateway'}"] + [
                     "fte_kafka_passwords: %r %s" % (u, RETIRED) for u in ("fte-audit", "fte-gateway", "fte-worker")],
                 id="apps-not-a-list"),
    pytest.param(setting(fte_apps="fte-gateway"),
                 ["fte_apps" + NOT_A_LIST + "'fte-gateway'"] + [
                     "fte_kafka_passwords: %r %s" % (u, RETIRED) for u in ("fte-audit", "fte-gateway", "fte-worker")],
                 id="apps-a-string"),
    pytest.param(setting(fte_agents={"name": "planner", "slot": 1}),
                 ["fte_agents" + NOT_A_LIST + "{'name': 'planner', 'slot': 1}"] + [
                     "fte_kafka_passwords: %r %s" % (u, RETIRED) for u in ("fte-agent-coder", "fte-agent-planner")],
                 id="agents-not-a-list"),
    pytest.param(setting(fte_agents=5),
                 ["fte_agents" + NOT_A_LIST + "5"] + [
                     "fte_kafka_passwords: %r %s" % (u, RETIRED) for u in ("fte-agent-coder", "fte-agent-planner")],
                 id="agents-a-number"),
    pytest.param(setting(fte_agents=True),
                 ["fte_agents" + NOT_A_LIST + "True"] + [
                     "fte_kafka_passwords: %r %s" % (u, RETIRED) for u in ("fte-agent-coder", "fte-agent-planner")],
                 id="agents-a-bool"),
    pytest.param(adding("fte_apps", "fte-extra"), ["fte_apps[3]: must be a mapping with a name"],
                 id="app-not-a-mapping"),
    pytest.param(adding("fte_apps", {"slot": 9}), ["fte_apps[3]: must be a mapping with a name"], id="app-no-name"),
    pytest.param(adding("fte_apps", {"name": 7, "slot": 9}), ["fte_apps[3] (7): must be a mapping with a name"],
                 id="app-name-not-a-string"),
    pytest.param(adding("fte_agents", "tester"), ["fte_agents[2]: must be a mapping with a name"],
                 id="agent-not-a-mapping"),
    pytest.param(app(0, dapr_host="app1"),
                 [GW + ": unknown keys dapr_host (dapr_host is now dapr_hosts, a list); an entry of fte_apps takes "
                  + APP_KEYS], id="app-dapr-host-hint"),
    pytest.param(app(0, topics=["fte.status.updates"]),
                 [GW + ": unknown keys topics; an entry of fte_apps takes " + APP_KEYS], id="app-unknown-key"),
    pytest.param(agent(0, publishes=["fte.status.updates"]),
                 [PL + ": unknown keys publishes; an entry of fte_agents takes " + AGENT_KEYS],
                 id="agent-takes-no-publishes"),
    pytest.param(agent(0, dapr_host="app1", replicas=2),
                 [PL + ": unknown keys dapr_host, replicas (dapr_host is now dapr_hosts, a list); an entry of "
                  "fte_agents takes " + AGENT_KEYS], id="agent-dapr-host-hint"),
    # Names are DNS labels (they name sidecars, units and users).
    pytest.param(renaming("fte_apps", 0, "fte-gateway-"), ["fte_apps[0] (fte-gateway-).name: 'fte-gateway-' " + DNS],
                 id="app-name-ends-in-dash"),
    pytest.param(renaming("fte_apps", 0, "fte-gate_way"), ["fte_apps[0] (fte-gate_way).name: 'fte-gate_way' " + DNS],
                 id="app-name-underscore"),
    pytest.param(renaming("fte_agents", 0, "Planner", "fte-agent-"), ["fte_agents[0] (Planner).name: 'Planner' " + DNS],
                 id="agent-name-upper-case"),
    pytest.param(both(adding("fte_apps", {"name": NAME_64, "slot": 6}), password(NAME_64, "long-Secret")),
                 ["fte_apps[3] (%s).name: %r %s" % (NAME_64, NAME_64, DNS)], id="app-name-64-characters"),
    pytest.param(both(adding("fte_agents", {"name": "a" * 64, "slot": 6}),
                      password("fte-agent-" + "a" * 64, "long-Secret")),
                 ["fte_agents[2] (%s).name: %r %s" % ("a" * 64, "a" * 64, DNS)], id="agent-name-64-characters"),
    # Lists of topic names.
    pytest.param(setting(fte_agent_publishes="fte.status.updates"),
                 ["fte_agent_publishes: must be a list of topic names, got 'fte.status.updates'"],
                 id="agent-publishes-a-string"),
    pytest.param(setting(fte_agent_subscribes=["fte.triggers.inbound", 5]),
                 ["fte_agent_subscribes: must be a list of topic names, got ['fte.triggers.inbound', 5]"],
                 id="agent-subscribes-not-names"),
    pytest.param(app(2, publishes="fte.audit.actions"),
                 [AU + ".publishes: must be a list of topic names, got 'fte.audit.actions'"],
                 id="app-publishes-a-string"),
    pytest.param(app(1, subscribes={"fte.triggers.inbound": True}),
                 [WK + ".subscribes: must be a list of topic names, got {'fte.triggers.inbound': True}"],
                 id="app-subscribes-a-mapping"),
    # Slots and app ports.
    pytest.param(app(0, slot=DROP), [GW + ".slot: " + SLOT + "None"], id="slot-missing"),
    pytest.param(app(0, slot=100), [GW + ".slot: " + SLOT + "100"], id="slot-too-high"),
    pytest.param(app(0, slot=-1), [GW + ".slot: " + SLOT + "-1"], id="slot-negative"),
    pytest.param(app(0, slot="0"), [GW + ".slot: " + SLOT + "'0'"], id="slot-string"),
    pytest.param(agent(0, slot=True), [PL + ".slot: " + SLOT + "True"], id="slot-bool"),
    pytest.param(app(1, app_port=0), [WK + ".app_port: " + PORT + "0"], id="app-port-zero"),
    pytest.param(app(1, app_port=65536), [WK + ".app_port: " + PORT + "65536"], id="app-port-too-high"),
    pytest.param(app(1, app_port="8000"), [WK + ".app_port: " + PORT + "'8000'"], id="app-port-string"),
    pytest.param(app(1, app_port=True), [WK + ".app_port: " + PORT + "True"], id="app-port-bool"),
    # dapr_hosts.
    pytest.param(app(0, dapr_hosts="app1"), [GW + ".dapr_hosts: " + HOSTS + "'app1'"], id="dapr-hosts-a-string"),
    pytest.param(app(0, dapr_hosts=[]), [GW + ".dapr_hosts: " + HOSTS + "[]"], id="dapr-hosts-empty"),
    pytest.param(app(0, dapr_hosts=["app9"]), [GW + ".dapr_hosts: 'app9' is not in the group dapr (app1, app2)"],
                 id="dapr-host-unknown"),
    pytest.param(app(0, dapr_hosts=["app2", "app2"]), [GW + ".dapr_hosts: lists a host twice: ['app2', 'app2']"],
                 id="dapr-host-twice"),
    pytest.param(app(0, dapr_hosts=[{"app1": None}]),
                 [GW + ".dapr_hosts: must be a list of host names, got [{'app1': None}]"], id="dapr-host-a-mapping"),
    pytest.param(app(0, dapr_hosts=[["app1"]]), [GW + ".dapr_hosts: must be a list of host names, got [['app1']]"],
                 id="dapr-host-a-list"),
    # Consumer groups: each app its own, never the shared one.
    pytest.param(app(0, consumer_group="digital-fte"),
                 [GW + ".consumer_group: 'digital-fte' is the shared group of the old releases (fte_consumer_group); "
                  "each app needs a group of its own"], id="app-group-is-the-shared-group"),
    pytest.param(agent(0, consumer_group="digital-fte"),
                 [PL + ".consumer_group: 'digital-fte' is the shared group of the old releases "
                  "(fte_consumer_group); each app needs a group of its own"], id="agent-group-is-the-shared-group"),
    pytest.param(app(0, consumer_group="fte gateway"), [GW + ".consumer_group: 'fte gateway' " + GROUP_NAME],
                 id="app-group-illegal"),
    pytest.param(app(0, consumer_group=["g"]), [GW + ".consumer_group: ['g'] " + GROUP_NAME],
                 id="app-group-not-a-string"),
    pytest.param(both(app(0, consumer_group="fte.shared"), app(1, consumer_group="fte.shared")),
                 [WK + ".consumer_group: 'fte.shared' is also the group of %s: %s" % (GW, SHARES)],
                 id="two-apps-one-group"),
    pytest.param(app(1, consumer_group="digital-fte.fte-gateway"),
                 [WK + ".consumer_group: 'digital-fte.fte-gateway' is also the group of %s: %s" % (GW, SHARES)],
                 id="group-is-another-apps-default"),
    pytest.param(agent(1, consumer_group="digital-fte.agent-planner"),
                 [CO + ".consumer_group: 'digital-fte.agent-planner' is also the group of %s: %s" % (PL, SHARES)],
                 id="agent-group-is-another-agents-default"),
    pytest.param(app(2, consumer_group="digital-fte.fte-worker"),
                 [AU + ".consumer_group: 'digital-fte.fte-worker' is also the group of %s: %s" % (WK, SHARES)],
                 id="publish-only-app-shares-a-group"),
    # A group that could not be made (None) is shared with no one.
    pytest.param(dropping("fte_consumer_group"), ["fte_consumer_group" + REQUIRED], id="base-group-missing"),
    pytest.param(setting(fte_consumer_group="digital fte"), ["fte_consumer_group: 'digital fte' " + GROUP_NAME],
                 id="base-group-illegal"),
    pytest.param(both(app(0, consumer_group="a b"), app(1, consumer_group="c d")),
                 [GW + ".consumer_group: 'a b' " + GROUP_NAME, WK + ".consumer_group: 'c d' " + GROUP_NAME],
                 id="two-illegal-app-groups"),
    # Duplicate app ids and users.
    pytest.param(adding("fte_apps", {"name": "fte-audit", "slot": 6, "publishes": ["fte.audit.actions"]}), [
        "fte_apps[3] (fte-audit): app id 'fte-audit' is also the app id of " + AU,
        "fte_apps[3] (fte-audit): Kafka user 'fte-audit' is also the Kafka user of " + AU,
        "fte_apps[3] (fte-audit).consumer_group: 'digital-fte.fte-audit' is also the group of %s: %s" % (AU, SHARES),
    ], id="app-declared-twice"),
    pytest.param(adding("fte_agents", {"name": "planner", "slot": 3}), [
        "fte_agents[2] (planner): " + DECLARED % ("fte.handoffs.planner", PL),
        "fte_agents[2] (planner): app id 'agent-planner' is also the app id of " + PL,
        "fte_agents[2] (planner): Kafka user 'fte-agent-planner' is also the Kafka user of " + PL,
        "fte_agents[2] (planner).consumer_group: 'digital-fte.agent-planner' is also the group of %s: %s"
        % (PL, SHARES),
    ], id="agent-declared-twice"),
    pytest.param(adding("fte_apps", {"name": "fte-agent-planner", "slot": 6}),
                 [PL + ": Kafka user 'fte-agent-planner' is also the Kafka user of fte_apps[3] (fte-agent-planner)"],
                 id="app-takes-an-agents-user"),
    pytest.param(both(adding("fte_apps", {"name": "agent-planner", "slot": 6}),
                      password("agent-planner", "ap-Secret")), [
        PL + ": app id 'agent-planner' is also the app id of fte_apps[3] (agent-planner)",
        PL + ".consumer_group: 'digital-fte.agent-planner' is also the group of fte_apps[3] (agent-planner): " + SHARES,
        "fte_apps[3] (agent-planner): Kafka user 'agent-planner' does not match fte_user_pattern 'fte-*': " + OWNS,
    ], id="app-takes-an-agents-app-id"),
    # Topics an app or agent names must be topics of the design.
    pytest.param(app(0, publishes=["fte.triggers.inbound", "fte.nope.topic"]),
                 [GW + ": " + UNKNOWN_TOPIC % "fte.nope.topic"], id="app-unknown-topic"),
    # (An app may read another's dead-letter topic: test_an_app_may_read_another_apps_dead_letter_topic.)
    pytest.param(setting(fte_agent_subscribes=["fte.triggers.inbound", "fte.nope.topic"]),
                 [AGENT_TOPICS + ": " + UNKNOWN_TOPIC % "fte.nope.topic"], id="agent-unknown-topic"),
    # A handoff topic is one only of an agent that exists.
    pytest.param(setting(fte_agent_publishes=["fte.status.updates", "fte.handoffs.nobody"]),
                 [AGENT_TOPICS + ": " + UNKNOWN_TOPIC % "fte.handoffs.nobody"],
                 id="agent-publishes-no-agents-handoff"),
    pytest.param(setting(fte_agent_subscribes=["fte.triggers.inbound", "fte.handoffs.nobody"]),
                 [AGENT_TOPICS + ": " + UNKNOWN_TOPIC % "fte.handoffs.nobody"],
                 id="agent-subscribes-no-agents-handoff"),
    # Only an app's own sidecar writes its dead-letter topic; another app may read it, never write it.
    # (Only a subscriber with an app port has one: fte-gateway and planner are given one here.)
    pytest.param(both(app(0, app_port=8001), app(1, publishes=["fte.status.updates", "fte.deadletter.fte-gateway"])),
                 [WK + ": " + DEAD_LETTER % "fte.deadletter.fte-gateway"], id="app-publishes-a-dead-letter-topic"),
    pytest.param(both(agent(0, app_port=8002), app(2, publishes=["fte.audit.actions", "fte.deadletter.agent-planner"])),
                 [AU + ": " + DEAD_LETTER % "fte.deadletter.agent-planner"],
                 id="app-publishes-an-agents-dead-letter-topic"),
    # Without an app port fte-gateway has no dead-letter topic: the name is no topic of the design.
    pytest.param(app(1, publishes=["fte.status.updates", "fte.deadletter.fte-gateway"]),
                 [WK + ": " + UNKNOWN_TOPIC % "fte.deadletter.fte-gateway"],
                 id="app-publishes-the-dead-letter-topic-of-a-subscriber-without-app-port"),
    pytest.param(app(1, subscribes=["fte.deadletter.fte-gateway"]),
                 [WK + ": " + UNKNOWN_TOPIC % "fte.deadletter.fte-gateway"],
                 id="app-reads-the-dead-letter-topic-of-a-subscriber-without-app-port"),
    # The dead-letter topic fte.deadletter.<app id> of a subscribing app with an app port must be a valid
    # topic (with names of at most 63 characters it can be too long only for a name that is refused already).
    pytest.param(both(adding("fte_apps", {"name": LONG_APP, "slot": 6, "app_port": 8006,
                                          "subscribes": ["fte.status.updates"]}),
                      password(LONG_APP, "long-Secret")),
                 ["fte_apps[3] (%s).name: %r %s" % (LONG_APP, LONG_APP, DNS),
                  "fte_apps[3] (%s): its dead-letter topic %r is not valid: topic name %r is 255 characters long; "
                  "the maximum is 249" % (LONG_APP, LONG_DLQ, LONG_DLQ)], id="dead-letter-topic-too-long"),
    pytest.param(both(adding("fte_apps", {"name": "fte-a.b", "slot": 6, "app_port": 8006,
                                          "subscribes": ["fte.status.updates"]}),
                      password("fte-a.b", "ab-Secret")),
                 ["fte_apps[3] (fte-a.b).name: 'fte-a.b' " + DNS,
                  "fte_apps[3] (fte-a.b): its dead-letter topic 'fte.deadletter.fte-a.b' is not valid: does not "
                  "match fte_topic_name_pattern %r" % PATTERN], id="dead-letter-topic-off-pattern"),
    # Without an app port the same app has no dead-letter topic to be invalid.
    pytest.param(both(adding("fte_apps", {"name": "fte-a.b", "slot": 6, "subscribes": ["fte.status.updates"]}),
                      password("fte-a.b", "ab-Secret")),
                 ["fte_apps[3] (fte-a.b).name: 'fte-a.b' " + DNS], id="dead-letter-topic-off-pattern-no-app-port"),
    # Slots and app ports on one host.
    pytest.param(app(1, slot=0), [WK + ".slot: slot 0 on app1 is also the slot of " + GW], id="slot-taken"),
    pytest.param(agent(1, slot=1), [CO + ".slot: slot 1 on app1 is also the slot of " + PL], id="agent-slot-taken"),
    pytest.param(both(app(0, dapr_hosts=["app1", "app2"]), app(2, dapr_hosts=["app2"], slot=0)),
                 [AU + ".slot: slot 0 on app2 is also the slot of " + GW], id="slot-taken-on-second-host"),
    pytest.param(app(0, app_port=8000), [WK + ".app_port: port 8000 on app1 is also the app port of " + GW],
                 id="app-port-taken"),
    pytest.param(app(1, app_port=3500), [WK + ".app_port: port 3500 on app1 is a sidecar port of %s %s" % (GW, PORTS)],
                 id="app-port-is-another-sidecars-port"),
    pytest.param(app(1, app_port=9104), [WK + ".app_port: port 9104 on app1 is a sidecar port of %s %s" % (WK, PORTS)],
                 id="app-port-is-its-own-sidecars-port"),
    pytest.param(app(1, app_port=50201),
                 [WK + ".app_port: port 50201 on app1 is a sidecar port of %s %s" % (PL, PORTS)],
                 id="app-port-is-an-agents-sidecar-port"),
    # fte_user_pattern: the users the design owns (and purges).
    pytest.param(setting(fte_user_pattern=5), ["fte_user_pattern: must be a string, got 5"],
                 id="user-pattern-not-a-string"),
    pytest.param(setting(fte_user_pattern="*"),
                 ["fte_user_pattern: '*' would purge every Kafka user; name the ones the design owns, for example "
                  "'fte-*'"], id="user-pattern-star"),
    pytest.param(setting(fte_user_pattern="**"),
                 ["fte_user_pattern: '**' would purge every Kafka user; name the ones the design owns, for example "
                  "'fte-*'"], id="user-pattern-stars"),
    pytest.param(setting(fte_user_pattern=""), ["fte_user_pattern: a pattern must not be empty"] + [
        "%s: Kafka user %r does not match fte_user_pattern '': %s" % (w, u, OWNS) for w, u in (
            (GW, "fte-gateway"), (WK, "fte-worker"), (AU, "fte-audit"), (PL, "fte-agent-planner"),
            (CO, "fte-agent-coder"))], id="user-pattern-empty"),
    pytest.param(setting(admin_user="fte-admin"),
                 ["fte_user_pattern: 'fte-*' matches fte-admin, which this module logs in as (sasl_username); it "
                  "must never be purged"], id="user-pattern-matches-admin"),
    pytest.param(both(dropping("admin_user"), setting(fte_user_pattern="[af]*")),
                 ["fte_user_pattern: '[af]*' matches admin, which this module logs in as (sasl_username); it must "
                  "never be purged"], id="user-pattern-matches-default-admin"),
    pytest.param(setting(fte_user_pattern="fte-agent-*"), [
        "%s: Kafka user %r does not match fte_user_pattern 'fte-agent-*': %s" % (w, u, OWNS)
        for w, u in ((GW, "fte-gateway"), (WK, "fte-worker"), (AU, "fte-audit"))], id="user-off-pattern"),
    # Passwords.
    pytest.param(password("fte-worker", DROP), ["fte_kafka_passwords: has no password for fte-worker (%s)" % WK],
                 id="password-missing"),
    pytest.param(password("fte-agent-coder", ""),
                 ["fte_kafka_passwords: has no password for fte-agent-coder (%s)" % CO],
                 id="password-empty"),
    pytest.param(password("fte-worker", "CHANGE_ME-worker"),
                 ["fte_kafka_passwords: the password of fte-worker " + PLACEHOLDER], id="password-placeholder"),
    pytest.param(password("fte-old-app", "old-Secret"), ["fte_kafka_passwords: 'fte-old-app' " + RETIRED],
                 id="password-of-no-user"),
    pytest.param(setting(fte_kafka_passwords=["fte-gateway"]),
                 ["fte_kafka_passwords: must be a mapping of user name to password"] + [
                     "fte_kafka_passwords: has no password for %s (%s)" % (u, w) for w, u in (
                         (GW, "fte-gateway"), (WK, "fte-worker"), (AU, "fte-audit"), (PL, "fte-agent-planner"),
                         (CO, "fte-agent-coder"))], id="passwords-not-a-mapping"),
    pytest.param(setting(admin_password="CHANGE_ME-admin"), ["kafka_admin_password: " + PLACEHOLDER],
                 id="admin-password-placeholder"),
    # YAML reads a key `1234:` as an int.
    pytest.param(both(password(1234, "x"), password("fte-old-app", "y")),
                 ["fte_kafka_passwords: '1234' " + RETIRED, "fte_kafka_passwords: 'fte-old-app' " + RETIRED],
                 id="password-keys-number-and-name"),
    # Every broken rule at once, in the order the build meets them.
    pytest.param(both(setting(fte_partitions_per_broker=0), app(0, slot=100), app(1, publishes=["fte.nope.topic"]),
                      password("fte-audit", "CHANGE_ME"), setting(admin_password="CHANGE_ME")), [
        "fte_partitions_per_broker: must be an integer >= 1, got 0",
        GW + ".slot: " + SLOT + "100",
        WK + ": " + UNKNOWN_TOPIC % "fte.nope.topic",
        "fte_kafka_passwords: the password of fte-audit " + PLACEHOLDER,
        "kafka_admin_password: " + PLACEHOLDER,
    ], id="several-errors-at-once"),
])
def test_every_rule_reports_its_error(mutate, errors):
    d = design()
    mutate(d)
    assert build(d)["errors"] == errors


# The derived model.

# The principal checked is given an app port where it has none: only then does it consume.
@pytest.mark.parametrize("mutate, app_id, group", [
    pytest.param(app(0, app_port=8001), "fte-gateway", "digital-fte.fte-gateway", id="app-default"),
    pytest.param(agent(0, app_port=8002), "agent-planner", "digital-fte.agent-planner", id="agent-default"),
    pytest.param(app(0, consumer_group="fte.gateway.v2", app_port=8001), "fte-gateway", "fte.gateway.v2",
                 id="app-override"),
    pytest.param(agent(1, consumer_group="coder_group-2", app_port=8003), "agent-coder", "coder_group-2",
                 id="agent-override"),
    pytest.param(setting(fte_consumer_group="tenant-a"), "fte-worker", "tenant-a.fte-worker", id="other-base"),
])
def test_each_app_has_its_own_consumer_group(mutate, app_id, group):
    model = model_of(mutate)
    assert model["errors"] == []
    assert principal(model, app_id)["consumer_group"] == group
    assert [c["consumer_group"] for c in model["components"]["app1"] if c["name"] == "pubsub-" + app_id] == [group]
    assert [g for g in model["consumer_groups"] if g["name"] == group] == [
        {"name": group, "topics": principal(model, app_id)["subscribes"], "offsets_from": model["shared_group"]}]


def test_consumer_groups_are_those_of_the_subscribing_apps_with_an_app_port():
    model = build(design())
    assert model["shared_group"] == "digital-fte"
    # A new group starts where the shared group of the old releases stopped. Of the subscribers only
    # fte-worker has an app port, so only its sidecar delivers events (consumes).
    assert model["consumer_groups"] == [
        {"name": "digital-fte.fte-worker", "topics": ["fte.triggers.inbound"], "offsets_from": "digital-fte"},
    ]
    # An app port makes a subscriber consume; an app port on a publish-only app makes no group.
    model = model_of(agent(0, app_port=8001), app(2, app_port=8002))
    assert model["errors"] == []
    assert model["consumer_groups"] == [
        {"name": "digital-fte.fte-worker", "topics": ["fte.triggers.inbound"], "offsets_from": "digital-fte"},
        {"name": "digital-fte.agent-planner", "topics": ["fte.triggers.inbound", "fte.handoffs.planner"],
         "offsets_from": "digital-fte"},
    ]


@pytest.mark.parametrize("app_id, user, group", [
    pytest.param("fte-gateway", "fte-gateway", "digital-fte.fte-gateway", id="app"),
    pytest.param("agent-coder", "fte-agent-coder", "digital-fte.agent-coder", id="agent"),
])
def test_a_subscriber_without_app_port_may_read_its_group_but_has_no_consumer_group_entry(app_id, user, group):
    model = build(design())
    p = principal(model, app_id)
    assert p["subscribes"] and p["app_port"] == 0
    assert [a for a in model["acls"] if a["resource_type"] == "group" and a["principal"] == "User:" + user] == [
        _acl(user, "group", group, "read")]
    assert [c["consumer_group"] for c in model["components"]["app1"] if c["name"] == "pubsub-" + app_id] == [group]
    assert [g for g in model["consumer_groups"] if g["name"] == group] == []


def _acl(user, kind, name, *ops):
    return {"principal": "User:" + user, "resource_type": kind, "resource_name": name, "operations": list(ops)}


@pytest.mark.parametrize("mutate, user, acls", [
    # A subscriber without an app port: no dead-letter topic to write.
    pytest.param(None, "fte-gateway", [
        _acl("fte-gateway", "topic", "fte.audit.actions", "write", "describe"),
        _acl("fte-gateway", "topic", "fte.status.updates", "read", "describe"),
        _acl("fte-gateway", "topic", "fte.triggers.inbound", "write", "describe"),
        _acl("fte-gateway", "group", "digital-fte.fte-gateway", "read"),
    ], id="publishes-and-subscribes"),
    # A subscriber with an app port (it consumes) writes its dead-letter topic too.
    pytest.param(app(0, app_port=8001), "fte-gateway", [
        _acl("fte-gateway", "topic", "fte.audit.actions", "write", "describe"),
        _acl("fte-gateway", "topic", "fte.deadletter.fte-gateway", "write", "describe"),
        _acl("fte-gateway", "topic", "fte.status.updates", "read", "describe"),
        _acl("fte-gateway", "topic", "fte.triggers.inbound", "write", "describe"),
        _acl("fte-gateway", "group", "digital-fte.fte-gateway", "read"),
    ], id="publishes-and-subscribes-with-app-port"),
    pytest.param(None, "fte-worker", [
        _acl("fte-worker", "topic", "fte.deadletter.fte-worker", "write", "describe"),
        _acl("fte-worker", "topic", "fte.status.updates", "write", "describe"),
        _acl("fte-worker", "topic", "fte.triggers.inbound", "read", "describe"),
        _acl("fte-worker", "group", "digital-fte.fte-worker", "read"),
    ], id="consuming-app"),
    pytest.param(None, "fte-audit", [
        _acl("fte-audit", "topic", "fte.audit.actions", "write", "describe"),
    ], id="publishes-only-no-group-no-dead-letter"),
    pytest.param(app(0, publishes=["fte.status.updates"], app_port=8001), "fte-gateway", [
        _acl("fte-gateway", "topic", "fte.deadletter.fte-gateway", "write", "describe"),
        _acl("fte-gateway", "topic", "fte.status.updates", "write", "read", "describe"),
        _acl("fte-gateway", "group", "digital-fte.fte-gateway", "read"),
    ], id="publishes-and-subscribes-one-topic"),
    pytest.param(app(0, publishes=[]), "fte-gateway", [
        _acl("fte-gateway", "topic", "fte.status.updates", "read", "describe"),
        _acl("fte-gateway", "group", "digital-fte.fte-gateway", "read"),
    ], id="subscribes-only"),
    pytest.param(app(0, publishes=[], app_port=8001), "fte-gateway", [
        _acl("fte-gateway", "topic", "fte.deadletter.fte-gateway", "write", "describe"),
        _acl("fte-gateway", "topic", "fte.status.updates", "read", "describe"),
        _acl("fte-gateway", "group", "digital-fte.fte-gateway", "read"),
    ], id="subscribes-only-with-app-port"),
    pytest.param(app(0, consumer_group="fte.gateway.v2", app_port=8001), "fte-gateway", [
        _acl("fte-gateway", "topic", "fte.audit.actions", "write", "describe"),
        _acl("fte-gateway", "topic", "fte.deadletter.fte-gateway", "write", "describe"),
        _acl("fte-gateway", "topic", "fte.status.updates", "read", "describe"),
        _acl("fte-gateway", "topic", "fte.triggers.inbound", "write", "describe"),
        _acl("fte-gateway", "group", "fte.gateway.v2", "read"),
    ], id="group-override"),
    pytest.param(None, "fte-agent-planner", [
        _acl("fte-agent-planner", "topic", "fte.handoffs.coder", "write", "describe"),
        _acl("fte-agent-planner", "topic", "fte.handoffs.planner", "read", "describe"),
        _acl("fte-agent-planner", "topic", "fte.status.updates", "write", "describe"),
        _acl("fte-agent-planner", "topic", "fte.triggers.inbound", "read", "describe"),
        _acl("fte-agent-planner", "group", "digital-fte.agent-planner", "read"),
    ], id="agent"),
    pytest.param(agent(0, app_port=8002), "fte-agent-planner", [
        _acl("fte-agent-planner", "topic", "fte.deadletter.agent-planner", "write", "describe"),
        _acl("fte-agent-planner", "topic", "fte.handoffs.coder", "write", "describe"),
        _acl("fte-agent-planner", "topic", "fte.handoffs.planner", "read", "describe"),
        _acl("fte-agent-planner", "topic", "fte.status.updates", "write", "describe"),
        _acl("fte-agent-planner", "topic", "fte.triggers.inbound", "read", "describe"),
        _acl("fte-agent-planner", "group", "digital-fte.agent-planner", "read"),
    ], id="agent-with-app-port"),
])
def test_acls_grant_only_what_the_design_says(mutate, user, acls):
    model = model_of(*([mutate] if mutate else []))
    assert model["errors"] == []
    assert [a for a in model["acls"] if a["principal"] == "User:" + user] == acls


def test_every_group_acl_is_the_principals_own_group():
    model = build(design())
    groups = [(a["principal"], a["resource_name"]) for a in model["acls"] if a["resource_type"] == "group"]
    assert groups == [("User:" + p["user"], p["consumer_group"]) for p in model["principals"] if p["subscribes"]]
    assert all(a["operations"] == ["read"] for a in model["acls"] if a["resource_type"] == "group")


@pytest.mark.parametrize("retention, ms", [
    pytest.param("30d", str(30 * DAY), id="30d"),
    pytest.param("1.5h", "5400000", id="1.5h"),
    pytest.param("forever", "-1", id="forever"),
    pytest.param(DAY, str(DAY), id="milliseconds"),
])
def test_each_subscriber_with_an_app_port_has_a_dead_letter_topic(retention, ms):
    # fte-gateway and planner are given app ports; coder subscribes without one, fte-audit only publishes.
    model = model_of(setting(fte_deadletter_retention=retention), app(0, app_port=8001), agent(0, app_port=8002))
    assert model["errors"] == []
    dead_letter = [t for t in model["topics"] if t["name"].startswith("fte.deadletter.")]
    assert dead_letter == [
        {"name": "fte.deadletter." + app_id, "partitions": 6, "replication_factor": 3,
         "config": {"retention.ms": ms}, "protected": False}
        for app_id in ("fte-gateway", "fte-worker", "agent-planner")]
    assert principal(model, "fte-worker")["dead_letter_topic"] == "fte.deadletter.fte-worker"
    assert principal(model, "agent-coder")["dead_letter_topic"] is None
    assert principal(model, "fte-audit")["dead_letter_topic"] is None


# Only an app behind a sidecar (app_port) consumes, so only a subscriber with one has a dead-letter topic.
@pytest.mark.parametrize("mutate, app_id, user, dead_letter, component_topics", [
    pytest.param(None, "fte-gateway", "fte-gateway", None, ["fte.triggers.inbound", "fte.audit.actions"],
                 id="app-without-app-port"),
    pytest.param(None, "agent-coder", "fte-agent-coder", None, ["fte.status.updates", "fte.handoffs.planner"],
                 id="agent-without-app-port"),
    pytest.param(app(2, app_port=8003), "fte-audit", "fte-audit", None, ["fte.audit.actions"],
                 id="publisher-with-app-port"),
    pytest.param(None, "fte-worker", "fte-worker", "fte.deadletter.fte-worker",
                 ["fte.status.updates", "fte.deadletter.fte-worker"], id="app-with-app-port"),
    pytest.param(app(0, app_port=8001), "fte-gateway", "fte-gateway", "fte.deadletter.fte-gateway",
                 ["fte.triggers.inbound", "fte.audit.actions", "fte.deadletter.fte-gateway"],
                 id="app-given-an-app-port"),
    pytest.param(agent(1, app_port=8002), "agent-coder", "fte-agent-coder", "fte.deadletter.agent-coder",
                 ["fte.status.updates", "fte.handoffs.planner", "fte.deadletter.agent-coder"],
                 id="agent-given-an-app-port"),
])
def test_only_a_subscriber_with_an_app_port_has_a_dead_letter_topic(
        mutate, app_id, user, dead_letter, component_topics):
    model = model_of(setting(fte_deadletter_retention="2w"), *([mutate] if mutate else []))
    assert model["errors"] == []
    assert principal(model, app_id)["dead_letter_topic"] == dead_letter
    own = "fte.deadletter." + app_id
    assert [t for t in model["topics"] if t["name"] == own] == (
        [{"name": own, "partitions": 6, "replication_factor": 3, "config": {"retention.ms": "1209600000"},
          "protected": False}] if dead_letter else [])
    assert [a for a in model["acls"] if a["resource_name"] == own] == (
        [_acl(user, "topic", own, "write", "describe")] if dead_letter else [])
    assert [c["topics"] for c in model["components"]["app1"] if c["name"] == "pubsub-" + app_id] == [
        component_topics]


def test_an_app_may_read_another_apps_dead_letter_topic():
    # A dead-letter inspector: it reads fte.deadletter.fte-gateway, which the design makes for fte-gateway
    # (a subscriber with an app port).
    model = model_of(app(0, app_port=8001), app(1, subscribes=["fte.deadletter.fte-gateway"]))
    assert model["errors"] == []
    assert [t["name"] for t in model["topics"]].count("fte.deadletter.fte-gateway") == 1
    assert [a for a in model["acls"] if a["resource_name"] == "fte.deadletter.fte-gateway"] == [
        _acl("fte-gateway", "topic", "fte.deadletter.fte-gateway", "write", "describe"),
        _acl("fte-worker", "topic", "fte.deadletter.fte-gateway", "read", "describe")]
    assert [g for g in model["consumer_groups"] if g["name"] == "digital-fte.fte-worker"] == [
        {"name": "digital-fte.fte-worker", "topics": ["fte.deadletter.fte-gateway"], "offsets_from": "digital-fte"}]


@pytest.mark.parametrize("mutate", [
    pytest.param(both(adding("fte_apps", {"name": NAME_63, "slot": 6, "subscribes": ["fte.status.updates"]}),
                      password(NAME_63, "long-Secret")), id="app"),
    pytest.param(both(adding("fte_agents", {"name": "a" * 63, "slot": 6}),
                      password("fte-agent-" + "a" * 63, "long-Secret")), id="agent"),
])
def test_a_name_of_63_characters_is_a_dns_label(mutate):
    assert model_of(mutate)["errors"] == []


@pytest.mark.parametrize("brokers, per_broker, partitions, replication_factor", [
    pytest.param(1, 1, 1, 1, id="1x1"),
    pytest.param(2, 3, 6, 2, id="2x3"),
    pytest.param(3, 2, 6, 3, id="3x2"),
    pytest.param(5, 1, 5, 3, id="5x1"),
])
def test_partitions_and_replication_follow_the_brokers(brokers, per_broker, partitions, replication_factor):
    model = model_of(setting(kafka_hosts=["kafka%d" % i for i in range(1, brokers + 1)],
                             fte_partitions_per_broker=per_broker),
                     topic(2, config={"cleanup.policy": "delete"}))
    assert model["errors"] == []
    assert (model["partitions"], model["replication_factor"]) == (partitions, replication_factor)
    # Declared, handoffs, and the dead-letter topic of fte-worker (the only subscriber with an app port).
    assert len(model["topics"]) == 3 + 2 + 1
    assert all((t["partitions"], t["replication_factor"]) == (partitions, replication_factor)
               for t in model["topics"])


@pytest.mark.parametrize("mutate, app_id, slot, app_port", [
    pytest.param(None, "fte-gateway", 0, 0, id="slot-0"),
    pytest.param(None, "fte-worker", 4, 8000, id="slot-4-with-app-port"),
    pytest.param(None, "agent-coder", 2, 0, id="agent-slot-2"),
    pytest.param(app(2, slot=99), "fte-audit", 99, 0, id="slot-99"),
])
def test_sidecar_ports_are_the_bases_plus_the_slot(mutate, app_id, slot, app_port):
    model = model_of(*([mutate] if mutate else []))
    assert model["errors"] == []
    ports = {"http_port": 3500 + slot, "grpc_port": 50100 + slot, "internal_grpc_port": 50200 + slot,
             "metrics_port": 9100 + slot}
    assert principal(model, app_id)["ports"] == ports
    assert [s for s in model["sidecars"]["app1"] if s["app_id"] == app_id] == [
        dict({"app_id": app_id, "app_port": app_port, "components": ["pubsub-" + app_id]}, **ports)]


def test_entries_without_dapr_hosts_run_on_the_first_dapr_host():
    model = build(design())
    assert [s["app_id"] for s in model["sidecars"]["app1"]] == [
        "fte-gateway", "fte-worker", "fte-audit", "agent-planner", "agent-coder"]
    assert model["sidecars"]["app2"] == [] and model["components"]["app2"] == []
    assert all(p["hosts"] == ["app1"] for p in model["principals"])


@pytest.mark.parametrize("mutate, group", [
    pytest.param(None, "digital-fte.fte-gateway", id="default-group"),
    pytest.param(app(0, consumer_group="fte.gateway.v2"), "fte.gateway.v2", id="group-override"),
])
def test_an_app_on_two_hosts_has_a_sidecar_on_both_with_one_group(mutate, group):
    model = model_of(app(0, dapr_hosts=["app1", "app2"]), *([mutate] if mutate else []))
    assert model["errors"] == []
    assert principal(model, "fte-gateway")["hosts"] == ["app1", "app2"]
    sidecar = {"app_id": "fte-gateway", "app_port": 0, "components": ["pubsub-fte-gateway"], "http_port": 3500,
               "grpc_port": 50100, "internal_grpc_port": 50200, "metrics_port": 9100}
    # No brokers: backbone.yml adds them from facts.
    component = {"name": "pubsub-fte-gateway", "component_name": "pubsub",
                 "consumer_group": group, "sasl_username": "fte-gateway", "sasl_password": "gw-Secret-1",
                 "sasl_mechanism": "SHA-512",
                 # fte-gateway has no app port, so no dead-letter topic.
                 "topics": ["fte.triggers.inbound", "fte.audit.actions"]}
    for host in ("app1", "app2"):
        assert [s for s in model["sidecars"][host] if s["app_id"] == "fte-gateway"] == [sidecar]
        assert [c for c in model["components"][host] if c["name"] == "pubsub-fte-gateway"] == [component]
    assert [s["app_id"] for s in model["sidecars"]["app2"]] == ["fte-gateway"]


def test_users_are_scram_users_with_their_passwords():
    assert build(design())["users"] == [
        {"name": user, "password": secret, "mechanism": "SCRAM-SHA-512"} for user, secret in (
            ("fte-gateway", "gw-Secret-1"), ("fte-worker", "wk-Secret-2"), ("fte-audit", "au-Secret-3"),
            ("fte-agent-planner", "pl-Secret-4"), ("fte-agent-coder", "co-Secret-5"))]


@pytest.mark.parametrize("mutate, app_id, publishes, subscribes", [
    pytest.param(None, "agent-planner", ["fte.status.updates", "fte.handoffs.coder"],
                 ["fte.triggers.inbound", "fte.handoffs.planner"], id="planner"),
    pytest.param(None, "agent-coder", ["fte.status.updates", "fte.handoffs.planner"],
                 ["fte.triggers.inbound", "fte.handoffs.coder"], id="coder"),
    pytest.param(both(adding("fte_agents", {"name": "reviewer", "slot": 3}), password("fte-agent-reviewer", "rv-6")),
                 "agent-reviewer",
                 ["fte.status.updates", "fte.handoffs.planner", "fte.handoffs.coder"],
                 ["fte.triggers.inbound", "fte.handoffs.reviewer"], id="third-agent"),
    pytest.param(setting(fte_agent_publishes=[], fte_agent_subscribes=[]), "agent-planner",
                 ["fte.handoffs.coder"], ["fte.handoffs.planner"], id="handoffs-only"),
])
def test_agents_read_their_handoff_and_write_the_others(mutate, app_id, publishes, subscribes):
    model = model_of(*([mutate] if mutate else []))
    assert model["errors"] == []
    p = principal(model, app_id)
    assert (p["kind"], p["user"], p["publishes"], p["subscribes"]) == (
        "agent", "fte-agent-" + app_id[len("agent-"):], publishes, subscribes)
    # Without an app port an agent does not consume, so it has no dead-letter topic.
    assert p["dead_letter_topic"] is None
    handoff = topic_spec(model, "fte.handoffs." + app_id[len("agent-"):])
    assert handoff == {"name": handoff["name"], "partitions": 6, "replication_factor": 3,
                       "config": {"retention.ms": str(7 * DAY)}, "protected": False}


@pytest.mark.parametrize("retention, ms", [
    pytest.param("1.5h", "5400000", id="1.5h"),
    pytest.param("90m", "5400000", id="90m"),
    pytest.param("7d", "604800000", id="7d"),
    pytest.param("2w", "1209600000", id="2w"),
    pytest.param("7y", "220752000000", id="7y"),
    pytest.param("500ms", "500", id="500ms"),
    pytest.param("0.5s", "500", id="0.5s"),
    pytest.param(1000, "1000", id="int"),
    pytest.param("86400000", "86400000", id="digits"),
    pytest.param("forever", "-1", id="forever"),
])
def test_retention_is_stored_in_milliseconds(retention, ms):
    model = model_of(topic(0, retention=retention))
    assert model["errors"] == []
    assert topic_spec(model, "fte.triggers.inbound")["config"] == {"retention.ms": ms}


def test_topic_config_and_protection_are_kept():
    model = build(design())
    assert topic_spec(model, "fte.audit.actions") == {
        "name": "fte.audit.actions", "partitions": 6, "replication_factor": 3, "protected": True,
        "config": {"min.insync.replicas": "2", "cleanup.policy": "delete", "retention.ms": "220752000000"}}
    assert topic_spec(model, "fte.status.updates")["protected"] is False


# The inventories, built as playbooks/vars/backbone.yml builds them.

_TEMPLATE = re.compile(r"^\{\{\s*(\w+)\s*\}\}$")
_GROUP_TEMPLATE = re.compile(r"^\{\{\s*groups\[['\"](\w+)['\"]\]\s*\}\}$")
_DESIGN_DEFAULTS = {"fte_agents": [], "fte_agent_publishes": [], "fte_agent_subscribes": [], "fte_apps": [],
                    "fte_kafka_passwords": {}}
_DESIGN_VARS = ("fte_topic_name_pattern", "fte_consumer_group", "fte_partitions_per_broker", "fte_topics",
                "fte_handoff_retention", "fte_deadletter_retention", "fte_agents", "fte_agent_publishes",
                "fte_agent_subscribes", "fte_apps", "fte_user_pattern", "fte_kafka_passwords")


def _load(path):
    with open(os.path.join(ROOT, path)) as f:
        return yaml.safe_load(f)


def inventory_design(name, vault=None):
    """The fte_design input of inventories/<name>: its group_vars/all, with `{{ var }}` resolved from
    `vault` (default: the inventory's vault.yml) and `{{ groups['name'] }}` from hosts.yml, and the
    hosts of its groups."""
    base = os.path.join("inventories", name)
    variables = {}
    for part in ("backbone.yml", "fte.yml", "vault.yml"):
        if os.path.exists(os.path.join(ROOT, base, "group_vars", "all", part)):
            variables.update(_load(os.path.join(base, "group_vars", "all", part)))
    values = dict(variables, **(vault or {}))
    groups = _load(os.path.join(base, "hosts.yml"))["all"]["children"]

    def resolve(value):
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v) for v in value]
        if not isinstance(value, str):
            return value
        match = _GROUP_TEMPLATE.match(value)
        if match:
            return list(groups[match.group(1)]["hosts"])
        match = _TEMPLATE.match(value)
        return values[match.group(1)] if match else value

    kafka_hosts = list(groups["kafka_broker"]["hosts"])
    result = {var: resolve(variables.get(var, copy.deepcopy(_DESIGN_DEFAULTS.get(var)))) for var in _DESIGN_VARS}
    result.update({
        "kafka_hosts": kafka_hosts,
        "dapr_hosts": list(groups["dapr"]["hosts"]),
        "admin_user": variables.get("kafka_admin_user", "admin"),
        "admin_password": resolve(variables.get("kafka_admin_password", "")),
    })
    return result


def real_vault(name):
    """Real-looking values for every vault_* variable of the inventory's vault.yml."""
    vault = _load(os.path.join("inventories", name, "group_vars", "all", "vault.yml"))
    return {key: "s3cret-" + key[len("vault_"):].replace("_", "-") for key in vault}


def _sidecar(app_id, slot, app_port=0):
    return {"app_id": app_id, "app_port": app_port, "components": ["pubsub-" + app_id], "http_port": 3500 + slot,
            "grpc_port": 50100 + slot, "internal_grpc_port": 50200 + slot, "metrics_port": 9100 + slot}


def _retentions(model):
    return {t["name"]: t["config"].get("retention.ms") for t in model["topics"]}


def test_lab_inventory_is_a_valid_design():
    model = build(inventory_design("lab"))
    assert model["errors"] == []
    assert (model["partitions"], model["replication_factor"]) == (3, 3)
    assert _retentions(model) == {
        "fte.triggers.inbound": str(7 * DAY), "fte.sandbox.lifecycle": str(30 * DAY),
        "fte.status.updates": str(30 * DAY), "fte.results.completed": str(90 * DAY),
        "fte.audit.actions": "220752000000",
        "fte.handoffs.planner": str(7 * DAY), "fte.handoffs.coder": str(7 * DAY),
        "fte.handoffs.reviewer": str(7 * DAY),
        # fte-worker is the only subscriber with an app port.
        "fte.deadletter.fte-worker": str(30 * DAY),
    }
    assert topic_spec(model, "fte.audit.actions")["protected"] is True
    assert topic_spec(model, "fte.audit.actions")["config"]["min.insync.replicas"] == "2"
    # Every subscriber may read its own group; only fte-worker (app_port 8000) consumes.
    assert [a["resource_name"] for a in model["acls"] if a["resource_type"] == "group"] == [
        "digital-fte.fte-gateway", "digital-fte.fte-worker", "digital-fte.agent-planner",
        "digital-fte.agent-coder", "digital-fte.agent-reviewer"]
    assert [g["name"] for g in model["consumer_groups"]] == ["digital-fte.fte-worker"]
    assert list(model["sidecars"]) == ["app1"]
    assert model["sidecars"]["app1"] == [
        _sidecar("fte-gateway", 0), _sidecar("fte-worker", 4, 8000), _sidecar("agent-planner", 1),
        _sidecar("agent-coder", 2), _sidecar("agent-reviewer", 3)]
    worker = [c for c in model["components"]["app1"] if c["name"] == "pubsub-fte-worker"][0]
    assert (worker["consumer_group"], worker["sasl_username"], worker["sasl_password"]) == (
        "digital-fte.fte-worker", "fte-worker", "lab-worker-Secret-7")
    assert "brokers" not in worker


def test_example_inventory_is_a_valid_design():
    model = build(inventory_design("example", real_vault("example")))
    assert model["errors"] == []
    assert (model["partitions"], model["replication_factor"]) == (6, 3)
    retentions = _retentions(model)
    assert retentions["fte.audit.actions"] == "220752000000"
    assert retentions["fte.results.completed"] == str(90 * DAY)
    assert retentions["fte.handoffs.researcher"] == str(7 * DAY)
    # fte-worker is the only subscriber with an app port.
    assert retentions["fte.deadletter.fte-worker"] == str(30 * DAY)
    assert sorted(retentions) == sorted(
        ["fte.triggers.inbound", "fte.sandbox.lifecycle", "fte.status.updates", "fte.results.completed",
         "fte.audit.actions"]
        + ["fte.handoffs." + a for a in ("planner", "researcher", "coder", "reviewer")]
        + ["fte.deadletter.fte-worker"])
    assert [a["resource_name"] for a in model["acls"] if a["resource_type"] == "group"] == [
        "digital-fte." + a for a in ("fte-gateway", "fte-dashboard", "fte-worker", "agent-planner",
                                     "agent-researcher", "agent-coder", "agent-reviewer")]
    assert [g["name"] for g in model["consumer_groups"]] == ["digital-fte.fte-worker"]
    # Slots repeat across hosts, never on one host.
    assert model["sidecars"] == {
        "app-a.example.internal": [_sidecar("fte-gateway", 0), _sidecar("fte-worker", 4, 8000),
                                   _sidecar("agent-planner", 1), _sidecar("agent-researcher", 2)],
        "app-b.example.internal": [_sidecar("fte-dashboard", 0), _sidecar("agent-coder", 1),
                                   _sidecar("agent-reviewer", 2)],
    }
    dashboard = [c for c in model["components"]["app-b.example.internal"] if c["name"] == "pubsub-fte-dashboard"][0]
    # It publishes nothing and, without an app port, has no dead-letter topic.
    assert dashboard["topics"] == []
    assert dashboard["sasl_password"] == "s3cret-fte-dashboard-password"
    assert all("brokers" not in c for host in model["components"].values() for c in host)


def test_example_inventory_refuses_its_placeholder_vault():
    model = build(inventory_design("example"))
    assert model["errors"] == [
        "fte_kafka_passwords: the password of %s %s" % (user, PLACEHOLDER) for user in (
            "fte-gateway", "fte-dashboard", "fte-worker", "fte-agent-planner", "fte-agent-researcher",
            "fte-agent-coder", "fte-agent-reviewer")] + ["kafka_admin_password: " + PLACEHOLDER]
