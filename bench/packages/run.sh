#!/usr/bin/env bash
# Package benchmark: bench/packages/run.sh [SIZE_MIB] [SMALL_INSTALLS] [WORK_DIR]
# Environment: BENCH_XMX (512m), BENCH_REPEATS (3), BENCH_SETTLE_S (5), BENCH_PARALLELISM (16),
# BENCH_WARMUP (2000 small installs before the measured ones; 0 = a cold JVM), BENCH_COUNT=1 (calls per install),
# BENCH_PRIME_MIB (0: an untimed large install of that size before the timed ones), BENCH_JVM_OPTS
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
# the JVM's options go in an argument file, so the command line stays short
args="$(mktemp /tmp/pkgbench-args.XXXXXX)"
trap 'rm -f "$args"' EXIT
slf4j_simple="$(ls ~/.m2/repository/org/slf4j/slf4j-simple/2.0.17/slf4j-simple-2.0.17.jar 2>/dev/null || true)"
# the GC a controller runs with (./cairn up|controller|agent); BENCH_JVM_OPTS adds options, e.g. -XX:TieredStopAtLevel=1
printf -- '-Xmx%s\n-XX:+UseG1GC\n-Dorg.slf4j.simpleLogger.defaultLogLevel=warn\n-cp\n%s\n%s\n' "${BENCH_XMX:-512m}" \
  "$classpath${slf4j_simple:+:$slf4j_simple}" \
  "$here/PackagesBench.java" > "$args"
# shellcheck disable=SC2086
"$java" ${BENCH_JVM_OPTS:-} "@$args" "$@"
