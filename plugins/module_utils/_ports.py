# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""Reserved local ports (net.ipv4.ip_local_reserved_ports): parsing and the plan, without a host.

A port in the host's ephemeral range can be taken as the local port of any outgoing
connection just before a service binds it. Reserving it keeps the kernel from handing it
out. Several roles reserve ports on one host, and the kernel knows one list, so each role
(an `owner`) keeps its ports in a registry file and the host gets their union.
"""

from __future__ import annotations

import re

OWNER_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class PortsError(ValueError):
    """A request or a kernel value that is not valid; nothing was changed."""


def parse_ports(text, where):
    """The ports of a kernel-style list such as ``"8080,50100-50104"`` (empty: none)."""
    ports = set()
    for part in (text or "").replace("\n", ",").split(","):
        part = part.strip()
        if not part:
            continue
        match = re.match(r"^(\d+)(?:-(\d+))?$", part)
        if not match:
            raise PortsError("%s: %r is not a port or a range of ports" % (where, part))
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if not 1 <= low <= high <= 65535:
            raise PortsError("%s: %r is not a range within 1-65535" % (where, part))
        ports.update(range(low, high + 1))
    return ports


def format_ports(ports):
    """The kernel's own form of a set of ports: sorted, runs folded into ranges."""
    runs = []
    for port in sorted(ports):
        if runs and port == runs[-1][1] + 1:
            runs[-1][1] = port
        else:
            runs.append([port, port])
    return ",".join(str(low) if low == high else "%d-%d" % (low, high) for low, high in runs)


def request_errors(owner, ports):
    """Every problem of a request, each naming the option and the rule."""
    errors = []
    if not OWNER_PATTERN.match(owner or ""):
        errors.append("owner: %r must start with a letter or digit and hold only letters, digits, '_', '.' "
                      "and '-' (it names a file)" % (owner,))
    for index, port in enumerate(ports):
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            errors.append("ports[%d]: %r is not a port number (1-65535)" % (index, port))
    return errors


def sysctl_content(ports, header):
    """The sysctl.d file that reserves `ports` at boot (None: no file is needed)."""
    if not ports:
        return None
    return "%s\nnet.ipv4.ip_local_reserved_ports = %s\n" % (header, format_ports(ports))


def plan(owner, ports, registry, live, header):
    """What to change so that `owner` reserves exactly `ports`.

    `registry` maps each owner to the ports it reserved before; `live` is the kernel's set
    now. The host file reserves the union of every owner's ports. The live set keeps what
    others reserved (an admin's own reservations included) and loses only the ports this
    collection reserved before and no owner wants now.
    Returns a dict: registry (the owner's new entry, None to remove it), registry_changed,
    union, sysctl (the file's content, None for no file), live (the kernel's new set) and
    live_changed.
    """
    ports = set(ports)
    before_all = set().union(*registry.values()) if registry else set()
    others = {name: value for name, value in registry.items() if name != owner}
    union = set(ports).union(*others.values()) if others else set(ports)
    released = before_all - union
    new_live = (set(live) - released) | union
    return {
        "registry": ports or None,
        "registry_changed": registry.get(owner, set()) != ports,
        "union": union,
        "sysctl": sysctl_content(union, header),
        "live": new_live,
        "live_changed": new_live != set(live),
    }
