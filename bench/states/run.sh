#!/usr/bin/env bash
# States benchmark: 200 cmd.run states running /bin/true + 200 file.managed states writing small
# files, applied with `cairn state apply --local` (whole process, JVM start included), against
# `ansible-playbook -c local` running the equivalent 400 tasks (gather_facts: false) and a bash
# script doing the same work. All measured in the same run, on the same machine.
#
# Usage: bench/states/run.sh [REPEATS]   (run from the repository root; needs JDK 25, ansible-core)
# Results: bench/results/states-*.txt (gitignored) and a markdown table on stdout.
set -euo pipefail
REPEATS=${1:-5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
OUT=$ROOT/bench/results
WORK=$(mktemp -d /tmp/cairn-bench-states.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

# ---- build a lean class path: the state/module command classes, cairn-states + runtime deps, picocli ----
if [[ -z "${SKIP_BUILD:-}" ]]; then
  ./mvnw -B -o -q -pl cairn-states install -DskipTests
fi
./mvnw -B -o -q -pl cairn-states dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
PICOCLI=$(find ~/.m2/repository/info/picocli/picocli -name 'picocli-*.jar' | sort | tail -1)
DEPS=$(tr ':' '\n' < "$WORK/cp.txt" | grep -v -e junit -e opentest4j -e apiguardian | paste -sd:)
STATES_JAR="$ROOT/cairn-states/target/cairn-states-0.1.0-SNAPSHOT.jar"
# compile only the CLI classes of `cairn state` / `cairn module` (AppCDS needs jars, not directories)
JDK_BIN=$(dirname "$JAVA")
mkdir -p "$WORK/cli"
"$JDK_BIN/javac" -q --release 21 -nowarn -cp "$STATES_JAR:$DEPS:$PICOCLI" -d "$WORK/cli" \
  cairn-cli/src/main/java/dev/cairn/cli/StateCommand.java cairn-cli/src/main/java/dev/cairn/cli/StateApplyCommand.java \
  cairn-cli/src/main/java/dev/cairn/cli/ModuleCommand.java cairn-cli/src/main/java/dev/cairn/cli/StateRunCommands.java \
  cairn-cli/src/main/java/dev/cairn/cli/ClientOptions.java cairn-cli/src/main/java/dev/cairn/cli/Table.java 2>/dev/null || \
"$JDK_BIN/javac" --release 21 -nowarn -cp "$STATES_JAR:$DEPS:$PICOCLI" -d "$WORK/cli" \
  cairn-cli/src/main/java/dev/cairn/cli/StateCommand.java cairn-cli/src/main/java/dev/cairn/cli/StateApplyCommand.java \
  cairn-cli/src/main/java/dev/cairn/cli/ModuleCommand.java cairn-cli/src/main/java/dev/cairn/cli/StateRunCommands.java \
  cairn-cli/src/main/java/dev/cairn/cli/ClientOptions.java cairn-cli/src/main/java/dev/cairn/cli/Table.java
"$JDK_BIN/jar" cf "$OUT/cairn-cli-states.jar" -C "$WORK/cli" .
CP="$OUT/cairn-cli-states.jar:$STATES_JAR:$DEPS:$PICOCLI"
JSA="$OUT/cairn-states.jsa"
rm -f "$JSA"
# C1 only, serial GC, a dynamic AppCDS archive (created by the warm-up run), no perf data file,
# (child processes use the JDK default posix_spawn; VFORK is faster but deprecated in JDK 25)
JVM_OPTS=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile="$JSA"
          -Xlog:cds=off -Xlog:cds+dynamic=off)
cairn() { "$JAVA" "${JVM_OPTS[@]}" -cp "$CP" dev.cairn.cli.StateCommand "$@"; }

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

measure() { # name, repeats, command (run in a fresh work dir; the first apply creates everything)
  local name=$1 reps=$2; shift 2
  local times=()
  for r in $(seq 1 "$reps"); do
    local d="$WORK/$name-$r"
    gen "$d"
    local t0 t1
    t0=$(now)
    "$@" "$d" > "$d/out.log" 2>&1 || { echo "$name failed, see $d/out.log"; cat "$d/out.log" | tail -20; exit 1; }
    t1=$(now)
    [[ $(ls "$d/files" | wc -l) -eq 200 ]] || { echo "$name did not write 200 files"; exit 1; }
    times+=("$(elapsed "$t0" "$t1")")
  done
  printf '%s\n' "${times[@]}" | median
}

run_bash() { "$1/bench.sh"; }
run_cairn() { cairn apply "$1/bench.sls" --local --state-dir "$1/state" --mode "${CAIRN_MODE:-ansible}"; }
run_cairn_again() { cairn apply "$1/bench.sls" --local --state-dir "$1/state" >/dev/null && cairn apply "$1/bench.sls" --local --state-dir "$1/state" --json > "$1/second.json"; }
run_ansible() { ANSIBLE_NOCOLOR=1 ansible-playbook -c local -i localhost, "$1/bench.yml"; }

command -v ansible-playbook >/dev/null || { echo "ansible-playbook not found (apt-get install ansible-core)"; exit 1; }

# warm the CDS archive once (not measured)
gen "$WORK/warm"; cairn apply "$WORK/warm/bench.sls" --local --state-dir "$WORK/warm/state" >/dev/null

BASH_T=$(measure bash "$REPEATS" run_bash)
CAIRN_T=$(CAIRN_MODE=ansible measure cairn-ansible "$REPEATS" run_cairn)
CAIRN_J=$(CAIRN_MODE=justdoit measure cairn-justdoit "$REPEATS" run_cairn)
ANS_T=$(measure ansible "${ANSIBLE_REPEATS:-1}" run_ansible)

# idempotence check: the second apply reports no changes
gen "$WORK/idem"; run_cairn_again "$WORK/idem"
CHANGED=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for s in d["states"] if s["function"]=="file.managed" and s["changes"]))' "$WORK/idem/second.json")

{
  echo "| run | median seconds | vs bash | Ansible / this |"
  echo "|---|---|---|---|"
  printf '| bash script | %.3f | 1.00x | %.1fx |\n' "$BASH_T" "$(echo "$ANS_T / $BASH_T" | bc -l)"
  printf '| cairn state apply --local (ansible mode) | %.3f | %.2fx | %.1fx |\n' "$CAIRN_T" "$(echo "$CAIRN_T / $BASH_T" | bc -l)" "$(echo "$ANS_T / $CAIRN_T" | bc -l)"
  printf '| cairn state apply --local --mode justdoit | %.3f | %.2fx | %.1fx |\n' "$CAIRN_J" "$(echo "$CAIRN_J / $BASH_T" | bc -l)" "$(echo "$ANS_T / $CAIRN_J" | bc -l)"
  printf '| ansible-playbook -c local | %.3f | %.1fx | 1.0x |\n' "$ANS_T" "$(echo "$ANS_T / $BASH_T" | bc -l)"
  echo
  echo "repeats: $REPEATS (ansible: ${ANSIBLE_REPEATS:-1}); cores: $(nproc); java: $("$JAVA" -version 2>&1 | head -1); ansible: $(ansible-playbook --version | head -1)"
  echo "second cairn apply: file.managed states reporting changes: $CHANGED (cmd.run always reports pid/retcode/stdout as changes, as Salt does)"
} | tee "$OUT/states-$(date +%Y%m%d-%H%M%S).txt"
