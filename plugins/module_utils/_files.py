# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""A set of directories and files on one host: the request's rules and the plan, without a host.

The module reads the host once (`actual`), the plan says what to do, and the module applies it:
one round trip for what a role would otherwise write with a task (and two remote module runs) a
file.
"""

from __future__ import annotations

import os
import re

from ansible_collections.digital_fte.event_backbone.plugins.module_utils._common import diff_record

MODE_PATTERN = re.compile(r"^[0-7]{3,4}$")
SECRET_NOT_SHOWN = "(secret content, not shown)\n"


def _where(kind, index, path):
    return "%s[%d] (%s)" % (kind, index, path) if path else "%s[%d]" % (kind, index)


def _normalised(path):
    return path.startswith("/") and os.path.normpath(path) == path


def request_errors(directories, files, purge, absent):
    """Every rule the request breaks, each naming the entry and the rule (empty: valid)."""
    errors = []
    seen = {}
    for kind, entries in (("directories", directories), ("files", files)):
        for index, entry in enumerate(entries):
            path = entry.get("path") or ""
            where = _where(kind, index, path)
            if not _normalised(path):
                errors.append("%s.path must be an absolute, normalised path" % where)
            elif path in seen:
                errors.append("%s.path is declared twice (also %s)" % (where, seen[path]))
            else:
                seen[path] = where
            mode = entry.get("mode")
            if not isinstance(mode, str) or not MODE_PATTERN.match(mode):
                # YAML reads an unquoted 0640 as the number 416.
                errors.append("%s.mode must be a quoted octal mode such as '0640' (got %r)" % (where, mode))
            for field in ("owner", "group"):
                if not entry.get(field):
                    errors.append("%s.%s is required" % (where, field))
            if kind == "files" and (entry.get("content") is None) == (entry.get("secret_content") is None):
                errors.append("%s needs exactly one of content and secret_content" % where)
    for index, path in enumerate(absent):
        where = _where("absent", index, path)
        if not _normalised(path):
            errors.append("%s must be an absolute, normalised path" % where)
        elif path in seen:
            errors.append("%s is also declared in %s" % (where, seen[path]))
    for index, path in enumerate(purge):
        if not _normalised(path):
            errors.append("%s must be an absolute, normalised path" % _where("purge", index, path))
    return errors


def _mode(text):
    return int(str(text), 8)


def plan(directories, files, purge, absent, actual, ids, check_mode=False):
    """What to do, in order, from the request and what the host holds.

    `actual` maps a path to None (missing) or a dict with `kind` (dir, file, link, other), `uid`,
    `gid`, `mode` (int) and, for files, `content` (bytes); `actual[dir]["entries"]` lists the
    names in each purged directory. A link to a directory reads as that directory. `ids` maps
    ("user", name) and ("group", name) to numbers, None for a name the host does not know.

    A directory whose parents are missing gets them created with its owner and mode, as
    `mkdir -p` and the file module do. In check mode an unknown owner or group is not an error
    (an earlier task of the same run creates it) and its path is predicted to change.

    Returns (actions, errors). An action is a dict with `action` (mkdir, write, attributes or
    remove), `path`, and what the apply step needs. Any error means nothing may be applied.
    """
    actions, errors = [], []
    declared = set()

    def wanted_ids(kind, index, entry):
        uid, gid = ids.get(("user", entry["owner"])), ids.get(("group", entry["group"]))
        where = _where(kind, index, entry["path"])
        if uid is None and not check_mode:
            errors.append("%s.owner: no user %r on this host" % (where, entry["owner"]))
        if gid is None and not check_mode:
            errors.append("%s.group: no group %r on this host" % (where, entry["group"]))
        return uid, gid

    def attributes_differ(have, uid, gid, mode):
        return (have["uid"], have["gid"], have["mode"]) != (uid, gid, mode)

    planned_dirs = set()
    for index, entry in enumerate(directories):
        path = entry["path"]
        declared.add(path)
        uid, gid = wanted_ids("directories", index, entry)
        mode = _mode(entry["mode"])
        have = actual.get(path)
        if have is None:
            missing = [path]
            parent = os.path.dirname(path)
            while parent not in planned_dirs and actual.get(parent) is None and parent != os.path.dirname(parent):
                missing.insert(0, parent)
                parent = os.path.dirname(parent)
            if parent not in planned_dirs and (actual.get(parent) or {}).get("kind") != "dir":
                errors.append("%s: its parent %s is a %s, not a directory"
                              % (_where("directories", index, path), parent, (actual.get(parent) or {}).get("kind")))
            for new in missing:
                planned_dirs.add(new)
                actions.append({"action": "mkdir", "path": new, "uid": uid, "gid": gid, "mode": mode})
        elif have["kind"] != "dir":
            errors.append("%s: the host has a %s there, not a directory; remove it first"
                          % (_where("directories", index, path), have["kind"]))
        elif attributes_differ(have, uid, gid, mode):
            actions.append({"action": "attributes", "path": path, "uid": uid, "gid": gid, "mode": mode, "before": have})

    for index, entry in enumerate(files):
        path = entry["path"]
        declared.add(path)
        uid, gid = wanted_ids("files", index, entry)
        mode = _mode(entry["mode"])
        secret = entry.get("secret_content") is not None
        content = (entry["secret_content"] if secret else entry["content"]).encode("utf-8")
        have = actual.get(path)
        parent = os.path.dirname(path)
        if parent not in planned_dirs and (actual.get(parent) or {}).get("kind") != "dir":
            errors.append("%s: its directory %s does not exist and is not in directories"
                          % (_where("files", index, path), parent))
        if have is not None and have["kind"] != "file":
            errors.append("%s: the host has a %s there, not a regular file; remove it first"
                          % (_where("files", index, path), have["kind"]))
        elif have is None or have["content"] != content:
            actions.append({"action": "write", "path": path, "uid": uid, "gid": gid, "mode": mode,
                            "content": content, "secret": secret, "before": have})
        elif attributes_differ(have, uid, gid, mode):
            actions.append({"action": "attributes", "path": path, "uid": uid, "gid": gid, "mode": mode, "before": have})

    removals = [(_where("absent", index, path), path) for index, path in enumerate(absent)]
    for directory in purge:
        for name in sorted((actual.get(directory) or {}).get("entries") or []):
            path = os.path.join(directory, name)
            if path not in declared:
                removals.append(("purge %s" % directory, path))
    for where, path in removals:
        have = actual.get(path)
        if have is None or any(a["path"] == path for a in actions if a["action"] == "remove"):
            continue
        if have["kind"] == "dir":
            errors.append("%s: %s is a directory; only files and links are removed" % (where, path))
        else:
            actions.append({"action": "remove", "path": path, "before": have})
    return actions, errors


def _attributes_text(uid, gid, mode):
    return "uid=%s gid=%s mode=%04o\n" % (uid, gid, mode)


def diffs(actions):
    """The --diff of the plan: one entry a path. Secret files and removed files show no content."""
    out = []
    for act in actions:
        path, before = act["path"], act.get("before")
        if act["action"] == "mkdir":
            out.append(diff_record(path, "", "(directory)\n"))
        elif act["action"] == "remove":
            out.append(diff_record(path, "(%s)\n" % before["kind"], ""))
        elif act["action"] == "attributes":
            out.append(diff_record(path + " (owner and mode)",
                                   _attributes_text(before["uid"], before["gid"], before["mode"]),
                                   _attributes_text(act["uid"], act["gid"], act["mode"])))
        elif act["secret"]:
            out.append(diff_record(path, SECRET_NOT_SHOWN if before else "", SECRET_NOT_SHOWN))
        else:
            out.append(diff_record(path, before["content"].decode("utf-8", "replace") if before else "",
                                   act["content"].decode("utf-8")))
    return out
