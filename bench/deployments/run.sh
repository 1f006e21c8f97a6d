#!/usr/bin/env bash
# Deployments benchmarks (see docs/benchmarks.md, "Deployments"):
#   failover  — 3 agent processes, one service, kill -9 of the node running it KILLS times (default 20);
#               time until the deployment reports it running on another node.
#   scale     — 100 in-process agents, 1,000 services (10 deployments x 100): time to converge after
#               applying, and after killing 10 agents.
# Usage: bench/deployments/run.sh [failover [KILLS]] [scale]   (from the repository root; JDK 25)
# Needs cairn-agent, cairn-controller and cairn-cli built (./mvnw -B -o -q -pl cairn-agent,cairn-controller,cairn-cli install -DskipTests).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
WORK=$(mktemp -d /tmp/cairn-bench-deploy.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
./mvnw -B -o -q -pl cairn-cli dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
./mvnw -B -o -q -pl cairn-controller dependency:build-classpath -Dmdep.outputFile="$WORK/cp2.txt" >/dev/null
CP="$ROOT/cairn-cli/target/classes:$(cat "$WORK/cp.txt"):$(cat "$WORK/cp2.txt")"
# run from copies: a build elsewhere in this checkout must not replace a jar under the running benchmark
mkdir -p "$WORK/lib"
cp -r "$ROOT/cairn-cli/target/classes" "$WORK/cli-classes"
COPY="$WORK/cli-classes"
IFS=: read -ra ENTRIES <<< "$(cat "$WORK/cp.txt"):$(cat "$WORK/cp2.txt")"
for e in "${ENTRIES[@]}"; do
  [[ -f "$e" ]] || continue
  n="$WORK/lib/$(basename "$(dirname "$e")")-$(basename "$e")"
  [[ -f "$n" ]] || cp "$e" "$n"
  COPY="$COPY:$n"
done
CP="$COPY"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
what=${1:-failover}
if [[ "$what" == failover ]]; then
  "$JAVA" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" bench/deployments/FailoverBench.java "${2:-20}"
  shift $(( $# >= 2 ? 2 : 1 )) || true
  what=${1:-}
fi
if [[ "$what" == scale ]]; then
  "$JAVA" -Xss512k -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" bench/deployments/ScaleBench.java
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
