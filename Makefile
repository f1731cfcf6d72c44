# The two commands of the README: `make up` and `make test`. Everything slow is cached
# under $EB_CACHE (default ~/.cache/event-backbone), keyed by version.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
ENV := source scripts/env.sh &&

.PHONY: up test host-packages doctor toolchain mirror lab-image lab-up lab-down unit lint sanity integration molecule controller

# The prerequisite check comes first: a machine that cannot run the lab stops before the
# slow mirror build.
up: doctor mirror lab-up
	$(ENV) ansible-playbook -i inventories/lab site.yml

# One part after another, each with its time, so a slow part shows in the CI log.
TEST_PARTS := doctor mirror lab-image unit lint sanity integration molecule controller
test:
	@times=""; for part in $(TEST_PARTS); do \
	  start=$$SECONDS; $(MAKE) --no-print-directory $$part; \
	  times="$$times $$part=$$((SECONDS - start))s"; echo "make test: $$part took $$((SECONDS - start)) s"; \
	done; echo "make test: parts:$$times"

host-packages:
	scripts/host-packages.sh

doctor: host-packages
	scripts/doctor.sh systemd

toolchain: host-packages
	scripts/toolchain.sh

mirror: toolchain
	mirror/build.sh

lab-image:
	lab/image.sh >/dev/null
	lab/image.sh trixie >/dev/null

lab-up: lab-image
	lab/lab.sh up

lab-down:
	lab/lab.sh down

unit: toolchain
	$(ENV) pytest tests/unit

lint: toolchain
	$(ENV) ansible-lint

sanity: toolchain
	scripts/sanity.sh

integration: mirror
	$(ENV) pytest tests/integration

# Scenarios run one after another, and one checkout at a time: the machine has two cores.
molecule: toolchain lab-image
	$(ENV) export EB_LAB_IMAGE=$$(lab/image.sh) EB_LAB_IMAGE_DEBIAN13=$$(lab/image.sh trixie) && flock /tmp/eb-molecule.lock molecule test --all

# ansible-core 2.21 on Python 3.13 (Debian 13), in a container driving this host's podman:
# its unit tests, ansible-lint, ansible-test sanity and the kafka_single scenario's converge
# and idempotence (lab/controller.sh, scripts/controller-test.sh). `make controller
# CONTROLLER_CORE=2.20` runs the same for ansible-core 2.20 (requirements-core2.20.txt). Not
# EB_CORE: that would also swap the host toolchain's ansible-core, which needs Python 3.12.
controller: host-packages mirror lab-image
	$(if $(CONTROLLER_CORE),EB_CORE=$(CONTROLLER_CORE)) lab/controller.sh test
