#!/usr/bin/env bash
# Load test of `whoruns serve`: CLIENTS clients (20) each changing levers as fast as the
# server answers for SECONDS (60) against 127.0.0.1; counts responses by status, samples
# the server's resident memory every second, and checks that the server still answers.
# Usage: scripts/serve-load.sh [WHORUNS_BINARY] [SCENARIO] [CLIENTS] [SECONDS]
set -euo pipefail
bin=${1:-${CARGO_TARGET_DIR:-target}/debug/whoruns}
scenario=${2:-scenarios/baseline.toml}
clients=${3:-20}
seconds=${4:-60}
work=$(mktemp -d)
"$bin" serve "$scenario" --port 0 >"$work/out" 2>"$work/err" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q http "$work/out" && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$work/out")
echo "server $server at $url"
end=$(( $(date +%s) + seconds ))
for c in $(seq "$clients"); do
  (
    i=0
    while [ "$(date +%s)" -lt "$end" ]; do
      i=$((i + 1))
      v=$(( 5 + (c * 7 + i) % 40 ))
      curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
        --data "{\"values\": {\"costs.standby_per_hour\": $v, \"teams.0.headcount\": $(( 4 + i % 6 ))}}" \
        "${url}api/edit"
      if [ $((i % 5)) -eq 0 ]; then curl -s -o /dev/null -w '%{http_code}\n' "${url}api/answer"; fi
    done >"$work/client-$c"
  ) &
done
peak=0
while [ "$(date +%s)" -lt "$end" ]; do
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")
  [ "$rss" -gt "$peak" ] && peak=$rss
  sleep 1
done
wait $(jobs -p | grep -v "^$server$") 2>/dev/null || true
echo "requests by status:"
cat "$work"/client-* | sort | uniq -c
echo "peak resident memory: $((peak / 1024)) MiB"
code=$(curl -s -o /dev/null -w '%{http_code}' "${url}api/levers")
echo "after the load: GET /api/levers -> $code"
[ "$code" = 200 ]
