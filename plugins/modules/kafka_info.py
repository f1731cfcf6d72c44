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
    with their mechanisms, and ACL bindings, in one connection.
  - Changes nothing.
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  idempotent:
    support: full
options:
  gather:
    description:
      - Which parts to read.
    type: list
    elements: str
    choices: [cluster, topics, users, acls]
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
extends_documentation_fragment:
  - digital_fte.event_backbone.attributes
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
acls:
  description: ACL bindings.
  returned: when C(acls) is gathered
  type: list
  elements: dict
  sample: [{principal: User:dapr-orders, host: "*", resource_type: topic, resource_name: fte.,
            pattern_type: prefixed, operation: read, permission: allow}]
"""

from ansible.module_utils.basic import AnsibleModule

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


def main():
    module = AnsibleModule(
        argument_spec=kafka_argument_spec(
            gather=dict(type="list", elements="str", choices=["cluster", "topics", "users", "acls"],
                        default=["cluster", "topics", "users", "acls"]),
            topics=dict(type="list", elements="str"),
            include_internal=dict(type="bool", default=False),
        ),
        required_if=KAFKA_REQUIRED_IF,
        supports_check_mode=True,
    )
    gather = set(module.params["gather"])
    client = KafkaClient(module)
    result = dict(changed=False)
    if "cluster" in gather:
        cluster, brokers = client.brokers()
        result["cluster"] = {"cluster_id": cluster["cluster_id"],
                             "controller_id": cluster["controller_id"], "brokers": brokers}
    if "topics" in gather:
        metadata = client.call("describe", "topics", client.admin.describe_topics, module.params["topics"])
        names = [t["name"] for t in metadata if not t["error_code"]
                 and (module.params["include_internal"] or not t["is_internal"])]
        configs = {}
        if names:
            configs = client.call("describe", "topic configs", client.admin.describe_configs,
                                  [ConfigResource("TOPIC", n) for n in names],
                                  config_filter="all").get("topic", {})
        result["topics"], result["under_replicated_partitions"] = summarize_topics(
            metadata, configs, module.params["include_internal"])
    if "users" in gather:
        result["users"] = client.scram_credentials()
    if "acls" in gather:
        result["acls"] = [binding_dict(b) for b in sorted(client.acl_bindings())]
    client.close()
    module.exit_json(**result)


if __name__ == "__main__":
    main()
