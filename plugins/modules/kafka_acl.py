#!/usr/bin/python
# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: kafka_acl
short_description: Declare Kafka ACL bindings idempotently
version_added: 0.1.0
description:
  - Creates and deletes ACL bindings (principal, host, resource type and name, pattern type,
    operation, permission) through the Admin API, a whole list in one call, with one read of
    the cluster's bindings.
  - Only the declared bindings are touched; bindings the request does not name stay as they are,
    except those of the principals that O(purge) names.
  - The whole request is validated (principal form and type, host, resource types, operations
    valid for each resource type) before the first change; a bad request changes nothing, and
    the error names every invalid field with its rule.
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details: One before/after record per binding created or deleted.
  idempotent:
    support: full
options:
  acls:
    description:
      - The ACL entries. Each entry stands for one binding per operation in O(acls[].operations).
    type: list
    elements: dict
    required: true
    suboptions:
      principal:
        description:
          - The principal as C(TYPE:NAME), for example C(User:dapr-orders); C(User:*) is every
            user.
          - The type must be C(User), in exactly that case. Kafka makes every SASL/SCRAM, PLAIN
            and SSL client a C(User) principal and compares the type case-sensitively, so a
            binding of C(user:NAME) (or another type) would match no client; it is refused.
        type: str
        required: true
      host:
        description:
          - The IP address (IPv4 or IPv6) the principal connects from; C(*) for any host.
          - Kafka compares it with the client's address, never with a host name, so anything
            else is refused.
        type: str
        default: "*"
      resource_type:
        description: Type of the resource.
        type: str
        required: true
        choices: [topic, group, cluster, transactional_id, delegation_token, user]
      resource_name:
        description:
          - Name of the resource, or the prefix with O(acls[].pattern_type=prefixed). With
            O(acls[].pattern_type=literal), C(*) means every resource of the type. The cluster
            resource is named C(kafka-cluster).
        type: str
        required: true
      pattern_type:
        description: How O(acls[].resource_name) matches resources.
        type: str
        choices: [literal, prefixed]
        default: literal
      operations:
        description:
          - Operations, lower case (C(read), C(write), C(describe), C(idempotent_write), C(all),
            ...); each must be valid for the resource type.
        type: list
        elements: str
        required: true
      permission:
        description: Whether the binding allows or denies.
        type: str
        choices: [allow, deny]
        default: allow
      state:
        description: Overrides O(state) for this entry.
        type: str
        choices: [present, absent]
  state:
    description:
      - Whether the bindings should exist; the default for every entry.
    type: str
    choices: [present, absent]
    default: present
  purge:
    description:
      - Principals the request owns, as case-sensitive C(fnmatch) patterns (C(*), C(?),
        C([seq])) over C(TYPE:NAME), for example C(User:fte-*).
      - Every existing binding whose principal matches a pattern and that O(acls) does not
        declare with state C(present) is deleted, on any resource type, in the same DeleteAcls
        call as the other deletions. Bindings of principals that match no pattern are never
        touched.
      - Refused, before anything is changed, are a pattern of nothing but C(*) and a pattern
        that matches C(User:<sasl_username>), the principal the module logs in as. With SSL
        client certificates the principal is not known to the module; do not name it.
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - digital_fte.event_backbone.attributes
  - digital_fte.event_backbone.kafka
author:
  - Digital FTE platform team (@digital-fte)
"""

EXAMPLES = r"""
# The connection: module_defaults for group/digital_fte.event_backbone.kafka (see the notes).
- name: Let the orders service consume its topics
  digital_fte.event_backbone.kafka_acl:
    acls:
      - principal: User:dapr-orders
        resource_type: topic
        resource_name: fte.triggers.
        pattern_type: prefixed
        operations: [read, describe]
      - principal: User:dapr-orders
        resource_type: group
        resource_name: dapr-orders
        operations: [read]
      - principal: User:old-service
        resource_type: topic
        resource_name: "*"
        operations: [all]
        state: absent

- name: Grant the design's users their ACLs and delete every other binding of fte-* users
  digital_fte.event_backbone.kafka_acl:
    acls:
      - principal: User:fte-gateway
        resource_type: topic
        resource_name: fte.triggers.inbound
        operations: [write, describe]
    purge: ["User:fte-*"]
"""

RETURN = r"""
changes:
  description:
    - One record per binding created or deleted (or, in check mode, that would be).
    - A binding deleted by O(purge) also has a C(reason) naming the pattern.
  returned: always
  type: list
  elements: dict
  sample:
    - {action: create, principal: User:dapr-orders, host: "*", resource_type: topic,
       resource_name: fte.triggers., pattern_type: prefixed, operation: read, permission: allow}
    - {action: delete, principal: User:fte-agent-retired, host: "*", resource_type: group,
       resource_name: digital-fte, pattern_type: literal, operation: read, permission: allow,
       reason: "not declared; principal matches purge pattern User:fte-*"}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.digital_fte.event_backbone.plugins.module_utils._acl import (
    expand,
    plan_acls,
)
from ansible_collections.digital_fte.event_backbone.plugins.module_utils._common import PlanError
from ansible_collections.digital_fte.event_backbone.plugins.module_utils._kafka import (
    KAFKA_REQUIRED_IF,
    KafkaClient,
    kafka_argument_spec,
)

try:
    from kafka.admin import (
        ACL,
        ACLOperation,
        ACLPermissionType,
        ACLResourcePatternType,
        ResourcePattern,
        ResourceType,
    )
except ImportError:
    pass  # KafkaClient reports the missing library


def to_acl(binding):
    principal, host, rtype, name, pattern, operation, permission = binding
    return ACL(principal=principal, host=host, operation=ACLOperation[operation.upper()],
               permission_type=ACLPermissionType[permission.upper()],
               resource_pattern=ResourcePattern(ResourceType[rtype.upper()], name,
                                                ACLResourcePatternType[pattern.upper()]))


def main():
    acl_options = dict(
        principal=dict(type="str", required=True),
        host=dict(type="str", default="*"),
        resource_type=dict(type="str", required=True,
                           choices=["topic", "group", "cluster", "transactional_id", "delegation_token", "user"]),
        resource_name=dict(type="str", required=True),
        pattern_type=dict(type="str", choices=["literal", "prefixed"], default="literal"),
        operations=dict(type="list", elements="str", required=True),
        permission=dict(type="str", choices=["allow", "deny"], default="allow"),
        state=dict(type="str", choices=["present", "absent"]),
    )
    module = AnsibleModule(
        argument_spec=kafka_argument_spec(
            acls=dict(type="list", elements="dict", required=True, options=acl_options),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            purge=dict(type="list", elements="str", default=[]),
        ),
        required_if=KAFKA_REQUIRED_IF,
        supports_check_mode=True,
    )
    try:
        wanted = expand(module.params["acls"], module.params["state"], module.params["purge"],
                        module.params["sasl_username"])
    except PlanError as exc:
        module.fail_json(msg="Invalid request, nothing was changed: %s" % exc)

    client = KafkaClient(module)
    plan = plan_acls(wanted, client.acl_bindings(), module.params["purge"])
    if not module.check_mode:
        if plan["create"]:
            result = client.call("create", "ACLs", client.admin.create_acls,
                                 [to_acl(b) for b in plan["create"]])
            failed = [str(err) for err in result["failed"]]
            if failed:
                client.fail("Unable to create ACLs: %s" % "; ".join(failed))
        if plan["delete"]:
            for acl_filter, _matched, error in client.call(
                    "delete", "ACLs", client.admin.delete_acls, [to_acl(b) for b in plan["delete"]]):
                if error.errno:
                    client.fail("Unable to delete ACL %s: %s" % (acl_filter, error.__name__))
    client.close()

    result = dict(changed=bool(plan["changes"]), changes=plan["changes"])
    if module._diff:
        result["diff"] = plan["diff"]
    module.exit_json(**result)


if __name__ == "__main__":
    main()
