#!/usr/bin/env bash
# Installs the pinned toolchain into a virtualenv keyed by requirements.txt, and the
# collections the lab and tests need, from PyPI only (Galaxy is not reachable).
set -euo pipefail
source "$(dirname "$0")/env.sh"

ANSIBLE_BUNDLE_VERSION=12.3.0 # the PyPI package that carries containers.podman
# EB_CORE (the Debian 13 controller, lab/controller.sh) swaps requirements.txt's ansible-core
# for requirements-core$EB_CORE.txt's; the other pins are the same. One venv per Python,
# ansible-core and requirements: py311-core2.19.14-<hash>, py313-core2.21.5-<hash>.
if [ -n "${EB_CORE:-}" ]; then
  core_req="$EB_ROOT/requirements-core$EB_CORE.txt"
  [ -f "$core_req" ] || { echo "toolchain: no $core_req for EB_CORE=$EB_CORE" >&2; exit 2; }
  reqs=$(grep -v '^ansible-core==' "$EB_ROOT/requirements.txt"; cat "$core_req")
else
  reqs=$(cat "$EB_ROOT/requirements.txt")
fi
core=$(grep -oE '^ansible-core==[0-9.]+' <<<"$reqs" | cut -d= -f3)
py=$(python3 -c 'import sys; print("%d%d" % sys.version_info[:2])')
req_hash=$(sha256sum <<<"$reqs" | cut -c1-16)
venv="$EB_CACHE/venv/py$py-core$core-$req_hash"
if [ ! -e "$venv/.complete" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r /dev/stdin <<<"$reqs"
  touch "$venv/.complete"
fi
ln -sfn "$venv" "$EB_VENV"

# containers.podman, unpacked from the `ansible` wheel without installing the wheel.
colls="$EB_CACHE/collections/ansible-$ANSIBLE_BUNDLE_VERSION"
if [ ! -e "$colls/.complete" ]; then
  rm -rf "$colls" && mkdir -p "$colls"
  tmp=$(mktemp -d)
  "$venv/bin/pip" download -q --no-deps -d "$tmp" "ansible==$ANSIBLE_BUNDLE_VERSION"
  "$venv/bin/python" - "$tmp"/ansible-*.whl "$colls" <<'PY'
import sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as zf:
    for name in zf.namelist():
        if name.startswith("ansible_collections/containers/podman/"):
            zf.extract(name, dest)
PY
  rm -rf "$tmp"
  touch "$colls/.complete"
fi
# This checkout is the collection digital_fte.event_backbone; containers.podman sits beside it.
coll_root="$EB_ROOT/.ansible/collections/ansible_collections"
mkdir -p "$coll_root/digital_fte" "$coll_root/containers"
ln -sfn ../../../.. "$coll_root/digital_fte/event_backbone"
ln -sfn "$colls/ansible_collections/containers/podman" "$coll_root/containers/podman"

# ansible-test creates venvs with a get-pip script it would download; offline, a cached
# stand-in that bootstraps pip with ensurepip and then installs what was asked.
pip_version=$(grep -oE "pip='[0-9.]+'" "$venv"/lib/python3*/site-packages/ansible_test/_internal/python_requirements.py \
  | head -n1 | grep -oE '[0-9.]+')
install -D -m 0644 "$EB_ROOT/scripts/get_pip_offline.py" "$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
echo "toolchain ready: $venv"
