# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""Filter systemctl_show: the properties of each unit in the output of `systemctl show`."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

DOCUMENTATION = r"""
name: systemctl_show
short_description: The properties of each unit that one C(systemctl show) printed
version_added: 0.2.0
description:
  - "Parses the output of C(systemctl show --property=Id,... UNIT...) (one block of
    C(NAME=VALUE) lines a unit, a blank line between blocks) into a dict keyed by each
    unit's C(Id), so that one remote call reads the state of many units."
options:
  _input:
    description: The command's standard output; the properties must include C(Id).
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Read the state of the sidecars in one call
  ansible.builtin.command:
    argv: [systemctl, show, "--property=Id,LoadState,ActiveState,UnitFileState", --, daprd-a.service, daprd-b.service]
  register: state
  changed_when: false

- name: Start the sidecars that are not running
  ansible.builtin.systemd_service:
    name: "{{ item }}"
    state: started
  loop: "{{ (state.stdout | digital_fte.event_backbone.systemctl_show).values() | rejectattr('ActiveState', 'eq', 'active') | map(attribute='Id') }}"
"""

RETURN = r"""
_value:
  description: "Each unit's properties by its C(Id), for example C({\"a.service\": {\"Id\": \"a.service\", \"ActiveState\": \"active\"}})."
  type: dict
"""


def systemctl_show(text):
    """Return {Id: {property: value}} for each block of `text`."""
    if not isinstance(text, str):
        raise AnsibleFilterError("systemctl_show: expected the text systemctl show printed, got %s" % type(text).__name__)
    units = {}
    for block in text.strip().split("\n\n"):
        if not block.strip():
            continue
        props = {}
        for line in block.splitlines():
            name, sep, value = line.partition("=")
            if not sep:
                raise AnsibleFilterError("systemctl_show: %r is not a NAME=VALUE line" % line)
            props[name] = value
        if "Id" not in props:
            raise AnsibleFilterError("systemctl_show: a block has no Id property (add Id to --property)")
        units[props["Id"]] = props
    return units


class FilterModule:
    """systemd filters."""

    def filters(self):
        return {"systemctl_show": systemctl_show}
