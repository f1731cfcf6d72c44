#!/usr/bin/python
# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: reserved_ports
short_description: Keep the listener ports of a service out of the host's ephemeral port range
version_added: 0.1.0
description:
  - Reserves ports in the kernel setting C(net.ipv4.ip_local_reserved_ports), so that no outgoing
    connection of the host can take one of them as its local port before the service that
    listens on it starts (Linux hands out ephemeral ports from C(net.ipv4.ip_local_port_range),
    32768-60999 by default, which holds ports such as Dapr's 50001 or 50100).
  - Several roles reserve ports on one host and the kernel keeps one list, so each I(owner) keeps
    its ports in a file of O(registry_dir) and the host reserves their union, at once and at every
    boot (O(sysctl_file)).
  - The live setting keeps reservations made by others; it loses only ports this module reserved
    before and no owner reserves any more.
  - Where the kernel setting cannot be written now (a container with a read-only C(/proc/sys)),
    the files are still written, the module warns, and the reservation applies at the next boot.
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  idempotent:
    support: full
options:
  owner:
    description:
      - Who reserves the ports, for example C(dapr) or C(kafka). Each owner's list replaces its
        previous one and leaves the other owners' alone.
    type: str
    required: true
  ports:
    description:
      - The ports to reserve for O(owner), whether or not they lie in the ephemeral range now (the
        range may be widened later). An empty list removes the owner's reservation.
    type: list
    elements: int
    required: true
  registry_dir:
    description:
      - Where each owner's ports are kept, one file C(<owner>.ports) each.
    type: path
    default: /etc/digital_fte/reserved-ports
  sysctl_file:
    description:
      - The C(sysctl.d) file that reserves the union of every owner's ports at boot.
    type: path
    default: /etc/sysctl.d/60-digital-fte-reserved-ports.conf
notes:
  - Needs root (C(become)) on the managed host.
extends_documentation_fragment:
  - digital_fte.event_backbone.attributes
author:
  - Digital FTE platform team (@digital-fte)
"""

EXAMPLES = r"""
- name: Reserve the listener ports of the Dapr sidecars
  digital_fte.event_backbone.reserved_ports:
    owner: dapr
    ports: [3500, 50001, 50002, 50005, 9090]

- name: Drop the reservation of a removed service
  digital_fte.event_backbone.reserved_ports:
    owner: legacy
    ports: []
"""

RETURN = r"""
reserved:
  description: The ports reserved by every owner of this host together, in the kernel's form.
  returned: always
  type: str
  sample: "3500,9090,50001-50002,50005"
live:
  description: The kernel's reserved ports after the run (predicted in check mode).
  returned: always
  type: str
  sample: "3500,9090,50001-50002,50005"
live_applied:
  description: Whether the kernel setting holds the reservation now (false where it cannot be written).
  returned: always
  type: bool
"""

import errno
import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.digital_fte.event_backbone.plugins.module_utils._ports import (
    PortsError, format_ports, parse_ports, plan, request_errors)

LIVE_PATH = "/proc/sys/net/ipv4/ip_local_reserved_ports"
HEADER = ("# Managed by digital_fte.event_backbone (module reserved_ports): the ports every owner in\n"
          "# %s reserves, kept out of the ephemeral port range.")


def read_text(path):
    try:
        with open(path) as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def read_registry(registry_dir):
    registry = {}
    if os.path.isdir(registry_dir):
        for name in sorted(os.listdir(registry_dir)):
            if name.endswith(".ports"):
                path = os.path.join(registry_dir, name)
                registry[name[:-len(".ports")]] = parse_ports(read_text(path), path)
    return registry


def main():
    module = AnsibleModule(
        argument_spec={
            "owner": {"type": "str", "required": True},
            "ports": {"type": "list", "elements": "int", "required": True},
            "registry_dir": {"type": "path", "default": "/etc/digital_fte/reserved-ports"},
            "sysctl_file": {"type": "path", "default": "/etc/sysctl.d/60-digital-fte-reserved-ports.conf"},
        },
        supports_check_mode=True,
    )
    owner, ports = module.params["owner"], module.params["ports"]
    registry_dir, sysctl_file = module.params["registry_dir"], module.params["sysctl_file"]
    errors = request_errors(owner, ports)
    if errors:
        module.fail_json(msg="Refused, nothing changed: " + "; ".join(errors))

    try:
        registry = read_registry(registry_dir)
        live_text = read_text(LIVE_PATH)
        if live_text is None:
            module.fail_json(msg="Unable to reserve ports: %s does not exist (not a Linux host with IPv4?)" % LIVE_PATH)
        live = parse_ports(live_text, LIVE_PATH)
    except (PortsError, OSError) as exc:
        module.fail_json(msg="Unable to read the reserved ports: %s" % exc)

    result = plan(owner, ports, registry, live, HEADER % registry_dir)
    sysctl_before = read_text(sysctl_file)
    sysctl_changed = sysctl_before != result["sysctl"]
    changed = result["registry_changed"] or sysctl_changed or result["live_changed"]
    live_applied = True
    diff = [
        {"before_header": sysctl_file, "after_header": sysctl_file,
         "before": sysctl_before or "", "after": result["sysctl"] or ""},
        {"before_header": LIVE_PATH, "after_header": LIVE_PATH,
         "before": format_ports(live) + "\n", "after": format_ports(result["live"]) + "\n"},
    ]

    if changed and not module.check_mode:
        registry_file = os.path.join(registry_dir, owner + ".ports")
        try:
            if result["registry"] is None:
                if os.path.exists(registry_file):
                    os.unlink(registry_file)
            else:
                os.makedirs(registry_dir, mode=0o755, exist_ok=True)
                write_atomic(module, registry_file, format_ports(result["registry"]) + "\n")
            if result["sysctl"] is None:
                if sysctl_before is not None:
                    os.unlink(sysctl_file)
            elif sysctl_changed:
                write_atomic(module, sysctl_file, result["sysctl"])
        except OSError as exc:
            module.fail_json(msg="Unable to write the reserved ports of %s: %s" % (owner, exc))
        if result["live_changed"]:
            try:
                with open(LIVE_PATH, "w") as handle:
                    handle.write(format_ports(result["live"]) + "\n")
            except OSError as exc:
                if exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
                    module.fail_json(msg="Unable to set %s: %s" % (LIVE_PATH, exc))
                live_applied = False
                module.warn("The reserved ports of %s are written to %s but cannot be applied now (%s): "
                            "outgoing connections may take them until the next boot" % (owner, sysctl_file, exc))
            if live_applied:
                applied = parse_ports(read_text(LIVE_PATH), LIVE_PATH)
                if not result["union"] <= applied:
                    module.fail_json(msg="The kernel did not keep the reserved ports %s (%s reads %s)"
                                     % (format_ports(result["union"] - applied), LIVE_PATH, format_ports(applied)))

    module.exit_json(changed=changed, reserved=format_ports(result["union"]),
                     live=format_ports(result["live"] if live_applied else live),
                     live_applied=live_applied and (not module.check_mode or not result["live_changed"]),
                     diff=diff if changed else {})


def write_atomic(module, path, content):
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "w") as handle:
        handle.write(content)
    os.chmod(tmp, 0o644)
    module.atomic_move(tmp, path)


if __name__ == "__main__":
    main()
