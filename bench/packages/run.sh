#!/usr/bin/env bash
# Package benchmark (issue 3): bench/packages/run.sh [SIZE_MIB] [SMALL_INSTALLS] [WORK_DIR]
# Needs cairn-core, cairn-storage, cairn-store-zk and cairn-packages built (mvn install).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
java="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
cp_file="$root/cairn-packages/target/bench.classpath"
(cd "$root" && ./mvnw -B -q -o -pl cairn-packages dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null)
exec "$java" -Xmx${BENCH_XMX:-512m} -XX:+UseG1GC -cp "$root/cairn-packages/target/classes:$(cat "$cp_file")" "$here/PackagesBench.java" "$@"
