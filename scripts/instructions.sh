#!/usr/bin/env bash
# Instructions executed by the bundled workloads, counted by valgrind (cachegrind, no cache
# simulation): a figure that does not move with the machine's load or clock, so a change
# of 1-2% can be seen on a VM whose wall time drifts by 10-20% within an hour
# (docs/performance.md, sessions 15-17). Given two binaries, it counts both and prints the
# change; with one, its counts. Wall time is still the target: this says which way a change
# moves the work, and by how much, when the clock cannot.
#
# Usage: scripts/instructions.sh [--quick] BINARY [BINARY_AFTER]
#   --quick   leave out the report's run (`baseline -n 20` with the report: the strengths
#             of learning and the charts; about 40 s of the minute a binary takes)
#
# Each workload runs on one worker thread (`--threads 1`) into a temporary folder. Counts
# repeat to within about 0.1% (the writer's and the workers' hand-offs vary a little);
# read a change below 0.2% as none. Build with `cargo build --release --locked` (or with
# the profiling profile: the counts are the same code's).
set -euo pipefail
quick=0
bins=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    *) bins+=("$1"); shift ;;
  esac
done
case ${#bins[@]} in
  1|2) ;;
  *) echo "give one binary, or two to compare (see --help)" >&2; exit 2 ;;
esac
# The binaries' paths as given (from wherever the script is run), before moving to the
# project's root, where the scenarios are.
for i in "${!bins[@]}"; do
  [ -f "${bins[$i]}" ] && [ -x "${bins[$i]}" ] || { echo "no executable at ${bins[$i]}" >&2; exit 1; }
  bins[$i]=$(realpath -- "${bins[$i]}")
done
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "needs valgrind (Debian: apt-get install valgrind)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

workloads=(
  "run scenarios/mmc-check.toml -n 50 --threads 1 --no-report -q"
  "run scenarios/baseline.toml -n 10 --threads 1 --no-report -q"
  "run scenarios/estate-200.toml -n 2 --threads 1 --no-report -q"
)
[ "$quick" = 1 ] || workloads+=("run scenarios/baseline.toml -n 20 --threads 1 -q")

# Instructions of one command, in millions with one decimal.
count() {
  local bin=$1; shift
  local log="$work/log"
  if ! valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
      "$bin" "$@" --out "$work/out" --force >"$log" 2>&1; then
    echo "failed: $bin $*" >&2; tail -5 "$log" >&2; exit 1
  fi
  local n
  n=$(awk '/I *refs:/ { gsub(",", "", $NF); printf "%.1f", $NF / 1e6 }' "$log")
  [ -n "$n" ] || { echo "no instruction count (\"I refs:\") in valgrind's output for: $bin $*" >&2; exit 1; }
  echo "$n"
}

if [ ${#bins[@]} = 1 ]; then
  echo "| workload (\`whoruns ...\`) | instructions (M) |"
  echo "|---|---|"
else
  echo "| workload (\`whoruns ...\`) | before (M) | after (M) | change |"
  echo "|---|---|---|---|"
fi
for w in "${workloads[@]}"; do
  read -r -a args <<<"$w"
  a=$(count "${bins[0]}" "${args[@]}")
  if [ ${#bins[@]} = 1 ]; then
    echo "| ${args[*]} | $a |"
  else
    b=$(count "${bins[1]}" "${args[@]}")
    change=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%+.2f%%", (b - a) / a * 100 }')
    echo "| ${args[*]} | $a | $b | $change |"
  fi
done
