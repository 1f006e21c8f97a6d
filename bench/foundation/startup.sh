#!/usr/bin/env bash
# Start-up of the embedded cluster: time from launching `cairn up --agents 3` until /healthz
# answers and until 3 nodes are up, against a bare JVM start (`java -version`) in the same run.
# Usage: bench/foundation/startup.sh [runs]   (default 5); prints a Markdown table.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
RUNS="${1:-5}"
"$ROOT/cairn" --version >/dev/null   # builds the distribution if needed, outside the timing
JAVA_BIN="$(ls -d /usr/lib/jvm/*/bin/java | while read -r j; do v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$(dirname "$(dirname "$j")")/release" 2>/dev/null); [ "${v:-0}" -ge 21 ] && echo "$j"; done | tail -n1)"
now() { date +%s.%N; }
port=17970
health=(); nodes=(); jvm=()
for i in $(seq 1 "$RUNS"); do
  t0=$(now); "$JAVA_BIN" -version >/dev/null 2>&1; t1=$(now); jvm+=("$(echo "$t1 - $t0" | bc)")
  data="$(mktemp -d)"
  t0=$(now)
  "$ROOT/cairn" up --agents 3 --port "$port" --data "$data" >/dev/null 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.02; done
  t1=$(now)
  until [ "$(curl -sf "http://127.0.0.1:$port/api/v1/nodes" | grep -o '"state":"up"' | wc -l)" -ge 3 ]; do sleep 0.02; done
  t2=$(now)
  kill -TERM "$pid"; wait "$pid" || true
  rm -rf "$data"
  health+=("$(echo "$t1 - $t0" | bc)"); nodes+=("$(echo "$t2 - $t0" | bc)")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2==1) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
echo "| measure ($RUNS runs, median) | seconds |"
echo "|---|---|"
echo "| bare JVM start (\`java -version\`), reference | $(median "${jvm[@]}") |"
echo "| \`cairn up --agents 3\` → /healthz answers | $(median "${health[@]}") |"
echo "| \`cairn up --agents 3\` → 3 nodes up | $(median "${nodes[@]}") |"
