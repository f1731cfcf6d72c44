#!/usr/bin/env bash
# The prerequisites of the lab, Molecule and the tests, checked before anything slow starts
# (`make up` and `make test` run it right after the host packages). Every failure names the
# problem and its fix; the script exits 1 after reporting all of them.
#   scripts/doctor.sh           tools, disk, podman's network backend, the project's podman
#                               networks, DNS between two throwaway containers
#   scripts/doctor.sh systemd   also: systemd boots in containers of both lab images
#   scripts/doctor.sh networks  only podman's backend and the project's networks (lab/lab.sh)
set -euo pipefail
source "$(dirname "$0")/env.sh"

MIN_JAVA=17
MIN_MAVEN=3.6
MIN_GO=$(awk '$1 == "go" {print $2}' "$EB_ROOT/mirror/dapr/go.mod") # what the Dapr build needs
MIN_FREE_GIB=15 # mirror build (Go module and build caches ~6 GiB), lab image, containers

failures=0
ok() { echo "doctor: ok   $*"; }
fail() { # PROBLEM FIX
  echo "doctor: FAIL $1" >&2
  echo "             fix: $2" >&2
  failures=$((failures + 1))
}
# True when version $1 >= version $2 (dotted numbers).
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

check_tools() {
  local java_version mvn_version go_version
  java_version=$(java -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}' || true)
  if [ -n "$java_version" ] && version_ge "$java_version" "$MIN_JAVA"; then ok "Java $java_version"
  else fail "Java ${java_version:-not found}: the Kafka mirror build and the test broker need Java $MIN_JAVA or later" \
    "scripts/host-packages.sh installs openjdk-17-jdk-headless; put its java first on PATH"; fi
  mvn_version=$(mvn -B -v 2>/dev/null | sed -n 's/.*Apache Maven \([0-9.]*\).*/\1/p' | head -n1 || true)
  if [ -n "$mvn_version" ] && version_ge "$mvn_version" "$MIN_MAVEN"; then ok "Maven $mvn_version"
  else fail "Maven ${mvn_version:-not found}: the Kafka mirror is assembled from Maven Central with Maven $MIN_MAVEN or later" \
    "scripts/host-packages.sh installs maven"; fi
  go_version=$(go env GOVERSION 2>/dev/null | sed 's/^go//' || true)
  if [ -n "$go_version" ] && version_ge "$go_version" "$MIN_GO"; then ok "Go $go_version"
  else fail "Go ${go_version:-not found}: the Dapr binaries of the mirror are built with Go $MIN_GO or later (mirror/dapr/go.mod)" \
    "install Go $MIN_GO or later from go.dev and put its bin/ on PATH (Debian's golang packages are older)"; fi
}

check_disk() {
  local dir free_gib
  for dir in "$EB_CACHE" /var/lib/containers; do
    mkdir -p "$dir"
    free_gib=$(df -P -BG "$dir" | awk 'NR == 2 {sub("G", "", $4); print $4}')
    if [ "$free_gib" -ge "$MIN_FREE_GIB" ]; then ok "free disk at $dir: ${free_gib} GiB"
    else fail "only ${free_gib} GiB free at $dir; the mirror build, the lab image and the test hosts need $MIN_FREE_GIB GiB" \
      "free space there, or point EB_CACHE at a larger disk"; fi
  done
}

# podman falls back to CNI (no name resolution) without netavark and aardvark-dns.
check_backend() {
  local backend
  backend=$(podman info --format '{{.Host.NetworkBackend}}' 2>/dev/null || true)
  if [ "$backend" = netavark ] && [ -x /usr/lib/podman/aardvark-dns ]; then
    ok "podman network backend netavark with aardvark-dns"
    return 0
  fi
  fail "podman's network backend is '${backend:-unknown}'$([ -x /usr/lib/podman/aardvark-dns ] || echo ' and aardvark-dns is missing'): lab hosts could not resolve each other by name" \
    "scripts/host-packages.sh installs netavark and aardvark-dns; lab/containers.conf pins network_backend = \"netavark\" (CONTAINERS_CONF, set by scripts/env.sh)"
  return 1
}

# The project's own networks: the lab's and every Molecule scenario's.
project_networks() {
  echo eb-lab
  sed -n 's/^ *network: *\([A-Za-z0-9_.-]*\).*/\1/p' "$EB_ROOT"/molecule/*/molecule.yml | sort -u
}

# A network left by an older version (CNI backend, or made with --disable-dns) gives its
# hosts no names; it is never reused silently.
check_networks() {
  local net dns users fix
  for net in $(project_networks); do
    podman network exists "$net" || continue
    dns=$(podman network inspect -f '{{.DNSEnabled}}' "$net")
    if [ "$dns" = true ]; then ok "podman network $net resolves names"; continue; fi
    users=$(podman ps -a --filter "network=$net" --format '{{.Names}}' | paste -sd' ' -)
    if [ "$net" = eb-lab ]; then fix="lab/lab.sh down (removes the lab hosts and the network), then make up"
    else fix="podman rm -f ${users:-<none>}; podman network rm $net (Molecule creates it again)"; fi
    fail "podman network $net has no DNS (dns_enabled: $dns${users:+; hosts on it: $users}): its hosts cannot resolve each other or the mirror by name" "$fix"
  done
  # Lab hosts made on a CNI network that netavark cannot see would not start again.
  local host nets
  for host in kafka1 kafka2 kafka3 app1 mirror; do
    podman container exists "$host" || continue
    nets=$(podman inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' "$host" | xargs)
    if ! podman network exists eb-lab || [[ " $nets " != *" eb-lab "* ]]; then
      fail "lab host $host is not on a podman network that exists now (made by an older version, networks: ${nets:-none})" \
        "lab/lab.sh down, then make up"
    fi
  done
}

# A tiny image of Debian's static busybox, for the DNS probe (no registry is needed).
doctor_image() {
  local version image tmp
  version=$(dpkg-query -W -f='${Version}' busybox-static | sed 's/[^A-Za-z0-9_.-]/_/g')
  image="localhost/eb-doctor:$version"
  if ! podman image exists "$image"; then
    tmp=$(mktemp -d)
    install -D -m 0755 /bin/busybox "$tmp/bin/busybox"
    tar -C "$tmp" -cf - bin | podman import --quiet --change 'CMD ["/bin/busybox", "sh"]' - "$image" >/dev/null
    rm -rf "$tmp"
  fi
  echo "$image"
}

check_dns() {
  local image net peer
  image=$(doctor_image)
  net="eb-doctor-$$" peer="eb-doctor-peer-$$"
  podman network create "$net" >/dev/null
  # shellcheck disable=SC2064
  trap "podman rm -f -t 0 $peer >/dev/null 2>&1; podman network rm -f $net >/dev/null 2>&1" RETURN
  podman run -d --rm --name "$peer" --network "$net" "$image" /bin/busybox sleep 30 >/dev/null 2>&1
  if podman run --rm --network "$net" "$image" /bin/busybox nslookup "$peer" >/dev/null 2>&1; then
    ok "a container resolves another one by name on a new podman network"
  else
    fail "a container cannot resolve another one by name on a new podman network ($net)" \
      "check that netavark and aardvark-dns are installed (scripts/host-packages.sh) and that CONTAINERS_CONF=$CONTAINERS_CONF pins network_backend = \"netavark\""
  fi
}

# Both lab images: Debian 13's systemd (257) runs on a cgroup v1 host only with a warning,
# and a later one may refuse; either way this says so before the slow steps.
check_systemd() {
  local suite image name
  for suite in bookworm trixie; do
    image=$("$EB_ROOT/lab/image.sh" "$suite")
    name="eb-doctor-systemd-$$"
    podman run -d --rm --name "$name" --systemd=always --cap-add SYS_ADMIN "$image" /sbin/init >/dev/null 2>&1
    if timeout 60 bash -c "until podman exec $name systemctl is-system-running 2>/dev/null | grep -qE '^(running|degraded)'; do sleep 0.5; done"; then
      ok "systemd boots in a container of $image"
    else
      fail "systemd did not reach 'running' within 60 s in a container of $image" \
        "CONTAINERS_CONF=$CONTAINERS_CONF must set runtime = \"runc\" and cgroup_manager = \"cgroupfs\"; see podman logs of a lab host"
    fi
    podman rm -f -t 0 "$name" >/dev/null 2>&1 || true
  done
}

mode=${1:-all}
case "$mode" in all|systemd|networks) ;; *) echo "usage: $0 [systemd|networks]" >&2; exit 2 ;; esac
[ "$mode" = networks ] || { check_tools; check_disk; }
if check_backend; then
  check_networks
  [ "$mode" = networks ] || check_dns
  [ "$mode" != systemd ] || [ "$failures" -gt 0 ] || check_systemd
fi
if [ "$failures" -gt 0 ]; then
  echo "doctor: $failures problem(s); nothing slow has started" >&2
  exit 1
fi
echo "doctor: all prerequisites met"
