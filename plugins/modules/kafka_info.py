#!/usr/bin/python
# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: kafka_info
short_description: Read the state of a Kafka cluster for runbooks and asserts
version_added: 0.1.0
description:
  - Returns the cluster id, brokers and active controller, topics with partitions, replication
    factor, topic-level config overrides and ISR, the under-replicated partitions, SCRAM users
    with their mechanisms, ACL bindings, and the health of the cluster with the metadata quorum,
    in one connection.
  - Changes nothing.
options:
  gather:
    description:
      - Which parts to read.
      - C(health) judges the cluster as the kafka role's restart gates judge a node (module
        M(digital_fte.event_backbone.kafka_health)), from every topic including the internal
        ones and from the metadata quorum; see RV(health).
    type: list
    elements: str
    choices: [cluster, topics, users, acls, health]
    default: [cluster, topics, users, acls]
  topics:
    description:
      - Only these topics (all topics when unset).
    type: list
    elements: str
  include_internal:
    description:
      - Include internal topics such as C(__consumer_offsets).
    type: bool
    default: false
  expected_brokers:
    description:
      - With C(health), the broker ids that must be registered and unfenced (for example every
        broker of the inventory); a registered broker that is fenced is a problem either way.
    type: list
    elements: int
    default: []
  quorum_max_lag:
    description:
      - With C(health), the largest lag (records) of a voter behind the quorum leader that counts as caught up.
    type: int
    default: 1000
  quorum_max_lag_ms:
    description:
      - With C(health), the longest time (ms) since a voter was last caught up at which it still
        counts as caught up, against the newest fetch the leader saw.
    type: int
    default: 10000
extends_documentation_fragment:
  - digital_fte.event_backbone.attributes
  - digital_fte.event_backbone.attributes.info_module
  - digital_fte.event_backbone.kafka
author:
  - Digital FTE platform team (@digital-fte)
"""

EXAMPLES = r"""
# The connection: module_defaults for group/digital_fte.event_backbone.kafka (see the notes).
- name: Read the cluster state
  digital_fte.event_backbone.kafka_info:
  register: __kafka_info

- name: Stop when a partition is under-replicated
  ansible.builtin.assert:
    that: __kafka_info.under_replicated_partitions | length == 0
    fail_msg: "Under-replicated: {{ __kafka_info.under_replicated_partitions }}"
"""

RETURN = r"""
cluster:
  description: Cluster id, active controller and brokers.
  returned: when C(cluster) is gathered
  type: dict
  sample: {cluster_id: W6Q_BMdSQj60m1w2lTDRmw, controller_id: 1,
           brokers: [{id: 1, host: kafka1, port: 9092, rack: null, fenced: false}]}
topics:
  description: Per topic, partitions, replication factor, topic-level overrides and per-partition
    leader, replicas, ISR and offline replicas.
  returned: when C(topics) is gathered
  type: dict
  sample: {fte.audit.actions: {partitions: 6, replication_factor: 3, internal: false,
           config: {retention.ms: "220752000000"},
           partition_details: [{partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3], offline: []}]}}
under_replicated_partitions:
  description: Partitions whose ISR is smaller than their replica list.
  returned: when C(topics) is gathered
  type: list
  elements: dict
  sample: [{topic: fte.audit.actions, partition: 0, replicas: [1, 2, 3], isr: [1, 2]}]
users:
  description: SCRAM users with the iterations of each mechanism.
  returned: when C(users) is gathered
  type: dict
  sample: {admin: {SCRAM-SHA-512: 4096}}
health:
  description:
    - The verdict on the cluster and what it rests on. C(problems) is empty when the cluster is
      healthy - every broker (and each of O(expected_brokers)) registered and unfenced, no
      under-replicated, under-min-ISR or offline partition, a quorum leader, every voter caught
      up.
    - C(quorum) lists the voters (C(Leader), C(Follower)) and observers with their lag in records
      behind the leader and their last fetch and catch-up times (ms, the leader's clock).
  returned: when C(health) is gathered
  type: dict
  sample: {healthy: false, problems: ["1 under-replicated partitions"], quorum_leader: 1,
           quorum: [{node: 1, log_end_offset: 120, lag: 0, last_fetch: 1764000000000,
                     last_caught_up: 1764000000000, status: Leader}],
           under_min_isr_partitions: [], offline_partitions: []}
acls:
  description: ACL bindings.
  returned: when C(acls) is gathered
  type: list
  elements: dict
  sample: [{principal: User:dapr-orders, host: "*", resource_type: topic, resource_name: fte.,
            pattern_type: prefixed, operation: read, permission: allow}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.digital_fte.event_backbone.plugins.module_utils import _health
from ansible_collections.digital_fte.event_backbone.plugins.module_utils._acl import binding_dict
from ansible_collections.digital_fte.event_backbone.plugins.module_utils._info import summarize_topics
from ansible_collections.digital_fte.event_backbone.plugins.module_utils._kafka import (
    KAFKA_REQUIRED_IF,
    KafkaClient,
    kafka_argument_spec,
)

try:
    from kafka.admin import ConfigResource
except ImportError:
    pass  # KafkaClient reports the missing library


def read_topics(client, names, include_internal):
    """(metadata, configs 'all') of the named topics (all: None)."""
    metadata = client.call("describe", "topics", client.admin.describe_topics, names)
    kept = [t["name"] for t in metadata if not t["error_code"] and (include_internal or not t["is_internal"])]
    configs = {}
    if kept:
        configs = client.call("describe", "topic configs", client.admin.describe_configs,
                              [ConfigResource("TOPIC", n) for n in kept], config_filter="all").get("topic", {})
    return metadata, configs


def health(client, params, brokers, topics, configs):
    """kafka_info's RV(health): the rules of _health over the Admin API's answers."""
    partitions = _health.from_topics(topics)
    min_isr = {name: int(c["min.insync.replicas"]["value"]) for name, c in configs.items() if "min.insync.replicas" in c}
    under = _health.under_min_isr(partitions, min_isr)
    leader, quorum = _health.from_quorum(client.call("describe", "the metadata quorum",
                                                     client.admin.describe_metadata_quorum))
    found = _health.problems(partitions, under, leader, quorum, params["quorum_max_lag"], params["quorum_max_lag_ms"],
                             brokers={b["id"]: "fenced" if b["fenced"] else "unfenced" for b in brokers},
                             expected_brokers=params["expected_brokers"])
    return {"healthy": not found, "problems": found, "quorum_leader": leader, "quorum": quorum,
            "under_min_isr_partitions": under, "offline_partitions": [p for p in partitions if p["leader"] is None]}


def main():
    module = AnsibleModule(
        argument_spec=kafka_argument_spec(
            gather=dict(type="list", elements="str", choices=["cluster", "topics", "users", "acls", "health"],
                        default=["cluster", "topics", "users", "acls"]),
            topics=dict(type="list", elements="str"),
            include_internal=dict(type="bool", default=False),
            expected_brokers=dict(type="list", elements="int", default=[]),
            quorum_max_lag=dict(type="int", default=1000),
            quorum_max_lag_ms=dict(type="int", default=10000),
        ),
        required_if=KAFKA_REQUIRED_IF,
        supports_check_mode=True,
    )
    params = module.params
    gather = set(params["gather"])
    client = KafkaClient(module)
    result = dict(changed=False)
    if gather & {"cluster", "health"}:
        cluster, brokers = client.brokers()
        if "cluster" in gather:
            result["cluster"] = {"cluster_id": cluster["cluster_id"],
                                 "controller_id": cluster["controller_id"], "brokers": brokers}
    if "topics" in gather:
        metadata, configs = read_topics(client, params["topics"], params["include_internal"])
        result["topics"], result["under_replicated_partitions"] = summarize_topics(
            metadata, configs, params["include_internal"])
    if "health" in gather:
        # Every topic, the internal ones too: a partition of __consumer_offsets counts.
        if "topics" not in gather or params["topics"] is not None or not params["include_internal"]:
            metadata, configs = read_topics(client, None, True)
        every_topic, _under_replicated = summarize_topics(metadata, configs, True)
        result["health"] = health(client, params, brokers, every_topic, configs)
    if "users" in gather:
        result["users"] = client.scram_credentials()
    if "acls" in gather:
        result["acls"] = [binding_dict(b) for b in sorted(client.acl_bindings())]
    client.close()
    module.exit_json(**result)


if __name__ == "__main__":
    main()
