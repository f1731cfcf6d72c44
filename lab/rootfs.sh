#!/usr/bin/env bash
# A minimal Debian root filesystem, for the lab images (lab/image.sh) and the Debian 13
# controller (lab/controller.sh): debootstrap from the host's own Debian mirror (the one its
# apt sources name; deb.debian.org otherwise), apt's lists and downloaded packages removed.
# Usage: lab/rootfs.sh SUITE PACKAGES(comma-separated) DIR
set -euo pipefail
suite=$1 packages=$2 dir=$3
mirror=$(grep -rhoE '^(URIs:|deb) +http[^ ]+/debian\b' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
  | awk '{print $2}' | head -n1 || true)
debootstrap --variant=minbase --include="$packages" "$suite" "$dir" "${mirror:-http://deb.debian.org/debian}" >&2
rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/archives/*.deb
