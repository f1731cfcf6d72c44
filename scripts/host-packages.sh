#!/usr/bin/env bash
# Every Debian package the lab, Molecule and the tests use on the machine that runs them,
# each named: nothing may come in as a Recommends or happen to be there already (podman's
# name resolution needs netavark and aardvark-dns, which are only Recommends). Installs
# only what is missing. Go is not among them: Debian's is older than the Dapr build needs
# (scripts/doctor.sh checks it).
set -euo pipefail
packages=(
  # rootful podman as the lab runs it (lab/containers.conf)
  podman conmon golang-github-containers-common runc netavark aardvark-dns iptables
  fuse-overlayfs slirp4netns uidmap
  # the lab image (debootstrap) and the prerequisite check's DNS probe image (busybox)
  debootstrap busybox-static
  # the toolchain's virtualenvs, and ansible-test's pip bootstrap (ensurepip)
  python3 python3-venv git make
  # Ansible's connection to the lab hosts (lab/inventory/connection.yml)
  openssh-client
  # the Kafka mirror (Maven Central) and the test broker
  maven openjdk-17-jdk-headless
  # ansible-test's shellcheck, and what the scripts and tests call
  shellcheck curl openssl ca-certificates tar gzip
  # the reserved_ports integration test runs in a network namespace of its own
  iproute2
)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "host packages: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
