#!/usr/bin/env bash
# How run time and peak memory grow with replications, services and horizon, on the
# baseline scenario (simulation only: --no-report). Prints a Markdown table.
# Usage: scripts/scaling.sh [path/to/whoruns]   (default: the release binary)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-${CARGO_TARGET_DIR:-target}/release/whoruns}
[ -x "$bin" ] || { echo "build it first: cargo build --release" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Scenario variants: the baseline with its services copied k times (k × 24 services, same
# teams), and with other horizons.
python3 - "$work" <<'PY'
import re, sys
work = sys.argv[1]
text = open("scenarios/baseline.toml").read()
head, first, rest = text.partition("[[services]]")
services = first + rest
blocks = ["[[services]]" + b for b in services.split("[[services]]")[1:]]
def copies(k):
    out = []
    for i in range(k):
        for b in blocks:
            b = re.sub(r'name = "([^"]+)"', lambda m: f'name = "{m.group(1)}-{i}"' if i else m.group(0), b, count=1)
            b = re.sub(r'depends_on = \[[^\]]*\][^\n]*\n', "" if i else r"\g<0>", b)
            out.append(b)
    return head + "".join(out)
no_deps = lambda b: re.sub(r'depends_on = \[[^\]]*\][^\n]*\n', "", b)
open(f"{work}/s12.toml", "w").write(head + "".join(no_deps(b) for b in blocks[:12]))
open(f"{work}/s24.toml", "w").write(text)
open(f"{work}/s48.toml", "w").write(copies(2))
for days in (91, 182, 365):
    open(f"{work}/h{days}.toml", "w").write(re.sub(r'horizon = "[^"]+"', f'horizon = "{days}d"', text, count=1))
PY

measure() { # label scenario replications
  local out
  if ! out=$( { /usr/bin/time -f "%e %M" "$bin" run "$2" --replications "$3" --out "$work/out" --force --quiet --no-report; } 2>&1 ); then
    echo "run failed: $1: $out" >&2
    exit 1
  fi
  out=$(tail -1 <<<"$out")
  printf '| %s | %s | %s s | %s MB |\n' "$1" "$3" "${out% *}" "$(( ${out#* } / 1024 ))"
}
echo "| size | replications | wall time | peak memory |"
echo "|---|---|---|---|"
for n in 250 500 1000; do measure "24 services, 365 days" scenarios/baseline.toml "$n"; done
for s in 12 24 48; do measure "$s services, 365 days" "$work/s$s.toml" 500; done
for d in 91 182 365; do measure "24 services, $d days" "$work/h$d.toml" 500; done
