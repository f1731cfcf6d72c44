#!/usr/bin/python
# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: kafka_topic
short_description: Declare Kafka topics (partitions, replication factor, configs) idempotently
version_added: 0.1.0
description:
  - Creates, changes and deletes Kafka topics through the Admin API; one topic (O(name)) or a
    whole list (O(topics)) in one call, with one metadata and one config read for all of them.
  - The whole request is checked (names, keys, values, partition counts, protection, and then
    by the brokers themselves with C(validate_only)) before the first change; a bad request
    changes nothing.
  - Configs are changed with incremental alter (SET of the declared keys whose topic-level value
    differs, DELETE only of the keys listed in O(reset_config)). Keys the request does not name
    are never touched, and broker or cluster defaults never show up as a difference.
  - Partitions only grow. A lower count is an error that changes nothing.
  - A replication factor change moves replicas with a partition reassignment and waits for it
    (bounded by O(reassignment_timeout)). Raising the factor keeps each partition's replicas in
    order, so the preferred leader stays, and appends the broker that holds the fewest replicas
    of this topic so far, preferring a rack the partition does not use yet, ties broken round
    robin (the next broker id after the partition's last replica). Lowering it keeps the first
    replicas and drops the last ones. Only live (unfenced) brokers receive replicas.
attributes:
  check_mode:
    support: full
    details: Check mode reports exactly the changes a real run would make, after the same
      broker-side validation.
  diff_mode:
    support: full
    details: One before/after record per changed topic (partitions, replication factor and the
      topic-level overrides of the keys the request manages).
  idempotent:
    support: full
options:
  name:
    description:
      - Name of one topic. Mutually exclusive with O(topics).
      - Kafka's rules apply (1 to 249 characters, ASCII letters, digits, C(.), C(_) and C(-),
        not C(.) or C(..)); names that differ only by C(.) versus C(_) collide.
    type: str
  topics:
    description:
      - Several topics in one call. Each entry takes the per-topic options (O(topics[].name)
        and optionally partitions, replication_factor, config, reset_config, state, protected);
        the top-level options of the same names are the defaults for every entry, and an
        entry's O(topics[].config) is merged over the top-level O(config).
    type: list
    elements: dict
    suboptions:
      name:
        description: Topic name.
        type: str
        required: true
      partitions:
        description: Partition count of this topic.
        type: int
      replication_factor:
        description: Replication factor of this topic.
        type: int
      config:
        description: Topic configs of this topic, merged over the top-level O(config).
        type: dict
      reset_config:
        description: Keys of this topic to reset to the cluster default.
        type: list
        elements: str
      state:
        description: Whether this topic should exist.
        type: str
        choices: [present, absent]
      protected:
        description: Whether this topic is protected.
        type: bool
  partitions:
    description:
      - Number of partitions. When creating a topic without it, the broker's C(num.partitions).
      - Only an increase is possible; asking for fewer partitions than the topic has fails.
    type: int
  replication_factor:
    description:
      - Number of replicas of each partition. When creating a topic without it, the broker's
        C(default.replication.factor).
    type: int
  config:
    description:
      - Topic-level configs. Keys are Kafka's topic config names; an unknown key fails and
        lists the valid ones.
      - Durations (keys ending in C(.ms)) take milliseconds or a number with a unit C(ms),
        C(s), C(m), C(h), C(d), C(w) or C(y) (365 days), for example C(7d) or C(7y);
        C(retention.ms) and C(local.retention.ms) also take C(forever).
      - Sizes (keys ending in C(.bytes)) take bytes or a number with a unit C(B), C(KB),
        C(MB), C(GB), C(TB) (powers of 1000) or C(KiB), C(MiB), C(GiB), C(TiB) (powers of 1024).
      - A declared key is set on the topic even when the cluster default has the same value, so
        later changes of the default do not alter this topic.
    type: dict
    default: {}
  reset_config:
    description:
      - Keys whose topic-level value is removed, so the topic inherits the cluster default.
        Only these keys are ever deleted.
    type: list
    elements: str
    default: []
  state:
    description:
      - C(present) creates or updates the topic, C(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  protected:
    description:
      - Refuse to delete the topic, to lower C(retention.ms) or C(retention.bytes), or to reset
        either of them, unless O(force=true).
    type: bool
    default: false
  force:
    description:
      - Allow deleting or shortening the retention of protected topics.
    type: bool
    default: false
  name_pattern:
    description:
      - Every topic name must match this pattern, where each C({placeholder}) stands for one
        name segment (letters, digits, C(_), C(-)) and everything else is literal, for example
        C(fte.{category}.{subcategory}).
    type: str
  reassignment_timeout:
    description:
      - Seconds to wait for a replication factor change to complete. The reassignment goes on
        in the cluster after a timeout; the task fails and says so.
    type: int
    default: 300
extends_documentation_fragment:
  - digital_fte.event_backbone.attributes
  - digital_fte.event_backbone.kafka
author:
  - Digital FTE platform team (@digital-fte)
"""

EXAMPLES = r"""
# The connection: module_defaults for group/digital_fte.event_backbone.kafka (see the notes).
- name: Declare the event backbone topics
  digital_fte.event_backbone.kafka_topic:
    name_pattern: "fte.{category}.{subcategory}"
    partitions: 6
    replication_factor: 3
    config:
      min.insync.replicas: 2
    topics:
      - name: fte.triggers.inbound
        config: {retention.ms: 7d}
      - name: fte.results.completed
        config: {retention.ms: 90d, segment.bytes: 1GiB}
      - name: fte.audit.actions
        protected: true
        config: {retention.ms: 7y}

- name: Put one topic back on the cluster's default segment size
  digital_fte.event_backbone.kafka_topic:
    name: fte.status.updates
    reset_config: [segment.bytes]

- name: Delete a topic
  digital_fte.event_backbone.kafka_topic:
    name: fte.sandbox.lifecycle
    state: absent
"""

RETURN = r"""
changes:
  description: One record per change made (or, in check mode, that would be made).
  returned: always
  type: list
  elements: dict
  sample:
    - {topic: fte.triggers.inbound, action: alter_config, set: {retention.ms: "604800000"}, reset: []}
    - {topic: fte.audit.actions, action: create, partitions: 6, replication_factor: 3,
       config: {retention.ms: "220752000000"}}
topics:
  description: Each declared topic after the run, with the topic-level overrides of the keys the
    request manages; absent topics are omitted.
  returned: always
  type: dict
  sample: {fte.triggers.inbound: {partitions: 6, replication_factor: 3, config: {retention.ms: "604800000"}}}
"""

import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.digital_fte.event_backbone.plugins.module_utils._common import PlanError
from ansible_collections.digital_fte.event_backbone.plugins.module_utils._kafka import (
    KAFKA_REQUIRED_IF,
    KafkaClient,
    kafka_argument_spec,
)
from ansible_collections.digital_fte.event_backbone.plugins.module_utils._topic import (
    desired_topics,
    plan_topics,
)

try:
    from kafka.admin import ConfigResource
    from kafka.errors import TopicAuthorizationFailedError
    from kafka.structs import TopicPartition
except ImportError:
    pass  # KafkaClient reports the missing library

# Topics per CreateTopics request: large batches are fast, but each must finish within the
# request timeout on the controller.
CREATE_BATCH = 500


def read_cluster(client, specs):
    """Brokers, the metadata and managed configs of the declared topics, and, only when one
    of them is to be created, the names of all topics (to refuse a colliding name)."""
    _cluster, brokers = client.brokers()
    # Replicas go only to live brokers; a fenced one is down or shutting down.
    brokers = [b for b in brokers if not b["fenced"]]
    # Only the declared topics: on a large cluster the metadata of every topic is the costliest
    # read, and a run that creates nothing does not need it.
    declared = sorted(set(s["name"] for s in specs))
    metadata = client.call("describe", "topics", client.admin.describe_topics, declared)
    actual = {}
    hidden = sorted(t["name"] for t in metadata if t["error_code"] == TopicAuthorizationFailedError.errno)
    if hidden:
        who = "sasl_username %r" % client.module.params["sasl_username"] if client.sasl else "the client (no SASL login)"
        client.fail("%s is not authorized to describe topic(s) %s: it needs DESCRIBE on them; nothing "
                    "was changed" % (who, ", ".join(hidden)))
    for topic in metadata:
        if topic["error_code"]:
            continue  # UNKNOWN_TOPIC_OR_PARTITION (not there yet) or an invalid name the plan reports
        actual[topic["name"]] = {
            "replicas": dict((p["partition_index"], list(p["replica_nodes"])) for p in topic["partitions"]),
            "config": {},
        }
    existing = None
    if any(s["state"] == "present" and s["name"] not in actual for s in specs):
        existing = client.call("list", "topics", client.admin.list_topics)
    keys = set()
    for spec in specs:
        keys.update(spec["config"] or {})
        keys.update(spec["reset_config"] or [])
    wanted = [s["name"] for s in specs if s["name"] in actual]
    if keys and wanted:
        resources = [ConfigResource("TOPIC", name, sorted(keys)) for name in wanted]
        described = client.call("describe", "topic configs", client.admin.describe_configs,
                                resources, config_filter="all")
        for name, configs in described.get("topic", {}).items():
            actual[name]["config"] = dict(
                (key, {"value": c["value"], "source": c["config_source"]}) for key, c in configs.items())
    defaults = {}
    needs_defaults = any(s["state"] == "present" and s["name"] not in actual
                         and (s["partitions"] is None or s["replication_factor"] is None) for s in specs)
    if needs_defaults and brokers:
        broker = str(brokers[0]["id"])
        described = client.call("describe", "broker defaults", client.admin.describe_configs,
                                [ConfigResource("BROKER", broker, ["num.partitions", "default.replication.factor"])],
                                config_filter="all")["broker"][broker]
        defaults = {"partitions": int(described["num.partitions"]["value"]),
                    "replication_factor": int(described["default.replication.factor"]["value"])}
    return actual, brokers, defaults, existing


def create_topics(client, plan, validate_only):
    names = sorted(plan["create"])
    for start in range(0, len(names), CREATE_BATCH):
        batch = dict((n, plan["create"][n]) for n in names[start:start + CREATE_BATCH])
        result = client.call("create", "topics", client.admin.create_topics, batch,
                             validate_only=validate_only, raise_errors=False)
        client.raise_for_results("create topics", [
            (t["name"], t["error_message"] or (t["error_code"] and "error %d" % t["error_code"]))
            for t in result["topics"]])
    if names and not validate_only:
        wait_for_leaders(client, names)


def wait_for_leaders(client, names):
    """Until every partition of the new topics has a leader in the brokers' metadata, so the
    topics are usable and the next run sees them. Polls only the topics still pending, gently:
    on a small cluster the brokers need the CPU to create the logs."""
    pending = set(names)
    deadline = time.monotonic() + client.module.params["request_timeout"]
    while True:
        for topic in client.call("describe", "the new topics", client.admin.describe_topics, sorted(pending)):
            if not topic["error_code"] and topic["partitions"] and all(
                    p["error_code"] == 0 and p["leader_id"] >= 0 for p in topic["partitions"]):
                pending.discard(topic["name"])
        if not pending:
            return
        if time.monotonic() > deadline:
            client.fail("Created %d topics, but %d have no leader yet after %ss: %s"
                        % (len(names), len(pending), client.module.params["request_timeout"],
                           ", ".join(sorted(pending)[:10])))
        time.sleep(0.25)


def alter_configs(client, plan, validate_only):
    if not plan["alter_config"]:
        return
    resources = [ConfigResource("TOPIC", name, dict((k, (op, v)) for k, (op, v) in ops.items()))
                 for name, ops in sorted(plan["alter_config"].items())]
    result = client.call("alter", "topic configs", client.admin.alter_configs, resources,
                         validate_only=validate_only, raise_on_unknown=False, incremental=True)
    client.raise_for_results("alter topic configs", [
        (name, None if outcome == "OK" else outcome) for name, outcome in result.get("topic", {}).items()])


def create_partitions(client, plan, validate_only):
    if not plan["create_partitions"]:
        return
    wanted = dict(plan["create_partitions"])
    if validate_only:
        # Explicit assignments carry the new replication factor, which the brokers accept only
        # after the reassignment; before it, check the count alone.
        wanted = dict((name, p if isinstance(p, int) else p["count"]) for name, p in wanted.items())
    response = client.call("add", "partitions", client.admin.create_partitions, wanted,
                           validate_only=validate_only, raise_errors=False)
    client.raise_for_results("add partitions", [
        (r.name, r.error_message or (r.error_code and "error %d" % r.error_code)) for r in response.results])


def reassign(client, plan):
    if not plan["reassign"]:
        return
    wanted = {}
    for name, assignment in plan["reassign"].items():
        for partition, replicas in assignment.items():
            wanted[TopicPartition(name, partition)] = replicas
    result = client.call("reassign", "partitions", client.admin.alter_partition_reassignments, wanted)
    client.raise_for_results("reassign partitions", [
        ("%s-%d" % (tp.topic, tp.partition), err) for tp, err in result.items()])
    timeout = client.module.params["reassignment_timeout"]
    deadline = time.monotonic() + timeout
    while True:
        ongoing = client.call("list", "partition reassignments",
                              client.admin.list_partition_reassignments, list(wanted))
        if not ongoing and _in_sync(client, plan["reassign"]):
            return
        if time.monotonic() > deadline:
            client.fail("Reassignment of %s did not finish within %ss; it goes on in the cluster "
                        "(%d partitions still moving)" % (", ".join(sorted(plan["reassign"])),
                                                          timeout, len(ongoing)))
        time.sleep(1)


def _in_sync(client, reassignments):
    for topic in client.call("describe", "topics", client.admin.describe_topics, sorted(reassignments)):
        for p in topic["partitions"]:
            target = reassignments[topic["name"]].get(p["partition_index"])
            if target is not None and (list(p["replica_nodes"]) != target
                                       or set(p["isr_nodes"]) != set(target)):
                return False
    return True


def delete_topics(client, plan):
    if not plan["delete"]:
        return
    result = client.call("delete", "topics", client.admin.delete_topics, plan["delete"],
                         raise_errors=False)
    client.raise_for_results("delete topics", [
        (t["name"], t.get("error_message") or (t["error_code"] and "error %d" % t["error_code"]))
        for t in result["topics"]])


def main():
    topic_options = dict(
        name=dict(type="str", required=True),
        partitions=dict(type="int"),
        replication_factor=dict(type="int"),
        config=dict(type="dict"),
        reset_config=dict(type="list", elements="str"),
        state=dict(type="str", choices=["present", "absent"]),
        protected=dict(type="bool"),
    )
    module = AnsibleModule(
        argument_spec=kafka_argument_spec(
            name=dict(type="str"),
            topics=dict(type="list", elements="dict", options=topic_options),
            partitions=dict(type="int"),
            replication_factor=dict(type="int"),
            config=dict(type="dict", default={}),
            reset_config=dict(type="list", elements="str", default=[]),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            protected=dict(type="bool", default=False),
            force=dict(type="bool", default=False),
            name_pattern=dict(type="str"),
            reassignment_timeout=dict(type="int", default=300),
        ),
        required_if=KAFKA_REQUIRED_IF,
        required_one_of=[("name", "topics")],
        mutually_exclusive=[("name", "topics")],
        supports_check_mode=True,
    )
    client = KafkaClient(module)
    specs = desired_topics(module.params)
    actual, brokers, defaults, existing = read_cluster(client, specs)
    try:
        plan = plan_topics(specs, actual, brokers, defaults=defaults, force=module.params["force"],
                           name_pattern=module.params["name_pattern"], existing=existing)
    except PlanError as exc:
        client.fail("Invalid request, nothing was changed: %s" % exc)

    # The brokers check what only they know (value ranges, policies) before anything changes.
    create_topics(client, plan, validate_only=True)
    alter_configs(client, plan, validate_only=True)
    create_partitions(client, plan, validate_only=True)
    if not module.check_mode:
        create_topics(client, plan, validate_only=False)
        alter_configs(client, plan, validate_only=False)
        reassign(client, plan)
        create_partitions(client, plan, validate_only=False)
        delete_topics(client, plan)
    client.close()

    result = dict(changed=bool(plan["changes"]), changes=plan["changes"], topics=plan["topics"])
    if module._diff:
        result["diff"] = plan["diff"]
    module.exit_json(**result)


if __name__ == "__main__":
    main()
