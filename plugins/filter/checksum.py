# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""Filter checksum_digest: the hex digest in a published checksum file."""

from __future__ import annotations

import re

from ansible.errors import AnsibleFilterError

DOCUMENTATION = r"""
name: checksum_digest
short_description: The hex digest in a published checksum file
version_added: 0.1.0
description:
  - Reads the digest out of the text of a C(.sha256) or C(.sha512) file as download sites
    publish them, for use as C(ansible.builtin.get_url)'s O(ansible.builtin.get_url#module:checksum).
  - "Understands the C(sha512sum) format (C(HEX  NAME), one line per file, picking the line for
    the named file), the C(gpg --print-md) format Apache uses (C(NAME: HEX HEX ...) over several
    lines), and a bare digest."
options:
  _input:
    description: The checksum file's text, or a digest.
    type: str
    required: true
  name:
    description: The file name to pick where the text lists several files.
    type: str
    required: false
"""

EXAMPLES = r"""
- name: Download with the published checksum
  ansible.builtin.get_url:
    url: "{{ url }}"
    dest: /tmp/kafka.tgz
    checksum: "sha512:{{ lookup('ansible.builtin.url', url ~ '.sha512') | digital_fte.event_backbone.checksum_digest('kafka.tgz') }}"
"""

RETURN = r"""
_value:
  description: The digest, lower-case hex.
  type: str
"""

_HEX = re.compile(r"^[0-9a-f]{64}$|^[0-9a-f]{128}$")


def checksum_digest(text, name=None):
    """Return the lower-case hex digest that `text` publishes for `name`."""
    if not isinstance(text, str) or not text.strip():
        raise AnsibleFilterError("checksum_digest: empty checksum text")
    stripped = text.strip()
    # gpg --print-md: "NAME: 1A2B 3C4D ..." folded over several lines.
    head, sep, tail = stripped.partition(":")
    if sep and " " not in head.strip() and not _HEX.match(head.strip().lower()):
        digest = re.sub(r"\s+", "", tail).lower()
    else:
        digest = None
        for line in stripped.splitlines():
            fields = line.split()
            if not fields:
                continue
            listed = fields[1].lstrip("*") if len(fields) > 1 else None
            if name is None or listed is None or listed == name:
                digest = fields[0].lower()
                break
        if digest is None:
            raise AnsibleFilterError("checksum_digest: no checksum for %s in the checksum file" % name)
    if not _HEX.match(digest):
        raise AnsibleFilterError("checksum_digest: %r is not a sha256 or sha512 hex digest" % digest)
    return digest


class FilterModule:
    """Checksum filters."""

    def filters(self):
        return {"checksum_digest": checksum_digest}
