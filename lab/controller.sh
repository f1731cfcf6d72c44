#!/usr/bin/env bash
# The Debian 13 controller, for the ansible-core
# releases that need Python >= 3.12 (issue 15). A container made from Debian's packages (as
# lab/image.sh makes the lab's), with the checkout and $EB_CACHE at the same paths, the
# host's network, and podman-remote (as `podman`) talking to this host's podman through a
# `podman system service` socket that lives as long as the run. Molecule's podman driver and
# lab/ssh-proxy then create, exec into and remove the same rootful containers as on the host.
#   lab/controller.sh image          build (or find) the image; prints its name
#   lab/controller.sh run CMD...     run CMD in the controller, from the checkout
#   lab/controller.sh test           scripts/controller-test.sh in the controller (make controller)
# EB_CORE picks the ansible-core release (requirements-core$EB_CORE.txt), default 2.21.
set -euo pipefail
source "$(dirname "$0")/../scripts/env.sh"

: "${EB_CORE:=2.21}"
suite=trixie
# Each named, nothing from Recommends (debootstrap installs none): Python 3.13 and venv
# (ensurepip for the toolchain and ansible-test's venvs), podman-remote (the API client; the
# image links it as `podman`), ssh (Ansible's connection through lab/ssh-proxy), git
# (scripts/sanity.sh, ansible-test), shellcheck (ansible-test's shellcheck test), openssl
# (the scenarios' CA and certificates, made on the controller), ca-certificates.
packages=python3,python3-venv,podman-remote,openssh-client,git,shellcheck,openssl,ca-certificates
# The recipe below is part of the key: a change to it makes a new image.
recipe_version=1
key=$(echo "$suite $packages $recipe_version" | sha256sum | cut -c1-12)
image="localhost/eb-controller-debian13:$key"

build_image() {
  if podman image exists "$image"; then
    echo "$image"
    return
  fi
  local rootfs_tar="$EB_CACHE/controller/rootfs-$suite-$key.tar" tmp
  if [ ! -f "$rootfs_tar" ]; then
    tmp=$(mktemp -d)
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" EXIT
    "$EB_ROOT/lab/rootfs.sh" "$suite" "$packages" "$tmp/rootfs"
    # podman-remote is the whole client: the scripts, containers.podman and Molecule call `podman`.
    ln -s /usr/bin/podman-remote "$tmp/rootfs/usr/local/bin/podman"
    mkdir -p "$EB_CACHE/controller"
    tar -C "$tmp/rootfs" -cf "$rootfs_tar.part" .
    mv "$rootfs_tar.part" "$rootfs_tar"
    rm -rf "$tmp"
    trap - EXIT
  fi
  podman import --change 'ENV LANG=C.UTF-8' --change 'CMD ["/bin/bash"]' "$rootfs_tar" "$image" >&2
  echo "$image"
}

# The host's podman API on a socket of this run only, with the lab's podman settings
# (CONTAINERS_CONF from scripts/env.sh: netavark, runc, cgroupfs, the ulimits): the service,
# not the client, applies them to what it creates.
start_service() {
  sock_dir=$(mktemp -d /run/eb-controller.XXXXXX)
  podman system service --time=0 "unix://$sock_dir/podman.sock" >"$sock_dir/service.log" 2>&1 &
  service_pid=$!
  trap stop_service EXIT
  local _
  for _ in $(seq 50); do
    [ -S "$sock_dir/podman.sock" ] && podman --url "unix://$sock_dir/podman.sock" version >/dev/null 2>&1 && return
    kill -0 "$service_pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "controller: podman system service did not start:" >&2
  cat "$sock_dir/service.log" >&2
  exit 1
}

stop_service() {
  if [ -n "${service_pid:-}" ]; then
    kill "$service_pid" 2>/dev/null || true
    wait "$service_pid" 2>/dev/null || true
  fi
  [ -n "${sock_dir:-}" ] && rm -rf "$sock_dir"
}

run() {
  local img lab_image
  img=$(build_image)
  # The lab image is made on the host (debootstrap); the scenario inside only names it.
  lab_image=$("$EB_ROOT/lab/image.sh")
  start_service
  local home="$EB_CACHE/controller/home" lock=/tmp/eb-molecule.lock
  mkdir -p "$home"
  touch "$lock"
  local args=(
    --rm -i --network host --security-opt label=disable
    --name "eb-controller-$$"
    -v "$EB_ROOT:$EB_ROOT" -v "$EB_CACHE:$EB_CACHE"
    -v "$sock_dir:/run/eb-podman"
    # Molecule scenarios take this lock on the host too (Makefile: molecule): one at a time.
    -v "$lock:$lock"
    -e CONTAINER_HOST=unix:///run/eb-podman/podman.sock
    -e EB_CACHE -e EB_CORE="$EB_CORE" -e CI -e EB_LAB_IMAGE="$lab_image"
    # Persistent, outside the checkout: pip's cache, ansible-test's venvs and get-pip stand-in,
    # ssh control sockets. The checkout's .ansible/ is shared with the host, so not there.
    -e HOME="$home" -e ANSIBLE_SSH_CONTROL_PATH_DIR="$home/.ansible/cp"
    # The controller's own toolchain link; the checkout's .venv stays the host's.
    -e EB_VENV="$EB_CACHE/controller/venv-core$EB_CORE"
    -e LANG=C.UTF-8 -e PYTHONDONTWRITEBYTECODE=1
    -w "$EB_ROOT"
  )
  # The machine's own CA bundle: where TLS to the registries is intercepted, Debian's
  # ca-certificates alone is refused (tested: curl error 60 without it, 200 with it).
  if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    args+=(-v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro
           -e PIP_CERT=/etc/ssl/certs/ca-certificates.crt
           -e SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
           -e REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt)
  fi
  local var
  for var in PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_DEFAULT_TIMEOUT HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy; do
    [ -n "${!var:-}" ] && args+=(-e "$var")
  done
  podman run "${args[@]}" "$img" "$@"
}

case "${1:-}" in
  image) build_image ;;
  run) shift; run "$@" ;;
  test) run bash scripts/controller-test.sh ;;
  *) echo "usage: $0 image|run CMD...|test" >&2; exit 2 ;;
esac
