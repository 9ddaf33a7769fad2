#!/bin/bash
# Usage: scripts/compare-outputs.sh BINARY OUT — runs BINARY on the bundled scenarios (every
# subcommand, shards and merges, refusals, validate on every scenario and bad file) into
# OUT, recording each command's stdout, stderr (elapsed times masked) and exit status.
# Run it with two builds into two folders and `diff -r` them to prove a change leaves every
# output byte-identical.

set -u
[ $# -eq 2 ] || { echo "usage: $0 BINARY OUT" >&2; exit 2; }
B=$(readlink -f "$1"); FINAL=$(realpath -m "$2")
[ -e "$FINAL" ] && { echo "$FINAL exists; give a folder that does not" >&2; exit 2; }
D="${TMPDIR:-/tmp}/whoruns-compare-work"; rm -rf "$D"; mkdir -p "$D"
cd "$(dirname "$0")/.."
printf '%s\n' "$(cat scenarios/baseline.toml)" "" "[sensitivity]" "range = 0.1" "[sensitivity.ranges]" '"costs.standby_per_hour" = [0.0, 20.0]' > "${TMPDIR:-/tmp}/whoruns-compare-ranges.toml"
i=0
c() { i=$((i+1)); "$B" "$@" >"$D/out.$i" 2>"$D/err.$i"; echo $? >"$D/rc.$i"; echo "$*" > "$D/cmd.$i"; sed -i -E 's/[0-9]+\.[0-9]+ s\b/X s/g; s/\[[0-9:]+\]//g' "$D/out.$i" "$D/err.$i"; }
c run scenarios/baseline.toml -n 20 -o $D/run
c run scenarios/baseline.toml -n 6 --no-report -o $D/norep
c report $D/norep
c run scenarios/large-estate.toml -n 4 -o $D/large
c run scenarios/mmc-check.toml -n 4 --no-report -o $D/mmc
c run scenarios/baseline.toml -n 4 --precision 0.3 --max-replications 12 -o $D/prec
c run scenarios/baseline.toml -n 3 --incident-log --no-report -o $D/ilog
c run scenarios/baseline.toml -n 6 --shard 1/2 -o $D/rs1
c run scenarios/baseline.toml -n 6 --shard 2/2 -o $D/rs2
c merge $D/rs1 $D/rs2 -o $D/rmerged
c sweep scenarios/sweep-estate.toml -n 6 --steps 4 -o $D/sweep
c sweep scenarios/sweep-availability.toml -n 4 -o $D/sweepav
c sweep scenarios/baseline.toml --param costs.standby_per_hour=0..40 --param groups.ops.estate_services=24..200:log --steps 3 -n 4 -o $D/grid
c sweep scenarios/baseline.toml --param groups.ops.estate_services=24..200:log --steps 4 -n 4 -o $D/sweeplog
c sweep scenarios/sweep-estate.toml --steps 3 -n 4 --precision 0.3 --max-replications 10 -o $D/sweepprec
c sweep scenarios/sweep-estate.toml -n 4 --steps 4 --shard 1/2 -o $D/ss1
c sweep scenarios/sweep-estate.toml -n 4 --steps 4 --shard 2/2 -o $D/ss2
c merge $D/ss1 $D/ss2 -o $D/smerged
c sensitivity scenarios/baseline.toml -n 3 -o $D/sens
c sensitivity "${TMPDIR:-/tmp}/whoruns-compare-ranges.toml" --params costs.standby_per_hour,costs.callout_per_page --models you-run,ops-run -n 3 -o $D/sensr
c sensitivity scenarios/baseline.toml -n 3 --params costs.standby_per_hour,groups.ops.salary,groups.ops.knowledge --shard 1/2 -o $D/se1
c sensitivity scenarios/baseline.toml -n 3 --params costs.standby_per_hour,groups.ops.salary,groups.ops.knowledge --shard 2/2 -o $D/se2
c merge $D/se1 $D/se2 -o $D/semerged
c calibrate scenarios/data/sample-incidents.csv --out $D/cal
c calibrate scenarios/data/sample-incidents.csv --organisation scenarios/data/sample-organisation.toml --out $D/calorg
c calibrate scenarios/data/pagerduty-example.csv --out $D/calpd
c calibrate scenarios/data/incident-io-example.csv --out $D/calio
c run scenarios/baseline.toml -n 1 -o $D/x1
c run scenarios/baseline.toml --precision 2 -o $D/x2
c run scenarios/baseline.toml --shard 3/2 -o $D/x3
c run scenarios/baseline.toml --threads 0 -o $D/x4
c run scenarios/baseline.toml -n 20 --max-events 1000 -o $D/x5
c sweep scenarios/baseline.toml -o $D/x6
c sweep scenarios/baseline.toml --param nope -o $D/x7
c sweep scenarios/baseline.toml --param a=1..2 --param b=1..2 --param c=1..2 -o $D/x8
c sweep scenarios/baseline.toml --param costs.standby_per_hour=-5..5 --steps 3 -o $D/x9
c sweep scenarios/baseline.toml --param name=1..2 --steps 3 -o $D/x10
c sweep scenarios/baseline.toml --param costs.standby_per_hour=0..5:cubic -o $D/x11
c sweep scenarios/baseline.toml --param costs.standby_per_hour=0..5 --steps 50 -n 200 --max-events 100000 -o $D/x12
c sensitivity scenarios/baseline.toml --range 2 -o $D/x13
c sensitivity scenarios/baseline.toml --models you-run,you-run -o $D/x14
c sensitivity scenarios/baseline.toml --models you-run -o $D/x15
c sensitivity scenarios/baseline.toml --models you-run,nope -o $D/x16
c sensitivity scenarios/baseline.toml --params costs.currency -n 3 -o $D/x17
c sensitivity scenarios/baseline.toml --params groups.ops.knowledge -n 3 -o $D/x18
c sensitivity scenarios/baseline.toml -n 1 -o $D/x19
c sensitivity scenarios/baseline.toml -n 50 --max-events 1000 -o $D/x20
c report $D/norep --models you-run,nope
c report $D/norep --models you-run,ops-run --reference sre-run
c report $D/norep --models ops-run,you-run
c calibrate /nonexistent.csv --out $D/x21
c calibrate scenarios --out $D/x22
c calibrate scenarios/baseline.toml --out $D/x23
c run scenarios/baseline.toml -n 20 -o $D/run
for f in scenarios/*.toml scenarios/data/*.toml tests/bad/*; do c validate "$f"; done
mv "$D" "$FINAL"
