#!/usr/bin/python
# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: file_set
short_description: Directories and files of a service on one host, in one round trip
version_added: 0.2.0
description:
  - Makes a set of directories and files on the host exactly as declared (content, owner, group
    and mode), removes what is declared absent and what is not declared in the purged
    directories, and reports each path it changed.
  - One task for what would otherwise be a task per file (a template or copy task costs two
    remote module runs per file even when nothing changes). The roles render the content on the
    controller with the P(ansible.builtin.template#lookup) lookup.
  - The whole request and the host's state are checked before the first change; any broken rule
    (a relative path, a bad mode, an unknown owner, a missing parent directory, a directory where
    a file should be) fails the task and changes nothing.
  - Files are written to a temporary file in the same directory, with their owner and mode set,
    and renamed into place, so a reader never sees a partial file or one with the wrong mode. A
    link where a file should be is refused, not followed or replaced.
  - In check mode an owner or group the host does not have yet is not an error (the same run
    creates it first); the paths it owns are predicted to change.
  - The module logs nothing on the host (no C(Invoked with) line in the journal), since its
    arguments hold the files' content and secrets.
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  idempotent:
    support: full
options:
  directories:
    description:
      - Directories to create or correct, in order. Missing parents are created with the
        directory's owner and mode (as C(mkdir -p) and M(ansible.builtin.file) do). A link to a
        directory stands for that directory. Existing content is left alone.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: Absolute path.
        type: path
        required: true
      owner:
        description: User name.
        type: str
        required: true
      group:
        description: Group name.
        type: str
        required: true
      mode:
        description:
          - Octal mode as a quoted string, such as C("0750") or C("2750"). An unquoted C(0750) is
            refused (YAML reads it as the number 488).
        type: raw
        required: true
  files:
    description:
      - Regular files with their full content. Each one's directory must exist or be in
        O(directories).
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: Absolute path.
        type: path
        required: true
      content:
        description: The content (text). Exactly one of this and O(files[].secret_content).
        type: str
      secret_content:
        description:
          - Content that holds a secret (a password, a key). It is never logged and C(--diff)
            shows only that it changes.
        type: str
      owner:
        description: User name.
        type: str
        required: true
      group:
        description: Group name.
        type: str
        required: true
      mode:
        description: Octal mode as a quoted string, such as C("0640").
        type: raw
        required: true
  purge:
    description:
      - Directories whose files and links not in O(files) or O(directories) are removed (for
        example the resources directory of a Dapr sidecar, so that a component taken out of the
        design is no longer loaded). Subdirectories are not removed; an undeclared one fails
        the task.
    type: list
    elements: path
    default: []
  absent:
    description: Files or links to remove where they exist (directories are refused).
    type: list
    elements: path
    default: []
notes:
  - Needs root (C(become)) on the managed host to set owners.
extends_documentation_fragment:
  - digital_fte.event_backbone.attributes
author:
  - Digital FTE platform team (@digital-fte)
"""

EXAMPLES = r"""
- name: Write the resources of a sidecar and remove the ones it no longer loads
  digital_fte.event_backbone.file_set:
    directories:
      - {path: /etc/dapr/orders, owner: root, group: dapr, mode: "0750"}
      - {path: /etc/dapr/orders/resources, owner: root, group: dapr, mode: "0750"}
    files:
      - path: /etc/dapr/orders/resources/component-pubsub.yaml
        content: "{{ lookup('ansible.builtin.template', 'pubsub-kafka.yaml.j2') }}"
        owner: root
        group: dapr
        mode: "0640"
      - path: /etc/dapr/orders/secrets.json
        secret_content: "{{ {'pubsub': orders_password} | to_nice_json }}\n"
        owner: dapr
        group: dapr
        mode: "0600"
    purge: [/etc/dapr/orders/resources]
  register: orders_files

- name: Restart the sidecar when one of its files changed
  ansible.builtin.systemd_service:
    name: daprd-orders.service
    state: restarted
  when: orders_files.changed_paths | length > 0
"""

RETURN = r"""
changed_paths:
  description: Every path created, written, corrected or removed (predicted in check mode), in order.
  returned: always
  type: list
  elements: str
  sample: [/etc/dapr/orders/resources/component-pubsub.yaml]
actions:
  description: What was done (or would be, in check mode) to each changed path.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The path.
      type: str
    action:
      description: C(mkdir), C(write), C(attributes) (owner, group or mode only) or C(remove).
      type: str
  sample: [{path: /etc/dapr/orders/resources/component-pubsub.yaml, action: write}]
"""

import grp
import os
import pwd
import stat
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.digital_fte.event_backbone.plugins.module_utils._files import diffs, plan, request_errors

ENTRY = {"path": {"type": "path", "required": True}, "owner": {"type": "str", "required": True},
         "group": {"type": "str", "required": True}, "mode": {"type": "raw", "required": True}}


def read_path(path, want_entries):
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        # A link to a directory stands for the directory (/var/lib/dapr -> /data/dapr); a link
        # where a file should be is refused by the plan.
        try:
            target = os.stat(path)
        except FileNotFoundError:
            target = None
        if target is not None and stat.S_ISDIR(target.st_mode):
            info = target
    kind = ("dir" if stat.S_ISDIR(info.st_mode) else "file" if stat.S_ISREG(info.st_mode)
            else "link" if stat.S_ISLNK(info.st_mode) else "other")
    have = {"kind": kind, "uid": info.st_uid, "gid": info.st_gid, "mode": stat.S_IMODE(info.st_mode)}
    if kind == "file":
        with open(path, "rb") as handle:
            have["content"] = handle.read()
    if kind == "dir" and want_entries:
        have["entries"] = os.listdir(path)
    return have


def lookup_ids(entries):
    ids = {}
    for entry in entries:
        for kind, name, get in (("user", entry["owner"], lambda n: pwd.getpwnam(n).pw_uid),
                                ("group", entry["group"], lambda n: grp.getgrnam(n).gr_gid)):
            if (kind, name) not in ids:
                try:
                    ids[(kind, name)] = get(name)
                except KeyError:
                    ids[(kind, name)] = None
    return ids


def read_host(directories, files, purge, absent):
    paths = [e["path"] for e in directories + files] + absent
    paths += [os.path.dirname(path) for path in paths]
    actual = {path: read_path(path, False) for path in set(paths)}
    # The missing parents of a directory, up to the first that exists.
    for entry in directories:
        parent = os.path.dirname(entry["path"])
        while actual.get(parent, False) is None and parent != os.path.dirname(parent):
            parent = os.path.dirname(parent)
            if parent not in actual:
                actual[parent] = read_path(parent, False)
    for directory in purge:
        actual[directory] = read_path(directory, True)
        for name in (actual[directory] or {}).get("entries") or []:
            path = os.path.join(directory, name)
            if path not in actual:
                actual[path] = read_path(path, False)
    return actual


def write_file(act):
    handle, temp = tempfile.mkstemp(dir=os.path.dirname(act["path"]), prefix=".%s." % os.path.basename(act["path"]))
    try:
        with os.fdopen(handle, "wb") as out:
            os.fchown(out.fileno(), act["uid"], act["gid"])
            os.fchmod(out.fileno(), act["mode"])
            out.write(act["content"])
            out.flush()
            os.fsync(out.fileno())
        os.rename(temp, act["path"])
    except BaseException:
        if os.path.lexists(temp):
            os.unlink(temp)
        raise


def apply(act):
    if act["action"] == "mkdir":
        os.mkdir(act["path"], act["mode"])
        os.chown(act["path"], act["uid"], act["gid"])
        os.chmod(act["path"], act["mode"])
    elif act["action"] == "write":
        write_file(act)
    elif act["action"] == "attributes":
        os.chown(act["path"], act["uid"], act["gid"])
        os.chmod(act["path"], act["mode"])
    else:
        os.unlink(act["path"])


class QuietModule(AnsibleModule):
    """No "Invoked with" line in the host's journal: it would hold every file's content, and
    its masking misses a no_log value of several lines (it masks the list's repr, where the
    newlines are escaped). AnsibleModule(no_log=True) does not help: the task's own no_log
    setting overrides it."""

    def _log_invocation(self):
        pass


def main():
    module = QuietModule(
        argument_spec={
            "directories": {"type": "list", "elements": "dict", "default": [], "options": ENTRY},
            "files": {"type": "list", "elements": "dict", "default": [],
                      "options": dict(ENTRY, content={"type": "str"}, secret_content={"type": "str", "no_log": True})},
            "purge": {"type": "list", "elements": "path", "default": []},
            "absent": {"type": "list", "elements": "path", "default": []},
        },
        supports_check_mode=True,
    )
    directories, files = module.params["directories"], module.params["files"]
    purge, absent = module.params["purge"], module.params["absent"]
    errors = request_errors(directories, files, purge, absent)
    if errors:
        module.fail_json(msg="Refused, nothing changed: " + "; ".join(errors))
    try:
        actual = read_host(directories, files, purge, absent)
    except OSError as exc:
        module.fail_json(msg="Unable to read the host's files, nothing changed: %s" % exc)
    actions, errors = plan(directories, files, purge, absent, actual, lookup_ids(directories + files), module.check_mode)
    if errors:
        module.fail_json(msg="Refused, nothing changed: " + "; ".join(errors))

    result = {"changed": bool(actions), "changed_paths": [a["path"] for a in actions],
              "actions": [{"path": a["path"], "action": a["action"]} for a in actions]}
    if module._diff:
        result["diff"] = diffs(actions)
    if not module.check_mode:
        done = 0
        try:
            for act in actions:
                apply(act)
                done += 1
        except OSError as exc:
            module.fail_json(msg="Unable to %s %s: %s (done before it: %s)"
                             % (actions[done]["action"], actions[done]["path"], exc,
                                ", ".join(result["changed_paths"][:done]) or "nothing"),
                             changed=done > 0, changed_paths=result["changed_paths"][:done])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
