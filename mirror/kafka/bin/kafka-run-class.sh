#!/usr/bin/env bash
# Runs a Kafka main class with this installation's libs/ on the class path.
# Environment, as in the upstream scripts: JAVA_HOME, KAFKA_HEAP_OPTS,
# KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_LOG4J_OPTS, KAFKA_OPTS, LOG_DIR.
set -eu
if [ $# -lt 1 ]; then
  echo "usage: $0 CLASS [ARGS...]" >&2
  exit 1
fi
base_dir=$(cd "$(dirname "$0")/.." && pwd)
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
log_dir="${LOG_DIR:-$base_dir/logs}"
heap="${KAFKA_HEAP_OPTS:--Xmx256M}"
perf="${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true}"
log4j="${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$base_dir/config/tools-log4j2.properties}"
# Word splitting of the option strings is intended, as in the upstream scripts.
# shellcheck disable=SC2086
exec "$java" $heap $perf $log4j -Dkafka.logs.dir="$log_dir" ${KAFKA_OPTS:-} -cp "$base_dir/libs/*" "$@"
