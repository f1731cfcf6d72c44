# shellcheck shell=bash
# Sourced by every project script: one place that says where things live.
# EB_CACHE holds what is slow to make (toolchain, mirror, lab image), keyed by version.
: "${EB_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/event-backbone}"
EB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The Debian 13 controller (lab/controller.sh) sets its own, outside the checkout.
: "${EB_VENV:=$EB_ROOT/.venv}"
EB_MIRROR="$EB_CACHE/mirror"
export EB_CACHE EB_ROOT EB_VENV EB_MIRROR
export GOMODCACHE="$EB_CACHE/go/mod" GOCACHE="$EB_CACHE/go/build" GOFLAGS=-modcacherw
# The lab's podman settings, kept out of the user's global config.
export CONTAINERS_CONF="$EB_ROOT/lab/containers.conf"
export PATH="$EB_VENV/bin:$PATH"
export ANSIBLE_CONFIG="$EB_ROOT/ansible.cfg"
# Ansible's home inside the checkout: Molecule and ansible-lint then find this checkout's
# collection link there, rather than a copy another checkout left in ~/.ansible.
export ANSIBLE_HOME="$EB_ROOT/.ansible"
export PIP_DISABLE_PIP_VERSION_CHECK=1
