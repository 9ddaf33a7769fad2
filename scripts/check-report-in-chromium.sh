#!/usr/bin/env bash
# Renders a whoruns report.html in headless Chromium and checks that the page is not blank:
# the DOM holds the report's headings and five charts, and the screenshot has real content.
# Usage: scripts/check-report-in-chromium.sh output/baseline/report.html [screenshot.png]
set -euo pipefail
html=$(realpath "$1")
shot=${2:-$(mktemp --suffix=.png)}
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "chromium not found (Debian: apt-get install chromium)" >&2
  exit 3
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --user-data-dir="$profile")

dom=$("$chromium" "${flags[@]}" --virtual-time-budget=5000 --dump-dom "file://$html" 2>/dev/null)
for needle in "Key findings" "comparison table" "Method"; do
  grep -q "$needle" <<<"$dom" || { echo "rendered page lacks '$needle'" >&2; exit 1; }
done
charts=$(grep -o "<svg" <<<"$dom" | wc -l)
[ "$charts" -ge 5 ] || { echo "rendered page has $charts charts, expected 5" >&2; exit 1; }

"$chromium" "${flags[@]}" --window-size=1400,3000 --hide-scrollbars --screenshot="$shot" "file://$html" >/dev/null 2>&1
python3 - "$shot" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, width, height, colour = 8, b"", 0, 0, 0
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, colour = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
raw = zlib.decompress(idat)
channels = {2: 3, 6: 4}.get(colour, 3)
stride = width * channels + 1
# Count rows that are not a single uniform colour (a blank page has none).
busy = 0
for y in range(height):
    row = raw[y * stride + 1:(y + 1) * stride]
    if len(set(row[i:i + 3] for i in range(0, len(row), channels * 7))) > 2:
        busy += 1
share = busy / height
print(f"screenshot {width}x{height}: {share:.0%} of rows have content")
assert share > 0.2, "the rendered page looks blank"
PY
echo "report renders in Chromium: $html"
