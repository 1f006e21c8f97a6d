#!/usr/bin/env bash
# States benchmark: 200 cmd.run states running /bin/true + 200 file.managed states writing small
# files, applied with `./cairn state apply FILE --local` exactly as a user runs it (the launcher script,
# JVM start and its class-data-sharing archive included), against
# `ansible-playbook -c local` running the equivalent 400 tasks (gather_facts: false) and a bash
# script doing the same work. All measured in the same run, on the same machine.
#
# Usage: bench/states/run.sh [REPEATS]   (needs a JDK >= 21 for ./cairn, bc, python3, ansible-core)
# Results: bench/results/states-*.txt (gitignored) and a markdown table on stdout.
set -euo pipefail
REPEATS=${1:-5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
OUT=$ROOT/bench/results
WORK=$(mktemp -d /tmp/cairn-bench-states.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- cairn exactly as a user runs it: the ./cairn launcher (JDK discovery, source check, class-data
# sharing archive, JVM options), `state apply FILE --local` ----
# The launcher rebuilds when sources are newer than the jar (other people may be editing this checkout
# while the benchmark runs): build first, and a sample during which the jar or the archive changed is
# thrown away and run again (counted in the output).
"$ROOT/cairn" --version >/dev/null
ARCHIVE=$ROOT/cairn-cli/target/cairn-state-local.jsa
AOT=$ROOT/cairn-cli/target/cairn-state-local.aot
JAR=$ROOT/cairn-cli/target/cairn-cli.jar
stamp() { { stat -c %Y.%s "$JAR" "$ARCHIVE" "$AOT" 2>/dev/null || true; } | paste -sd/; }
cairn() { "$ROOT/cairn" state "$@"; }

# ---- generate the three equivalent workloads ----
gen() {
  local dir=$1
  mkdir -p "$dir"
  {
    for i in $(seq 1 200); do printf 'true_%d:\n  cmd.run:\n    - name: /bin/true\n' "$i"; done
    for i in $(seq 1 200); do printf 'file_%d:\n  file.managed:\n    - name: %s/files/f%d.txt\n    - contents: "small file %d"\n' "$i" "$dir" "$i" "$i"; done
  } > "$dir/bench.sls"
  {
    printf -- '- hosts: localhost\n  gather_facts: false\n  tasks:\n'
    for i in $(seq 1 200); do printf '    - name: true_%d\n      ansible.builtin.command: /bin/true\n' "$i"; done
    for i in $(seq 1 200); do printf '    - name: file_%d\n      ansible.builtin.copy:\n        dest: %s/files/f%d.txt\n        content: "small file %d\\n"\n' "$i" "$dir" "$i" "$i"; done
  } > "$dir/bench.yml"
  {
    printf '#!/usr/bin/env bash\nset -e\nmkdir -p %s/files\n' "$dir"
    for i in $(seq 1 200); do printf '/bin/true\n'; done
    for i in $(seq 1 200); do printf 'printf "small file %d\\n" > %s/files/f%d.txt\n' "$i" "$dir" "$i"; done
  } > "$dir/bench.sh"
  mkdir -p "$dir/files"
  chmod +x "$dir/bench.sh"
}

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

measure_one() { # name, repeat number, command: one sample in a fresh work dir, appended to $WORK/times-NAME
  local name=$1 r=$2; shift 2
  local d="$WORK/$name-$r" t0 t1 s0 tries=0
  gen "$d"
  while :; do
    rm -rf "$d/files" "$d/state"; mkdir -p "$d/files"
    for _ in $(seq 1 300); do [[ -e "$AOT.lock" ]] || break; sleep 1; done # an AOT cache being assembled
    s0=$(stamp)
    times > "$d/cpu0"
    t0=$(now)
    "$@" "$d" > "$d/out.log" 2>&1 || { echo "$name failed, see $d/out.log" >&2; tail -20 "$d/out.log" >&2; exit 1; }
    t1=$(now)
    times > "$d/cpu1"
    [[ $name != cairn* || "$(stamp)" == "$s0" ]] && break
    echo "$name $r" >> "$WORK/retries"; tries=$((tries + 1))
    ((tries < 5)) || { echo "$name: the distribution kept changing during the runs" >&2; exit 1; }
  done
  [[ $(ls "$d/files" | wc -l) -eq 200 ]] || { echo "$name did not write 200 files" >&2; exit 1; }
  elapsed "$t0" "$t1" >> "$WORK/times-$name"
  echo "$(children_cpu "$d/cpu1") - $(children_cpu "$d/cpu0")" | bc -l >> "$WORK/cpu-$name"
  rm -rf "$d"
}
median_of() { median < "$WORK/times-$1"; }
cpu_of() { median < "$WORK/cpu-$1"; }
# user + system CPU seconds of this shell's finished children, from the `times` builtin's second line
children_cpu() { sed -n 2p "$1" | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); s += a[1] * 60 + a[2] } print s }'; }

run_bash() { "$1/bench.sh"; }
run_cairn() { cairn apply "$1/bench.sls" --local --state-dir "$1/state" --mode "${CAIRN_MODE:-ansible}"; }
run_cairn_again() { cairn apply "$1/bench.sls" --local --state-dir "$1/state" >/dev/null && cairn apply "$1/bench.sls" --local --state-dir "$1/state" --json > "$1/second.json"; }
run_ansible() { ANSIBLE_NOCOLOR=1 ansible-playbook -c local -i localhost, "$1/bench.yml"; }

command -v ansible-playbook >/dev/null || { echo "ansible-playbook not found (apt-get install ansible-core)"; exit 1; }

# warm the launcher's archive for `state apply --local` (not measured): the first run after a build makes it
# and, on JDK 25+, its AOT cache (assembled in the background after that run; wait for it)
gen "$WORK/warm"; cairn apply "$WORK/warm/bench.sls" --local --state-dir "$WORK/warm/state" >/dev/null
for _ in $(seq 1 300); do [[ -e "$AOT.lock" ]] || break; sleep 1; done
gen "$WORK/warm2"; cairn apply "$WORK/warm2/bench.sls" --local --state-dir "$WORK/warm2/state" >/dev/null
STARTUP_CACHE=$( [[ -f "$AOT" && "$AOT" -nt "$JAR" ]] && echo "AOT cache" || echo "class-data-sharing archive")

# bash and the two cairn modes take turns, so a change in machine load hits all three alike
for r in $(seq 1 "$REPEATS"); do
  measure_one bash "$r" run_bash
  CAIRN_MODE=ansible measure_one cairn-ansible "$r" run_cairn
  CAIRN_MODE=justdoit measure_one cairn-justdoit "$r" run_cairn
done
BASH_T=$(median_of bash); CAIRN_T=$(median_of cairn-ansible); CAIRN_J=$(median_of cairn-justdoit)
for r in $(seq 1 "${ANSIBLE_REPEATS:-1}"); do measure_one ansible "$r" run_ansible; done # ANSIBLE_REPEATS=0: skip it
ANS_T=$( [[ -s "$WORK/times-ansible" ]] && median_of ansible || echo 0)
RETRIES=$( [[ -f "$WORK/retries" ]] && wc -l < "$WORK/retries" || echo 0)

# idempotence check: the second apply reports no changes
gen "$WORK/idem"; run_cairn_again "$WORK/idem"
CHANGED=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for s in d["states"] if s["function"]=="file.managed" and s["changes"]))' "$WORK/idem/second.json")

{
  CB=$(cpu_of bash); CA=$(cpu_of cairn-ansible); CJ=$(cpu_of cairn-justdoit)
  echo "| run | median seconds | vs bash | Ansible / this | median CPU seconds (user+sys) | CPU vs bash |"
  echo "|---|---|---|---|---|---|"
  printf '| bash script | %.3f | 1.00x | %.1fx | %.2f | 1.00x |\n' "$BASH_T" "$(echo "$ANS_T / $BASH_T" | bc -l)" "$CB"
  printf '| ./cairn state apply --local (ansible mode) | %.3f | %.2fx | %.1fx | %.2f | %.2fx |\n' "$CAIRN_T" "$(echo "$CAIRN_T / $BASH_T" | bc -l)" "$(echo "$ANS_T / $CAIRN_T" | bc -l)" "$CA" "$(echo "$CA / $CB" | bc -l)"
  printf '| ./cairn state apply --local --mode justdoit | %.3f | %.2fx | %.1fx | %.2f | %.2fx |\n' "$CAIRN_J" "$(echo "$CAIRN_J / $BASH_T" | bc -l)" "$(echo "$ANS_T / $CAIRN_J" | bc -l)" "$CJ" "$(echo "$CJ / $CB" | bc -l)"
  printf '| ansible-playbook -c local | %.3f | %.1fx | 1.0x | | |\n' "$ANS_T" "$(echo "$ANS_T / $BASH_T" | bc -l)"
  echo
  echo "repeats: $REPEATS (ansible: ${ANSIBLE_REPEATS:-1}); cores: $(nproc); $("$ROOT/cairn" --version); ansible: $(ansible-playbook --version | sed -n 1p)"
  echo "samples (s): bash $(sort -g "$WORK/times-bash" | paste -sd' '); cairn ansible mode $(sort -g "$WORK/times-cairn-ansible" | paste -sd' '); cairn justdoit $(sort -g "$WORK/times-cairn-justdoit" | paste -sd' ')"
  echo "./cairn started the JVM with its $STARTUP_CACHE"
  echo "load average at the start: $LOAD0, at the end: $(cut -d' ' -f1-3 /proc/loadavg); cairn samples re-run because the distribution changed under them: $RETRIES"
  echo "second cairn apply: file.managed states reporting changes: $CHANGED (cmd.run always reports pid/retcode/stdout as changes, as Salt does)"
} | tee "$OUT/states-$(date +%Y%m%d-%H%M%S).txt"
