#!/usr/bin/python
# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: kafka_consumer_group
short_description: Move Kafka consumers to a new group without losing or replaying events
version_added: 0.2.0
description:
  - Gives one consumer group (O(name)) or several (O(groups)) the committed offsets of another
    group (O(offsets_from)) on their topics, where they have none of their own, through the
    Admin API (OffsetFetch, then OffsetCommit per group).
  - Use it before consumers switch to a new group, for example when apps that shared one group
    get a group each. The new group then starts where the old one stopped, not at the newest
    or the oldest offset.
  - A group's own committed offsets always win, so the offsets are taken over once and a later
    run changes nothing. Partitions where the source has no committed offset start at their
    log end (see O(offsets_from)); only when the source has no offsets at all are they left to
    the consumer's C(auto.offset.reset).
  - Kafka accepts offsets only for a group without active members; the module refuses, before
    any change, when a group that would take offsets has members.
  - The source group is only read, never changed. O(state=absent) deletes a group (its
    committed offsets), for example the old shared group once every consumer has left it;
    Kafka refuses that while the group has members, and so does the module, before any change.
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details: Per group, its committed offsets on its topics before and after.
  idempotent:
    support: full
options:
  name:
    description: One group. Mutually exclusive with O(groups).
    type: str
  groups:
    description:
      - Several groups in one call; the top-level O(topics) and O(offsets_from) are the defaults
        of each entry.
    type: list
    elements: dict
    suboptions:
      name:
        description: Group id.
        type: str
        required: true
      topics:
        description: Topics of this group.
        type: list
        elements: str
      offsets_from:
        description: Group whose committed offsets this group takes over.
        type: str
      state:
        description: Whether this group should exist.
        type: str
        choices: [present, absent]
  topics:
    description: Topics whose offsets the group takes over (and whose offsets RV(groups) shows).
    type: list
    elements: str
    default: []
  offsets_from:
    description:
      - Group whose committed offsets on O(topics) the group takes over where it has none.
        Without it the module only reports the group's offsets.
      - An offset of that group below a partition's log start (retention deleted those
        records) is taken as the log start, so the group reads what is still there.
      - While that group has committed offsets, a partition of O(topics) where neither group
        has one starts at its log end offset as of the run (the source stopped consuming
        there), not at the consumer's C(auto.offset.reset).
    type: str
  state:
    description:
      - C(present) takes over offsets (with O(offsets_from)); C(absent) deletes the group.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - digital_fte.event_backbone.attributes
  - digital_fte.event_backbone.kafka
author:
  - Digital FTE platform team (@digital-fte)
"""

EXAMPLES = r"""
# The connection: module_defaults for group/digital_fte.event_backbone.kafka (see the notes).
- name: Give each app its own group, starting where the shared group stopped
  digital_fte.event_backbone.kafka_consumer_group:
    offsets_from: digital-fte
    groups:
      - name: digital-fte.fte-worker
        topics: [fte.triggers.inbound]
      - name: digital-fte.fte-gateway
        topics: [fte.results.completed, fte.status.updates]

- name: Delete the shared group once no consumer is left in it
  digital_fte.event_backbone.kafka_consumer_group:
    name: digital-fte
    state: absent
"""

RETURN = r"""
changes:
  description:
    - One record per group that took (or, in check mode, would take) offsets, or that was
      (would be) deleted.
  returned: always
  type: list
  elements: dict
  sample:
    - {group: digital-fte.fte-worker, action: take offsets, from: digital-fte,
       offsets: {fte.triggers.inbound: {"0": 1250, "1": 1198, "2": 1304}}}
groups:
  description: Each declared group's committed offsets on its topics after the run.
  returned: always
  type: dict
  sample: {digital-fte.fte-worker: {fte.triggers.inbound: {"0": 1250, "1": 1198, "2": 1304}}}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.digital_fte.event_backbone.plugins.module_utils._groups import (
    committed_view,
    desired_groups,
    needs_ends,
    plan_offsets,
    validate_groups,
)
from ansible_collections.digital_fte.event_backbone.plugins.module_utils._common import PlanError
from ansible_collections.digital_fte.event_backbone.plugins.module_utils._kafka import (
    KAFKA_REQUIRED_IF,
    KafkaClient,
    kafka_argument_spec,
)


def main():
    module = AnsibleModule(
        argument_spec=kafka_argument_spec(
            name=dict(type="str"),
            groups=dict(type="list", elements="dict", options=dict(
                name=dict(type="str", required=True),
                topics=dict(type="list", elements="str"),
                offsets_from=dict(type="str"),
                state=dict(type="str", choices=["present", "absent"]),
            )),
            topics=dict(type="list", elements="str", default=[]),
            offsets_from=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        required_if=KAFKA_REQUIRED_IF,
        required_one_of=[("name", "groups")],
        mutually_exclusive=[("name", "groups")],
        supports_check_mode=True,
    )
    specs = desired_groups(module.params)
    try:
        validate_groups(specs)
    except PlanError as exc:
        module.fail_json(msg="Invalid request, nothing was changed: %s" % exc)

    client = KafkaClient(module)
    names = sorted({s["name"] for s in specs} | {s["offsets_from"] for s in specs if s["offsets_from"]})
    committed = client.committed_offsets(names)
    # Round trips only where there is something to do: ends and members of the groups that
    # would change, never on a converged cluster beyond the one OffsetFetch.
    topics = needs_ends(specs, committed)
    starts, ends = client.log_offsets(topics) if topics else ({}, {})
    first = plan_offsets(specs, committed, {}, ends, starts)
    touched = sorted(set(first["copies"]) | set(first["deletes"]))
    plan = plan_offsets(specs, committed, client.group_members(touched) if touched else {}, ends, starts)
    if plan["errors"]:
        client.fail("Nothing was changed: %s" % "; ".join(plan["errors"]))
    if not module.check_mode:
        for group, offsets in sorted(plan["copies"].items()):
            client.commit_offsets(group, offsets)
        if plan["deletes"]:
            client.delete_groups(plan["deletes"])
    client.close()

    result = dict(changed=bool(plan["changes"]), changes=plan["changes"],
                  groups=committed_view(specs, committed, plan["copies"]))
    if module._diff:
        result["diff"] = plan["diff"]
    module.exit_json(**result)


if __name__ == "__main__":
    main()
