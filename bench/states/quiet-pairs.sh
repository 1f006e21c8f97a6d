#!/usr/bin/env bash
# Quiet-moment pairs for the states benchmark: the bash script of bench/states/run.sh, then
# `./cairn state apply FILE --local` (ansible mode) on the same 400 states, taken only at moments
# when nothing else is runnable on the machine (procs_running in /proc/stat is 1: this script).
# On a shared machine run.sh's medians mostly measure the other work; these pairs show the ratio a
# quiet machine gives. The run queue is printed before the pair, after bash and after cairn.
#
# Usage: bench/states/quiet-pairs.sh [PAIRS] [MAX_WAIT_SECONDS]   (after one ./cairn state apply --local)
set -euo pipefail
PAIRS=${1:-5}
MAX_WAIT=${2:-300}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/cairn-quiet-pairs.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
running() { awk '/^procs_running/ {print $2}' /proc/stat; }
now() { date +%s.%N; }

{
  printf '#!/usr/bin/env bash\nset -e\nmkdir -p %s/files\n' "$WORK"
  for i in $(seq 1 200); do printf '/bin/true\n'; done
  for i in $(seq 1 200); do printf 'printf "small file %d\\n" > %s/files/f%d.txt\n' "$i" "$WORK" "$i"; done
} > "$WORK/bench.sh"
chmod +x "$WORK/bench.sh"
{
  for i in $(seq 1 200); do printf 'true_%d:\n  cmd.run:\n    - name: /bin/true\n' "$i"; done
  for i in $(seq 1 200); do printf 'file_%d:\n  file.managed:\n    - name: %s/cfiles/f%d.txt\n    - contents: "small file %d"\n' "$i" "$WORK" "$i" "$i"; done
} > "$WORK/bench.sls"

echo "| time | bash script | ./cairn state apply --local | ratio | run queue before / after bash / after cairn | load average |"
echo "|---|---|---|---|---|---|"
n=0
deadline=$(( $(date +%s) + MAX_WAIT ))
while (( n < PAIRS && $(date +%s) < deadline )); do
  [[ ! -e "$ROOT/cairn-cli/target/cairn-state-local.aot.lock" ]] || { sleep 1; continue; } # AOT cache being made
  q0=$(running)
  if (( q0 > 1 )); then sleep 0.2; continue; fi
  rm -rf "$WORK/files" "$WORK/cfiles" "$WORK/state"; mkdir -p "$WORK/cfiles"
  t0=$(now); "$WORK/bench.sh"; t1=$(now); q1=$(running)
  "$ROOT/cairn" state apply "$WORK/bench.sls" --local --state-dir "$WORK/state" > "$WORK/out.log" 2>&1 \
    || { echo "cairn failed:"; tail -20 "$WORK/out.log"; exit 1; }
  t2=$(now); q2=$(running)
  if grep -q 'building the distribution' "$WORK/out.log"; then continue; fi
  [[ $(ls "$WORK/cfiles" | wc -l) -eq 200 && $(ls "$WORK/files" | wc -l) -eq 200 ]] || { echo "a run did not write 200 files"; exit 1; }
  printf '| %s | %.3f | %.3f | %.2fx | %s / %s / %s | %s |\n' "$(date +%T)" "$(echo "$t1 - $t0" | bc -l)" "$(echo "$t2 - $t1" | bc -l)" \
    "$(echo "($t2 - $t1) / ($t1 - $t0)" | bc -l)" "$q0" "$q1" "$q2" "$(cut -d' ' -f1-3 /proc/loadavg)"
  n=$((n + 1))
done
(( n == PAIRS )) || echo "only $n of $PAIRS pairs: the machine was not quiet often enough within ${MAX_WAIT}s"
