#!/usr/bin/env bash
# The README's screenshots: both bundled reports as a reader sees them (headless Chromium
# at 1440 px) and the terminal's output at 100 columns (tmux, its colours kept).
#
#   scripts/screenshots.sh [WHORUNS] [REPLICATIONS]
#
# WHORUNS defaults to the release binary, REPLICATIONS to each scenario's own. Writes
# docs/images/report-baseline.png, report-large-estate.png and terminal-100-columns.png.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/release/whoruns}"
reps="${2:-}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
n=()
[ -n "$reps" ] && n=(-n "$reps")

for s in baseline large-estate; do
  "$bin" run "scenarios/$s.toml" "${n[@]}" --out "$work/$s" --quiet
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size=1440,3200 --screenshot="$PWD/docs/images/report-$s.png" \
    "file://$work/$s/report.html" 2>/dev/null
done

# The terminal: a 100-column tmux pane running the README's first command, captured with
# its colours and drawn as HTML in a dark terminal's colours.
tmux kill-session -t whoruns-shot 2>/dev/null || true
tmux new-session -d -s whoruns-shot -x 100 -y 30 \
  "cd '$PWD' && '$bin' run scenarios/baseline.toml ${n[*]} --out '$work/term' --color always; sleep 30"
for _ in $(seq 1 120); do
  sleep 1
  if tmux capture-pane -p -t whoruns-shot | grep -q "^report:"; then break; fi
done
tmux capture-pane -e -p -t whoruns-shot > "$work/pane.ans"
tmux kill-session -t whoruns-shot
python3 - "$work/pane.ans" "$work/pane.html" <<'PY'
import html, re, sys
lines = [l.rstrip() for l in open(sys.argv[1], encoding="utf-8").read().split("\n")]
while lines and not re.sub(r"\x1b\[[0-9;]*m", "", lines[-1]).strip():
    lines.pop()
text = "\n".join(lines)
open(sys.argv[2] + ".lines", "w").write(str(len(lines)))
colours = {"31": "#ff6b6b", "32": "#8ae234", "33": "#fce94f", "34": "#729fcf"}
out, open_spans = [], 0
for part in re.split(r"(\x1b\[[0-9;]*m)", text):
    m = re.fullmatch(r"\x1b\[([0-9;]*)m", part)
    if not m:
        out.append(html.escape(part))
        continue
    codes = [c for c in m.group(1).split(";") if c]
    if not codes or codes == ["0"] or codes[0] in ("22", "39"):
        out.append("</span>" * open_spans)
        open_spans = 0
        continue
    style = []
    for c in codes:
        if c == "1":
            style.append("font-weight:bold")
        elif c in colours:
            style.append("color:" + colours[c])
    out.append('<span style="%s">' % ";".join(style))
    open_spans += 1
out.append("</span>" * open_spans)
page = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
body{margin:0;background:#1e1e1e}
pre{margin:0;padding:16px 20px;color:#e6e6e6;font:15px/1.35 'DejaVu Sans Mono',monospace;
width:100ch;white-space:pre}
</style></head><body><pre>%s</pre></body></html>""" % "".join(out)
open(sys.argv[2], "w", encoding="utf-8").write(page)
PY
lines=$(cat "$work/pane.html.lines")
height=$(( lines * 21 + 40 ))
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --window-size=1040,"$height" --screenshot="$PWD/docs/images/terminal-100-columns.png" \
  "file://$work/pane.html" 2>/dev/null
echo "wrote docs/images/report-baseline.png, report-large-estate.png, terminal-100-columns.png"
