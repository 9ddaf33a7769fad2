#!/usr/bin/env python3
"""Screenshot of the what-if page (`whoruns serve`) in headless Chromium, 1440 px wide,
once the answer has settled: Chromium's DevTools protocol over --remote-debugging-pipe
(standard library only). Usage: scripts/serve-screenshot.py URL OUT.png [HEIGHT]"""
import base64, json, os, shutil, subprocess, sys, tempfile, time

url, out = sys.argv[1], sys.argv[2]
height = int(sys.argv[3]) if len(sys.argv) > 3 else 2400
chromium = shutil.which("chromium") or shutil.which("chromium-browser")
if not chromium:
    sys.exit("chromium not found (Debian: apt-get install chromium)")
# Pipes on high descriptors first, so that putting them on 3 and 4 overwrites nothing.
to_r, to_w = (os.dup(fd) for fd in os.pipe())
from_r, from_w = (os.dup(fd) for fd in os.pipe())
os.dup2(to_r, 3)
os.dup2(from_w, 4)
profile = tempfile.mkdtemp()
proc = subprocess.Popen(
    [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
     f"--window-size=1440,{height}", f"--user-data-dir={profile}", "--remote-debugging-pipe"],
    pass_fds=(3, 4), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(3); os.close(4); os.close(to_r); os.close(from_w)
w, r = os.fdopen(to_w, "wb"), os.fdopen(from_r, "rb")
buf, seq = b"", 0

def call(method, params=None, session=None):
    global buf, seq
    seq += 1
    msg = {"id": seq, "method": method, "params": params or {}}
    if session:
        msg["sessionId"] = session
    w.write(json.dumps(msg).encode() + b"\0"); w.flush()
    while True:
        while b"\0" not in buf:
            chunk = os.read(r.fileno(), 1 << 20)
            if not chunk:
                sys.exit("chromium closed the pipe")
            buf += chunk
        raw, buf = buf.split(b"\0", 1)
        reply = json.loads(raw)
        if reply.get("id") == seq:
            if "error" in reply:
                sys.exit(f"{method}: {reply['error']}")
            return reply["result"]

try:
    target = call("Target.createTarget", {"url": "about:blank"})["targetId"]
    s = call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    call("Page.navigate", {"url": url}, s)
    settled = ("!!document.querySelector('#status b') && !document.body.classList.contains('stale')"
               " && !document.querySelector('#status').classList.contains('sharpening')")
    for _ in range(1200):
        v = call("Runtime.evaluate", {"expression": settled, "returnByValue": True}, s)
        if v.get("result", {}).get("value") is True:
            break
        time.sleep(0.25)
    time.sleep(0.5)
    shot = call("Page.captureScreenshot", {"format": "png"}, s)
    open(out, "wb").write(base64.b64decode(shot["data"]))
    print(f"{out}: {len(base64.b64decode(shot['data']))} bytes")
finally:
    proc.kill()
    shutil.rmtree(profile, ignore_errors=True)
