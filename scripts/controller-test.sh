#!/usr/bin/env bash
# Runs inside the Debian 13 controller (lab/controller.sh test), from the checkout.
# What `make test` covers for the newer ansible-core: its toolchain, the unit tests,
# ansible-lint, ansible-test sanity, and one Molecule scenario (kafka_single) created,
# prepared, converged and converged again (idempotence) through the host's podman.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$EB_ROOT"

scripts/toolchain.sh
echo "controller: $(python --version), $(ansible --version | head -n1)"
pytest tests/unit
ansible-lint
scripts/sanity.sh

# One scenario at a time on this machine, whichever controller runs it (Makefile: molecule).
exec 9>/tmp/eb-molecule.lock
flock 9
trap 'molecule destroy -s kafka_single || true' EXIT
molecule destroy -s kafka_single
molecule create -s kafka_single
molecule prepare -s kafka_single
molecule converge -s kafka_single
molecule idempotence -s kafka_single
