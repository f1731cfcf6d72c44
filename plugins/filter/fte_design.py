# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""Filter fte_design: the Digital FTE event design -> the model site.yml and the runbooks act on."""

from __future__ import annotations

from ansible_collections.digital_fte.event_backbone.plugins.module_utils._design import build, topic_rows

DOCUMENTATION = r"""
name: fte_design
short_description: The Digital FTE event design as topics, users, ACLs, groups and sidecars
version_added: 0.2.0
description:
  - Builds the model of the event design from the inventory's design variables (C(fte_topics),
    C(fte_agents), C(fte_apps), ...) and the inventory's hosts, and checks every design rule.
  - Never fails by itself. RV(_value.errors) lists every broken rule, each naming the variable,
    the entry and the rule; C(playbooks/tasks/check_design.yml) fails on them before anything
    changes.
  - C(playbooks/vars/backbone.yml) calls it; the variables are described in
    C(docs/runbooks/README.md).
options:
  _input:
    description:
      - The design variables by their inventory names, plus C(kafka_hosts) (the group
        kafka_broker), C(dapr_hosts) (the group dapr), C(admin_user) and C(admin_password).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Show the topics of the design
  ansible.builtin.debug:
    msg: "{{ (fte_design_input | digital_fte.event_backbone.fte_design).topics | map(attribute='name') }}"
"""

RETURN = r"""
_value:
  description:
    - "C(errors): every broken design rule (empty when the design is valid)."
    - "C(topics): kafka_topic entries (retention.ms in milliseconds), with the handoff and
      dead-letter topics. C(partitions), C(replication_factor): what every topic gets."
    - "C(principals): one per app and agent: C(user), C(app_id), C(kind), C(slot), C(ports),
      C(app_port), C(hosts), C(publishes), C(subscribes), C(consumer_group), C(dead_letter_topic)."
    - "C(users): kafka_scram_user entries; C(acls): kafka_acl entries; C(consumer_groups): each
      app's group and the topics it reads; C(shared_group): fte_consumer_group, the group all apps
      shared before each had its own."
    - "C(sidecars) and C(components): by dapr host, the dapr role's O(dapr_apps) and
      O(dapr_pubsub_components)."
  type: dict
"""


def fte_design(design):
    """The model of `design` (see module_utils/_design.build)."""
    return build(dict(design))


def fte_topic_rows(specs, actual):
    """The design's topics against kafka_info's (see module_utils/_design.topic_rows)."""
    return topic_rows(list(specs), dict(actual))


class FilterModule:
    """Design filters."""

    def filters(self):
        return {"fte_design": fte_design, "fte_topic_rows": fte_topic_rows}
