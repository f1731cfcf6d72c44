"""Fail unless ansible-doc's metadata dump documents every module, filter and role.

Usage: check_docs.py METADATA_JSON COLLECTION_TREE
"""
import json
import os
import sys

PREFIX = "digital_fte.event_backbone."


def expected(tree):
    for kind in ("modules", "filter"):
        folder = os.path.join(tree, "plugins", kind)
        if os.path.isdir(folder):
            for name in sorted(os.listdir(folder)):
                if name.endswith(".py") and not name.startswith("_"):
                    yield kind.rstrip("s"), name[:-3]
    for name in sorted(os.listdir(os.path.join(tree, "roles"))):
        yield "role", name


def main(metadata_path, tree):
    with open(metadata_path, encoding="utf-8") as fh:
        dump = json.load(fh)["all"]
    missing = []
    for kind, name in expected(tree):
        if kind == "filter":
            # A filter file documents the filters it defines, not itself.
            documented = any(key.startswith(PREFIX) for key in dump.get("filter", {}))
        else:
            documented = PREFIX + name in dump.get(kind, {})
        if not documented:
            missing.append("%s %s" % (kind, name))
    if missing:
        sys.exit("ansible-doc documents none of: " + ", ".join(missing))
    print("docs: every module, filter and role is documented")


if __name__ == "__main__":
    main(*sys.argv[1:])
