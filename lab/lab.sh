#!/usr/bin/env bash
# The lab: systemd hosts in podman on one network, and the artifact mirror served to them.
#   lab/lab.sh up     create (or start) kafka1..3, app1 and mirror; idempotent
#   lab/lab.sh down   remove the hosts and the network (the image and caches stay)
# Host names are fixed: inventories/lab/hosts.yml names them.
set -euo pipefail
source "$(dirname "$0")/../scripts/env.sh"

network=eb-lab
hosts=(kafka1 kafka2 kafka3 app1)

up() {
  local image
  # A network or hosts left by an older version (no DNS) are refused with the fix to run.
  "$EB_ROOT/scripts/doctor.sh" networks >/dev/null
  image=$("$EB_ROOT/lab/image.sh")
  podman network exists "$network" || podman network create "$network" >/dev/null
  local host
  for host in "${hosts[@]}"; do
    # A host made from an older image lacks what the roles now rely on (a shared /, for
    # systemd credentials): refused with the fix, never used as it is.
    if podman container exists "$host" && [ "$(podman inspect -f '{{.ImageName}}' "$host")" != "$image" ]; then
      echo "lab: $host runs $(podman inspect -f '{{.ImageName}}' "$host"), not the current image $image: run lab/lab.sh down, then make up" >&2
      exit 1
    fi
    if ! podman container exists "$host"; then
      # /proc/sys writable as on a VM, for the roles' network settings (reserved ports);
      # net.* settings belong to the container's own network namespace.
      podman run -d --name "$host" --hostname "$host" --network "$network" \
        --systemd=always --cap-add SYS_ADMIN --security-opt unmask=/proc/sys "$image" /sbin/init >/dev/null
      echo "lab: created $host"
    fi
  done
  # The mirror is a plain web server over $EB_MIRROR, as Apache's and Dapr's sites are.
  if ! podman container exists mirror; then
    podman run -d --name mirror --hostname mirror --network "$network" \
      -v "$EB_MIRROR:/srv/mirror:ro" "$image" \
      python3 -m http.server 8080 --directory /srv/mirror >/dev/null
    echo "lab: created mirror"
  fi
  for host in "${hosts[@]}" mirror; do
    [ "$(podman inspect -f '{{.State.Running}}' "$host")" = true ] || podman start "$host" >/dev/null
  done
  for host in "${hosts[@]}"; do
    # `degraded` is fine for a container: some units have no hardware to find.
    timeout 60 bash -c "until podman exec $host systemctl is-system-running 2>/dev/null | grep -qE 'running|degraded'; do sleep 0.5; done" \
      || { echo "lab: $host did not finish booting" >&2; exit 1; }
  done
  local unresolved
  unresolved=$(podman exec "${hosts[0]}" sh -c "for n in ${hosts[*]} mirror; do getent hosts \$n >/dev/null || echo \$n; done")
  if [ -n "$unresolved" ]; then
    echo "lab: ${hosts[0]} cannot resolve ${unresolved//$'\n'/ } by name on network $network; scripts/doctor.sh says why" >&2
    exit 1
  fi
  echo "lab: up (${hosts[*]} and mirror on network $network)"
}

down() {
  local host
  for host in "${hosts[@]}" mirror; do
    podman rm -f -t 5 "$host" >/dev/null 2>&1 || true
  done
  podman network exists "$network" && podman network rm "$network" >/dev/null
  echo "lab: down"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
