#!/usr/bin/env bash
# Builds the artifact mirror under $EB_CACHE/mirror, laid out as the upstream download
# sites serve it, so that the roles install exactly as they would from the internet:
#   kafka/<ver>/kafka_<scala>-<ver>.tgz{,.sha512}      assembled from Maven Central jars
#   dapr/v<ver>/<daprd|placement|scheduler>_linux_amd64.tar.gz{,.sha256}  built from Go modules
#   python/*.whl   wheelhouse of examples/fte_service/requirements.txt (pip --find-links)
# Each artifact is rebuilt only when its version or this project's inputs change.
# Usage: mirror/build.sh [kafka|dapr|python]...   (default: all three)
set -euo pipefail
source "$(dirname "$0")/../scripts/env.sh"
here="$EB_ROOT/mirror"
source "$here/versions.env"

# A stamp of everything an artifact is made from (paths relative to mirror/, globs
# allowed); equal stamp, nothing to do.
inputs_hash() {
  # Unquoted on purpose: each pattern is a glob.
  # shellcheck disable=SC2086
  (cd "$here" && for pattern in versions.env "$@"; do cat $pattern; done | sha256sum | cut -c1-16)
}

# Tarballs are reproducible: same inputs, same bytes, same checksum.
pack() { # DIR_PARENT ENTRY... > stdout
  local parent=$1; shift
  tar -C "$parent" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - "$@" | gzip -n -9
}

build_kafka() {
  build_kafka_release "$KAFKA_VERSION" "$KAFKA_LOG4J2_VERSION"
  build_kafka_release "$KAFKA_PREVIOUS_VERSION" "$KAFKA_PREVIOUS_LOG4J2_VERSION"
}

# The main class of a bin.table line: the first of its '|'-separated classes that the release's
# jars hold (a class that moved between releases), or a failed build naming the launcher.
launcher_class() { # LAUNCHER ALTERNATIVES CLASS_LIST
  local class alternatives
  IFS='|' read -ra alternatives <<< "$2"
  for class in "${alternatives[@]}"; do
    if grep -qxF "${class//.//}.class" "$3"; then
      echo "$class"
      return
    fi
  done
  echo "mirror: no class of $1 ($2) is in the release's jars; fix mirror/kafka/bin.table" >&2
  return 1
}

build_kafka_release() { # VERSION LOG4J2_VERSION
  local version=$1 log4j2=$2
  local name="kafka_${KAFKA_SCALA_VERSION}-${version}"
  local out="$EB_MIRROR/kafka/$version"
  local stamp
  stamp=$(inputs_hash build.sh kafka/pom.xml kafka/bin.table 'kafka/bin/*' 'kafka/config/*')
  if [ -f "$out/$name.tgz.sha512" ] && [ "$(cat "$out/.inputs" 2>/dev/null)" = "$stamp" ]; then
    echo "mirror: kafka $version is up to date"
    return
  fi
  echo "mirror: assembling kafka $version from Maven Central"
  local tmp stage
  tmp=$(mktemp -d)
  stage="$tmp/$name"
  mkdir -p "$stage/libs" "$stage/bin" "$stage/config"
  mvn -q -B -Dstyle.color=never -f "$here/kafka/pom.xml" -Dmaven.repo.local="$EB_CACHE/m2" \
    -Dkafka.version="$version" -Dlog4j2.version="$log4j2" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$stage/libs"
  install -m 0755 "$here/kafka/bin/kafka-run-class.sh" "$stage/bin/"
  local launcher classes class
  python3 -c 'import sys, zipfile; [print(*zipfile.ZipFile(j).namelist(), sep="\n") for j in sys.argv[1:]]' \
    "$stage"/libs/*.jar > "$tmp/classes"
  while read -r launcher classes; do
    case "$launcher" in ''|'#'*) continue ;; esac
    class=$(launcher_class "$launcher" "$classes" "$tmp/classes")
    {
      echo '#!/usr/bin/env bash'
      if [ "$class" = kafka.Kafka ]; then
        # The broker's defaults, as upstream: a 1 GiB heap and the server log config.
        cat <<'SH'
: "${KAFKA_HEAP_OPTS:=-Xmx1G -Xms1G}"
: "${KAFKA_LOG4J_OPTS:=-Dlog4j2.configurationFile=$(dirname "$0")/../config/log4j2.properties}"
export KAFKA_HEAP_OPTS KAFKA_LOG4J_OPTS
SH
      fi
      echo "exec \"\$(dirname \"\$0\")/kafka-run-class.sh\" $class \"\$@\""
    } > "$stage/bin/$launcher"
    chmod 0755 "$stage/bin/$launcher"
  done < "$here/kafka/bin.table"
  install -m 0644 "$here"/kafka/config/* "$stage/config/"
  cat > "$stage/README" <<TXT
Apache Kafka $version (Scala $KAFKA_SCALA_VERSION), assembled by digital_fte.event_backbone
for air-gapped sites: libs/ holds the official Apache Kafka jars from Maven Central
(org.apache.kafka:kafka_$KAFKA_SCALA_VERSION and org.apache.kafka:kafka-tools with their runtime
dependencies, plus log4j $log4j2 and its SLF4J binding); bin/ and config/ are the
collection's own.
TXT
  mkdir -p "$out"
  pack "$tmp" "$name" > "$out/$name.tgz.part"
  mv "$out/$name.tgz.part" "$out/$name.tgz"
  (cd "$out" && sha512sum "$name.tgz" > "$name.tgz.sha512")
  echo "$stamp" > "$out/.inputs"
  rm -rf "$tmp"
}

build_dapr() {
  local out="$EB_MIRROR/dapr/v$DAPR_VERSION"
  local stamp
  stamp=$(inputs_hash build.sh dapr/go.mod dapr/go.sum)
  if [ -f "$out/scheduler_linux_amd64.tar.gz.sha256" ] && [ "$(cat "$out/.inputs" 2>/dev/null)" = "$stamp" ]; then
    echo "mirror: dapr $DAPR_VERSION is up to date"
    return
  fi
  echo "mirror: building dapr $DAPR_VERSION from the Go module proxy"
  local tmp
  tmp=$(mktemp -d)
  # As Dapr's release build: static binaries with the version stamped in; the
  # `stablecomponents` tag registers every stable component, the Kafka pub/sub and the
  # local file and env secret stores among them.
  (
    cd "$here/dapr"
    export CGO_ENABLED=0 GOOS=linux GOARCH=amd64
    go build -tags stablecomponents -trimpath \
      -ldflags "-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=$DAPR_VERSION" -o "$tmp/" \
      github.com/dapr/dapr/cmd/daprd github.com/dapr/dapr/cmd/placement github.com/dapr/dapr/cmd/scheduler
  )
  mkdir -p "$out"
  local bin
  for bin in daprd placement scheduler; do
    pack "$tmp" "$bin" > "$out/${bin}_linux_amd64.tar.gz"
    (cd "$out" && sha256sum "${bin}_linux_amd64.tar.gz" > "${bin}_linux_amd64.tar.gz.sha256")
  done
  echo "$stamp" > "$out/.inputs"
  rm -rf "$tmp"
}

# The wheels of the reference service for hosts without an index: binary wheels only, for
# the Pythons of Debian 12 and 13 on x86_64, exactly the pinned set for each (the
# requirements file pins every transitive dependency; a missing pin fails the build rather
# than drifting). Keyed by the requirements file and the targets, so a warm run downloads
# nothing.
build_python() {
  local out="$EB_MIRROR/python"
  local req="$EB_ROOT/examples/fte_service/requirements.txt"
  local platforms=(--platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux_2_28_x86_64)
  local stamp
  stamp=$( (cat "$req"; echo "$WHEELHOUSE_PYTHON_VERSIONS ${platforms[*]}") | sha256sum | cut -c1-16)
  if [ "$(cat "$out/.inputs" 2>/dev/null)" = "$stamp" ]; then
    echo "mirror: python wheelhouse is up to date"
    return
  fi
  local tmp version pinned got
  mkdir -p "$EB_MIRROR"
  tmp=$(mktemp -d "$EB_MIRROR/.python.XXXXXX")
  pinned=$(grep -cE '^[A-Za-z0-9]' "$req")
  for version in $WHEELHOUSE_PYTHON_VERSIONS; do
    echo "mirror: downloading the python $version wheelhouse of examples/fte_service"
    mkdir "$tmp/$version"
    pip download -q --disable-pip-version-check --only-binary=:all: --python-version "$version" \
      "${platforms[@]}" -d "$tmp/$version" -r "$req"
    got=$(find "$tmp/$version" -name '*.whl' | wc -l)
    if [ "$pinned" != "$got" ]; then
      echo "mirror: $req pins $pinned packages but pip downloaded $got wheels for python $version; pin every dependency" >&2
      ls "$tmp/$version" >&2
      rm -rf "$tmp"
      exit 1
    fi
    # Pure-Python wheels are the same file for every version.
    mv -f "$tmp/$version"/*.whl "$tmp/"
    rmdir "$tmp/$version"
  done
  echo "$stamp" > "$tmp/.inputs"
  chmod 0755 "$tmp"
  rm -rf "$out"
  mv "$tmp" "$out"
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(kafka dapr python)
for target in "${targets[@]}"; do
  "build_$target"
done
