#!/usr/bin/env bash
# Builds a lab systemd image from Debian's packages (no registry needed): debootstrap once
# into a cached rootfs tarball, then `podman import`. Keyed by the suite, the package list
# and the image's own unit (lab/shared-root.service), so a change makes a new image and no
# change costs nothing. Prints the image's name.
#   lab/image.sh            Debian 12 (bookworm), the lab's default hosts
#   lab/image.sh trixie     Debian 13, for the hosts that test the newer platform
# Also makes the key Ansible logs in with (lab/ssh-proxy hands its public half to sshd).
set -euo pipefail
source "$(dirname "$0")/../scripts/env.sh"

suite=${1:-bookworm}
# Each release's own Java for Kafka (trixie has no OpenJDK 17), preinstalled so that a
# converge does not download a JRE per host.
case "$suite" in
  bookworm) release=12 java=openjdk-17-jre-headless ;;
  trixie) release=13 java=openjdk-21-jre-headless ;;
  *) echo "lab/image.sh: unknown suite '$suite' (bookworm or trixie)" >&2; exit 2 ;;
esac

ssh_key="$EB_CACHE/lab/ssh/id_ed25519"
if [ ! -f "$ssh_key" ]; then
  mkdir -p "$(dirname "$ssh_key")"
  chmod 0700 "$(dirname "$ssh_key")"
  rm -f "$ssh_key.part" "$ssh_key.part.pub"
  ssh-keygen -q -t ed25519 -N '' -C event-backbone-lab -f "$ssh_key.part"
  mv "$ssh_key.part.pub" "$ssh_key.pub"
  mv "$ssh_key.part" "$ssh_key"
fi

packages=systemd,systemd-sysv,dbus,python3,python3-apt,python3-venv,sudo,curl,iproute2,procps,ca-certificates,$java,openssl,less,openssh-server
key=$( (echo "$suite $packages"; cat "$EB_ROOT/lab/shared-root.service") | sha256sum | cut -c1-12)
image="localhost/eb-lab-debian$release:$key"
if podman image exists "$image"; then
  echo "$image"
  exit 0
fi
rootfs_tar="$EB_CACHE/lab/rootfs-$suite-$key.tar"
if [ ! -f "$rootfs_tar" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  "$EB_ROOT/lab/rootfs.sh" "$suite" "$packages" "$tmp/rootfs"
  # Containers have no consoles to log in on, nor hardware to wait for; Ansible's sshd
  # runs per connection (lab/ssh-proxy), so no daemon listens.
  chroot "$tmp/rootfs" systemctl mask getty@tty1.service systemd-udevd.service \
    systemd-udev-trigger.service systemd-networkd-wait-online.service ssh.service ssh.socket >&2 || true
  cp "$EB_ROOT/lab/shared-root.service" "$tmp/rootfs/etc/systemd/system/"
  chroot "$tmp/rootfs" systemctl enable shared-root.service >&2
  mkdir -p "$EB_CACHE/lab"
  tar -C "$tmp/rootfs" -cf "$rootfs_tar.part" .
  mv "$rootfs_tar.part" "$rootfs_tar"
fi
podman import --change 'CMD ["/sbin/init"]' --change 'STOPSIGNAL SIGRTMIN+3' \
  "$rootfs_tar" "$image" >&2
echo "$image"
