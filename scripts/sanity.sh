#!/usr/bin/env bash
# ansible-test sanity on a copy of the collection at the path ansible-test insists on
# (.../ansible_collections/digital_fte/event_backbone, no symlinks), then the checks Galaxy
# would make: the docs of every plugin and role load, and the collection builds.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$EB_ROOT"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tree="$work/ansible_collections/digital_fte/event_backbone"
mkdir -p "$tree"
# Not the link that makes the checkout its own collection (.ansible/, see .gitignore).
git ls-files -z --cached --others --exclude-standard -- . ':!.ansible' | xargs -0 cp --parents -t "$tree"
# ansible-test lists the files to check with git when it finds a repository.
git -C "$tree" init -q && git -C "$tree" add -A

# The toolchain's own Python: 3.11 on the host (ansible-core 2.19), 3.13 in the Debian 13
# controller (2.20 and later run only on Python >= 3.12).
python_version=$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
(cd "$tree" && ansible-test sanity --venv --python "$python_version" --color no)

# A broken DOCUMENTATION or argument_specs makes --metadata-dump exit non-zero.
ANSIBLE_COLLECTIONS_PATH="$work" ansible-doc --metadata-dump digital_fte.event_backbone > "$work/metadata.json"
python3 "$EB_ROOT/scripts/check_docs.py" "$work/metadata.json" "$tree"

ansible-galaxy collection build "$tree" --output-path "$work" >/dev/null
echo "sanity: ansible-test sanity, plugin/role docs and collection build are clean"
