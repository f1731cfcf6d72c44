#!/usr/bin/python
# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: kafka_health
short_description: The restart gates of a Kafka node, judged on the node with Kafka's own tools
version_added: 0.3.0
description:
  - Runs on a Kafka node (the kafka role's restart gates delegate it there) and asks the cluster
    through the admin tool wrappers the kafka role installs in O(tools_dir) (C(kafka-topics),
    C(kafka-metadata-quorum), C(kafka-cluster)), all at once. It needs no Python library on the
    node and no connection from the controller.
  - O(check=stop) passes when O(node_id) may stop - no partition whose ISR holds it is at or
    under its C(min.insync.replicas) while a replica out of sync could have carried it.
  - O(check=healthy) passes when the node is back - a broker registered and unfenced, no
    under-replicated, under-min-ISR or offline partition, a metadata quorum leader, every voter
    caught up, and a controller among the voters.
  - A check that does not pass fails the task, naming every problem, so C(until) with
    C(retries) waits for it. A tool that fails never passes a check.
  - The rules are the ones M(digital_fte.event_backbone.kafka_info) applies with O(digital_fte.event_backbone.kafka_info#module:gather=health).
options:
  check:
    description: Which gate.
    type: str
    choices: [stop, healthy]
    required: true
  node_id:
    description: The node's C(node.id).
    type: int
    required: true
  process_roles:
    description: The node's C(process.roles).
    type: list
    elements: str
    choices: [broker, controller]
    required: true
  tools_dir:
    description: Where the kafka role's admin tool wrappers are (C(kafka_wrapper_dir)).
    type: path
    default: /usr/local/bin
  quorum_max_lag:
    description: The largest lag (records) of a voter behind the quorum leader that counts as caught up.
    type: int
    default: 1000
  quorum_max_lag_ms:
    description: The longest time (ms) since a voter was last caught up at which it still counts as
      caught up, against the newest fetch the leader saw (the leader's clock).
    type: int
    default: 10000
extends_documentation_fragment:
  - digital_fte.event_backbone.attributes
  - digital_fte.event_backbone.attributes.info_module
author:
  - Digital FTE platform team (@digital-fte)
"""

EXAMPLES = r"""
- name: Wait until node 2 may stop
  digital_fte.event_backbone.kafka_health:
    check: stop
    node_id: 2
    process_roles: [broker, controller]
  register: gate
  until: gate is not failed
  retries: 60
  delay: 5
"""

RETURN = r"""
problems:
  description: What keeps the check from passing; empty when it passes.
  returned: always
  type: list
  elements: str
  sample: ["1 under-replicated partitions", "voters behind the quorum leader: 3(lag 91, caught up 20 ms before the newest fetch)"]
msg:
  description: The verdict in one line.
  returned: always
  type: str
  sample: "node 2 healthy: 0 under-replicated, 0 under-min-ISR, 0 offline partitions; quorum leader 1, voters caught up"
"""

import os
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.digital_fte.event_backbone.plugins.module_utils import _health


def run_tools(module, commands):
    """Runs every command at once (each JVM takes seconds to start); ({name: stdout}, the problem
    naming the first tool that failed or None)."""
    tools_dir = module.params["tools_dir"]

    def run(argv):
        path = os.path.join(tools_dir, argv[0])
        if not os.access(path, os.X_OK):
            return None, "cannot run %s" % path
        rc, out, err = module.run_command([path] + argv[1:])
        return out, None if rc == 0 else (" ".join(err.strip().splitlines()[-3:]) or "exit %d" % rc)

    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        answers = dict(zip(commands, pool.map(run, commands.values())))
    failed = [("%s failed: %s" % (name, error)) for name, (_out, error) in answers.items() if error]
    return {name: out for name, (out, _error) in answers.items()}, (failed[0] if failed else None)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            check=dict(type="str", choices=["stop", "healthy"], required=True),
            node_id=dict(type="int", required=True),
            process_roles=dict(type="list", elements="str", choices=["broker", "controller"], required=True),
            tools_dir=dict(type="path", default="/usr/local/bin"),
            quorum_max_lag=dict(type="int", default=1000),
            quorum_max_lag_ms=dict(type="int", default=10000),
        ),
        supports_check_mode=True,
    )
    node, roles, check = module.params["node_id"], module.params["process_roles"], module.params["check"]
    if check == "stop":
        commands = {"at-min-isr": ["kafka-topics", "--describe", "--at-min-isr-partitions"],
                    "under-min-isr": ["kafka-topics", "--describe", "--under-min-isr-partitions"]}
    else:
        commands = {"topics": ["kafka-topics", "--describe"],
                    "under-min-isr": ["kafka-topics", "--describe", "--under-min-isr-partitions"],
                    "quorum-status": ["kafka-metadata-quorum", "describe", "--status"],
                    "quorum-replication": ["kafka-metadata-quorum", "describe", "--replication"]}
        if "broker" in roles:
            commands["endpoints"] = ["kafka-cluster", "list-endpoints", "--include-fenced-brokers"]
    outputs, failed = run_tools(module, commands)
    if failed:
        module.fail_json(msg="node %d: %s" % (node, failed), problems=[failed])
    if check == "stop":
        blocking = _health.stop_blockers(
            _health.parse_partitions(outputs["at-min-isr"] + outputs["under-min-isr"]), node)
        if blocking:
            module.fail_json(msg="node %d must not stop: without it these partitions drop below "
                                 "min.insync.replicas: %s" % (node, " ".join(blocking)), problems=blocking)
        module.exit_json(changed=False, problems=[],
                         msg="node %d may stop: no partition depends on it to stay at min.insync.replicas" % node)
    leader = _health.parse_quorum_leader(outputs["quorum-status"])
    found = _health.problems(
        _health.parse_partitions(outputs["topics"]), _health.parse_partitions(outputs["under-min-isr"]),
        leader, _health.parse_quorum_replication(outputs["quorum-replication"]),
        module.params["quorum_max_lag"], module.params["quorum_max_lag_ms"],
        brokers=_health.parse_broker_states(outputs["endpoints"]) if "endpoints" in outputs else None,
        node=node, roles=roles)
    if found:
        module.fail_json(msg="node %d not healthy yet: %s" % (node, "; ".join(found)), problems=found)
    module.exit_json(changed=False, problems=[], msg=(
        "node %d healthy: %s0 under-replicated, 0 under-min-ISR, 0 offline partitions; quorum leader %d, "
        "voters caught up" % (node, "broker unfenced, " if "broker" in roles else "", leader)))


if __name__ == "__main__":
    main()
