#!/usr/bin/env bash
# Store benchmark (issue 15): bench/store/run.sh [TRANSACTIONS] [WATCH_NOTIFICATIONS] [WORK_DIR]
# The same work on etcd and ZooKeeper, each through its Cairn adapter and through its own client
# (jetcd, Curator) directly: versioned 3-operation transactions per second (1 and 4 threads) and
# watch notification latency p50/p99. Needs etcd on PATH (Debian package etcd-server) and JDK 25;
# compiles cairn-store-etcd and cairn-store-zk in this checkout (no install).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
java="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
command -v etcd >/dev/null || { echo "bench/store: etcd not found (apt-get install etcd-server)" >&2; exit 1; }
(cd "$root" && ./mvnw -B -q -o -pl cairn-store-etcd,cairn-store-zk -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null)
cp="$root/cairn-store-etcd/target/classes:$root/cairn-store-zk/target/classes"
cp="$cp:$(cat "$root/cairn-store-etcd/target/bench.classpath"):$(cat "$root/cairn-store-zk/target/bench.classpath")"
exec "$java" -Xmx${BENCH_XMX:-512m} -XX:+UseG1GC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$cp" "$here/StoreBench.java" "$@"
