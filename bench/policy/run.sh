#!/usr/bin/env bash
# Policy scheduler benchmark: Cairn's scheduler against Pacemaker's crm_simulate on generated
# clusters, whole process against whole process, in the same run. Never fails on a timing.
#
#   bench/policy/run.sh [NODESxRESOURCES ...]     default: 10x100 50x500 200x2000 1000x10000
#
# Env: JAVA (default temurin 25), S_MAX_RESOURCES (largest size for crm_simulate -S, default 500),
#      G_TIMEOUT / S_TIMEOUT (seconds, default 900 / 900), REPEAT (our runs per size, default 3),
#      SEED (default 42).
# Needs: a built cairn-policy (./mvnw -pl cairn-policy install), crm_simulate (pacemaker-cli-utils),
#        GNU time (/usr/bin/time).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$ROOT/bench/results/policy"
mkdir -p "$OUT"
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
S_MAX_RESOURCES="${S_MAX_RESOURCES:-500}"
G_TIMEOUT="${G_TIMEOUT:-900}"
S_TIMEOUT="${S_TIMEOUT:-900}"
REPEAT="${REPEAT:-3}"
SEED="${SEED:-42}"
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(10x100 50x500 200x2000 1000x10000)

CORE_JAR="$(ls "$HOME"/.m2/repository/dev/cairn/cairn-core/0.1.0-SNAPSHOT/cairn-core-0.1.0-SNAPSHOT.jar)"
POLICY_JAR="$ROOT/cairn-policy/target/cairn-policy-0.1.0-SNAPSHOT.jar"
[ -f "$POLICY_JAR" ] || { echo "build cairn-policy first: ./mvnw -B -o -q -pl cairn-policy install" >&2; exit 2; }
CP="$POLICY_JAR:$CORE_JAR"
# Short-lived process: serial GC, C1 only, an application class-data archive created on first use.
JFLAGS=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss64m -Xlog:disable -XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$OUT/policy.jsa")
rm -f "$OUT/policy.jsa"   # rebuilt by the warm-up run for the current jar

timed() { # timed OUTFILE CMD... -> prints "wall_s cpu_s maxrss_kb exit" (cpu = user + system)
  local out="$1"; shift
  local tf; tf="$(mktemp)"
  set +e
  /usr/bin/time -f "%e %U %S %M" -o "$tf" "$@" > "$out" 2>/dev/null
  local rc=$?
  set -e
  tail -1 "$tf" | awk -v rc="$rc" '{printf "%s %.2f %s %s\n", $1, $2 + $3, $4, rc}'
  rm -f "$tf"
}

squash_section() { # file start end
  awk -v s="$2" -v e="$3" 'index($0,s)==1{on=1;next} e!="" && index($0,e)==1{on=0} on' "$1" | tr -d ' \t\n'
}

"$JAVA" "${JFLAGS[@]}" -cp "$CP" dev.cairn.policy.tool.GenerateMain 3 5 1 "$OUT/warmup.xml"
"$JAVA" "${JFLAGS[@]}" -cp "$CP" dev.cairn.policy.tool.SimulateMain "$OUT/warmup.xml" > /dev/null

RESULTS="$OUT/results.md"
{
  echo "Load average at start: $(cut -d' ' -f1-3 /proc/loadavg). Times are wall / CPU (user+system) seconds of the whole process; MB is peak RSS; speed-ups are wall-clock."
  echo
  echo "| nodes x resources | Cairn plan (s, MB) | crm_simulate -G -Q (s, MB) | speed-up | same graph actions | Cairn simulate (s, MB) | crm_simulate -S (s, MB) | speed-up | same summary + revised |"
  echo "|---|---|---|---|---|---|---|---|---|"
} > "$RESULTS"

median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

for size in "${SIZES[@]}"; do
  n="${size%x*}"; r="${size#*x}"
  f="$OUT/c${n}x${r}.xml"
  "$JAVA" -cp "$CP" dev.cairn.policy.tool.GenerateMain "$n" "$r" "$SEED" "$f"
  echo "== $size ($(wc -c < "$f") bytes)"

  # Cairn: plan + graph actions (scheduling alone), REPEAT runs, median
  times=(); cpus=(); mems=()
  for i in $(seq "$REPEAT"); do
    read -r t c m rc < <(timed "$OUT/c${n}x${r}.ours.actions" "$JAVA" "${JFLAGS[@]}" -cp "$CP" dev.cairn.policy.tool.SimulateMain "$f" --actions)
    times+=("$t"); cpus+=("$c"); mems+=("$m")
  done
  ours_plan_t="$(printf '%s\n' "${times[@]}" | median)"; ours_plan_c="$(printf '%s\n' "${cpus[@]}" | median)"; ours_plan_m="$(printf '%s\n' "${mems[@]}" | median)"
  echo "cairn plan: ${ours_plan_t}s wall ${ours_plan_c}s cpu ${ours_plan_m}KB"

  # Pacemaker: scheduling alone
  read -r gt gc gm grc < <(timed "$OUT/c${n}x${r}.crm-G.out" timeout "$G_TIMEOUT" crm_simulate -x "$f" -G "$OUT/c${n}x${r}.graph.xml" -Q)
  if [ "$grc" = "0" ]; then
    grep -o '<rsc_op [^>]*operation="\(start\|stop\)"[^>]*' "$OUT/c${n}x${r}.graph.xml" \
      | sed -E 's/.*operation_key="([^"]*)".*on_node="([^"]*)".*/\1 \2/' | sort -u > "$OUT/c${n}x${r}.crm.actions"
    sort -u "$OUT/c${n}x${r}.ours.actions" > "$OUT/c${n}x${r}.ours.sorted"
    if cmp -s "$OUT/c${n}x${r}.crm.actions" "$OUT/c${n}x${r}.ours.sorted"; then same_g="yes ($(wc -l < "$OUT/c${n}x${r}.crm.actions") actions)"; else same_g="NO (see $OUT/c${n}x${r}.*.actions)"; fi
    g_cell="$gt / $gc, $((gm / 1024))"
    g_ratio="$(awk -v a="$gt" -v b="$ours_plan_t" 'BEGIN{printf "%.1fx", a/b}')"
  else
    g_cell="did not finish in ${G_TIMEOUT}s"; g_ratio="-"; same_g="-"
  fi
  echo "crm_simulate -G -Q: $g_cell"

  # Cairn full simulate (what cairn policy simulate prints)
  times=(); cpus=(); mems=()
  for i in $(seq "$REPEAT"); do
    read -r t c m rc < <(timed "$OUT/c${n}x${r}.ours.sim" "$JAVA" "${JFLAGS[@]}" -cp "$CP" dev.cairn.policy.tool.SimulateMain "$f")
    times+=("$t"); cpus+=("$c"); mems+=("$m")
  done
  ours_sim_t="$(printf '%s\n' "${times[@]}" | median)"; ours_sim_c="$(printf '%s\n' "${cpus[@]}" | median)"; ours_sim_m="$(printf '%s\n' "${mems[@]}" | median)"
  echo "cairn simulate: ${ours_sim_t}s wall ${ours_sim_c}s cpu ${ours_sim_m}KB"

  s_cell="not run (over S_MAX_RESOURCES)"; s_ratio="-"; same_s="-"
  if [ "$r" -le "$S_MAX_RESOURCES" ]; then
    read -r st sc sm src < <(timed "$OUT/c${n}x${r}.crm-S.out" timeout "$S_TIMEOUT" crm_simulate -x "$f" -S)
    if [ "$src" = "0" ]; then
      s_cell="$st / $sc, $((sm / 1024))"
      s_ratio="$(awk -v a="$st" -v b="$ours_sim_t" 'BEGIN{printf "%.0fx", a/b}')"
      a1="$(squash_section "$OUT/c${n}x${r}.crm-S.out" "Transition Summary:" "Executing Cluster Transition:")"
      b1="$(squash_section "$OUT/c${n}x${r}.ours.sim" "Transition Summary:" "Revised Cluster Status:")"
      a2="$(squash_section "$OUT/c${n}x${r}.crm-S.out" "Revised Cluster Status:" "")"
      b2="$(squash_section "$OUT/c${n}x${r}.ours.sim" "Revised Cluster Status:" "")"
      if [ "$a1" = "$b1" ] && [ "$a2" = "$b2" ]; then same_s="yes"; else same_s="NO"; fi
    else
      s_cell="did not finish in ${S_TIMEOUT}s"
    fi
    echo "crm_simulate -S: $s_cell"
  fi
  echo "| $n x $r | $ours_plan_t / $ours_plan_c, $((ours_plan_m / 1024)) | $g_cell | $g_ratio | $same_g | $ours_sim_t / $ours_sim_c, $((ours_sim_m / 1024)) | $s_cell | $s_ratio | $same_s |" >> "$RESULTS"
done
echo
cat "$RESULTS"
