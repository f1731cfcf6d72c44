#!/usr/bin/python
# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: kafka_scram_user
short_description: Manage Kafka SCRAM credentials without rewriting them on every run
version_added: 0.1.0
description:
  - Creates, updates and deletes SCRAM-SHA-256 and SCRAM-SHA-512 credentials through the Admin
    API (KIP-554), for one user (O(name)) or a list (O(users)) in one call.
  - Kafka never reveals a password, so when a user already has a credential for the mechanism
    with the desired iterations, the module logs in with the desired password (a SASL SCRAM
    exchange with one broker). The credential is rewritten only when that login fails, so
    C(changed) is true only when something was changed.
  - Passwords never appear in results, logs or C(--diff) output.
  - The whole request is validated before the first change. After a change the module waits
    until the new password authenticates, so clients and the next run see it.
attributes:
  check_mode:
    support: full
    details: The login check runs in check mode too; it changes nothing.
  diff_mode:
    support: full
    details: Per user, the mechanisms and iterations before and after; passwords are masked
      and a rewritten one is marked C(changed).
  idempotent:
    support: full
options:
  name:
    description:
      - One user. Mutually exclusive with O(users).
    type: str
  users:
    description:
      - Several users in one call. Each entry takes O(users[].name) and optionally the
        per-user options; the top-level options of the same names are the defaults.
      - Declare each user once.
    type: list
    elements: dict
    suboptions:
      name:
        description: User name.
        type: str
        required: true
      password:
        description: Password of this user.
        type: str
      mechanism:
        description: SCRAM mechanism of this user.
        type: str
        choices: [SCRAM-SHA-256, SCRAM-SHA-512]
      iterations:
        description: Iterations of this user's credential.
        type: int
      state:
        description: Whether this user should have credentials.
        type: str
        choices: [present, absent]
      update_password:
        description: When to update this user's password.
        type: str
        choices: [always, on_create]
  password:
    description:
      - The desired password; required with O(state=present).
    type: str
  mechanism:
    description:
      - SCRAM mechanism of the credential. Other mechanisms of the user are left alone.
    type: str
    choices: [SCRAM-SHA-256, SCRAM-SHA-512]
    default: SCRAM-SHA-512
  iterations:
    description:
      - PBKDF2 iterations of the credential (Kafka accepts 4096 to 16384). A different value
        rewrites the credential.
    type: int
    default: 4096
  state:
    description:
      - C(present) creates or updates the credential; C(absent) deletes every SCRAM credential
        of the user.
    type: str
    choices: [present, absent]
    default: present
  update_password:
    description:
      - C(always) checks the password by logging in and rewrites it when the login fails; this
        needs O(security_protocol=SASL_PLAINTEXT) or O(security_protocol=SASL_SSL).
      - C(on_create) sets the password only when the user has no credential for O(mechanism).
    type: str
    choices: [always, on_create]
    default: always
  login_timeout:
    description:
      - Seconds to wait, after a change, until the new password authenticates.
    type: int
    default: 30
  purge:
    description:
      - User names the request owns, as case-sensitive C(fnmatch) patterns (C(*), C(?),
        C([seq])), for example C(fte-*).
      - Every existing SCRAM user of the cluster whose name matches a pattern and that the
        request does not declare (in O(name) or O(users)) loses all its SCRAM credentials,
        together with the other changes (Kafka takes one alteration per user in a request, so a
        user with two mechanisms takes a second request). Users that match no pattern are never
        touched.
      - Refused, before anything is changed, are a pattern of nothing but C(*) and a pattern
        that matches O(sasl_username), the user the module logs in as.
      - With patterns, the module reads the credentials of every user of the cluster, not only
        the declared ones.
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
- name: Declare the application users
  digital_fte.event_backbone.kafka_scram_user:
    users:
      - name: dapr-orders
        password: "{{ vault_dapr_orders_password }}"
      - name: dashboards
        password: "{{ vault_dashboards_password }}"
        mechanism: SCRAM-SHA-256

- name: Remove a user
  digital_fte.event_backbone.kafka_scram_user:
    name: old-service
    state: absent

- name: Declare the users of the design and delete the retired ones (fte-* not listed here)
  digital_fte.event_backbone.kafka_scram_user:
    users:
      - name: fte-gateway
        password: "{{ vault_fte_gateway_password }}"
      - name: fte-agent-planner
        password: "{{ vault_fte_agent_planner_password }}"
    purge: ["fte-*"]
"""

RETURN = r"""
changes:
  description:
    - One record per change made (or, in check mode, that would be made); never a password.
    - C(create) and C(update) records name the mechanism, the iterations and the reason;
      C(delete) records list the mechanisms deleted, and a user deleted by O(purge) also has
      a reason naming the pattern.
  returned: always
  type: list
  elements: dict
  sample:
    - {user: dapr-orders, action: update, mechanism: SCRAM-SHA-512, iterations: 4096,
       reason: the password does not authenticate}
    - {user: fte-agent-retired, action: delete, mechanisms: [SCRAM-SHA-512],
       reason: "not declared; matches purge pattern fte-*"}
users:
  description: SCRAM mechanisms and iterations of each declared user after the run (users
    deleted by O(purge) are listed in RV(changes) only).
  returned: always
  type: dict
  sample: {dapr-orders: {SCRAM-SHA-512: 4096}}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.digital_fte.event_backbone.plugins.module_utils._common import PlanError
from ansible_collections.digital_fte.event_backbone.plugins.module_utils._kafka import (
    KAFKA_REQUIRED_IF,
    KafkaClient,
    kafka_argument_spec,
)
from ansible_collections.digital_fte.event_backbone.plugins.module_utils._scram import (
    alteration_rounds,
    desired_users,
    login_checks,
    plan_users,
    validate_users,
)

try:
    from kafka.admin import UserScramCredentialDeletion, UserScramCredentialUpsertion
except ImportError:
    pass  # KafkaClient reports the missing library


def main():
    user_options = dict(
        name=dict(type="str", required=True),
        password=dict(type="str", no_log=True),
        mechanism=dict(type="str", choices=["SCRAM-SHA-256", "SCRAM-SHA-512"]),
        iterations=dict(type="int"),
        state=dict(type="str", choices=["present", "absent"]),
        update_password=dict(type="str", choices=["always", "on_create"], no_log=False),
    )
    module = AnsibleModule(
        argument_spec=kafka_argument_spec(
            name=dict(type="str"),
            users=dict(type="list", elements="dict", options=user_options),
            password=dict(type="str", no_log=True),
            mechanism=dict(type="str", choices=["SCRAM-SHA-256", "SCRAM-SHA-512"], default="SCRAM-SHA-512"),
            iterations=dict(type="int", default=4096),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            update_password=dict(type="str", choices=["always", "on_create"], default="always", no_log=False),
            login_timeout=dict(type="int", default=30),
            purge=dict(type="list", elements="str", default=[]),
        ),
        required_if=KAFKA_REQUIRED_IF,
        required_one_of=[("name", "users")],
        mutually_exclusive=[("name", "users")],
        supports_check_mode=True,
    )
    specs = desired_users(module.params)
    purge = module.params["purge"]
    try:
        validate_users(specs, purge, module.params["sasl_username"])
    except PlanError as exc:
        module.fail_json(msg="Invalid request, nothing was changed: %s" % exc)

    client = KafkaClient(module)
    # Purging needs every user of the cluster; otherwise only the declared ones are read.
    actual = client.scram_credentials(None if purge else [s["name"] for s in specs])
    passwords = dict((s["name"], s["password"]) for s in specs)
    login_ok = dict(((user, mech), client.scram_login(user, passwords[user], mech))
                    for user, mech in login_checks(specs, actual))
    plan = plan_users(specs, actual, login_ok, purge)

    if not module.check_mode and (plan["upsert"] or plan["delete"]):
        for batch in alteration_rounds(plan):
            alterations = [UserScramCredentialDeletion(a[1], a[2]) if a[0] == "delete" else
                           UserScramCredentialUpsertion(a[1], a[2], passwords[a[1]], iterations=a[3])
                           for a in batch]
            result = client.call("alter", "SCRAM credentials", client.admin.alter_user_scram_credentials,
                                 alterations)
            client.raise_for_results("alter SCRAM credentials", sorted(result.items()))
        if client.sasl:
            for user, mech, _iterations in plan["upsert"]:
                client.wait_for_login(user, passwords[user], mech, module.params["login_timeout"])
    client.close()

    users = {}
    for spec in specs:
        creds = dict(actual.get(spec["name"], {}))
        if spec["state"] == "absent":
            creds = {}
        else:
            creds[spec["mechanism"]] = spec["iterations"]
        users[spec["name"]] = creds
    result = dict(changed=bool(plan["changes"]), changes=plan["changes"], users=users)
    if module._diff:
        result["diff"] = plan["diff"]
    module.exit_json(**result)


if __name__ == "__main__":
    main()
