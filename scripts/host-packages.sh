#!/usr/bin/env bash
# Debian packages the lab and the quality gates need on the machine that runs them:
# podman and what rootful podman uses here, debootstrap for the lab image, Maven and a
# JDK for the Kafka mirror, shellcheck for ansible-test. Installs only what is missing.
set -euo pipefail
packages=(podman debootstrap fuse-overlayfs slirp4netns uidmap runc shellcheck maven openjdk-17-jdk-headless)
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
