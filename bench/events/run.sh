#!/usr/bin/env bash
# Event log benchmark (issue 7): bench/events/run.sh [EVENTS] [WORK_DIR]
# BENCH_JAVA_OPTS=-Dsun.net.httpserver.nodelay=true measures the HTTP queries with TCP_NODELAY.
# Runs this checkout's own modules (compiled here first; nothing is installed into the local repository).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
java="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
cp_file="$root/cairn-controller/target/bench.classpath"
# compiled in the same build, the project's modules resolve to their target/classes
(cd "$root" && ./mvnw -B -q -o -pl cairn-controller -am compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cp_file" >/dev/null)
classpath="$root/cairn-controller/target/classes:$(cat "$cp_file")"
exec "$java" ${BENCH_JAVA_OPTS:-} -Xmx${BENCH_XMX:-512m} -XX:+UseG1GC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$classpath" "$here/EventsBench.java" "$@"
