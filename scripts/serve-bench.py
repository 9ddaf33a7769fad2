#!/usr/bin/env python3
"""Change-to-first-answer and time-to-final of `whoruns serve`, over HTTP as the page sees
it: 20 changes of standby pay in turn; for each, the time from POST /api/edit to the first
answer of that generation on /api/events, and for the first three, to the last answer
(every headline metric within --precision, or the cap). Standard library only.

Usage: scripts/serve-bench.py WHORUNS_BINARY SCENARIO [PORT] [serve options...]
"""
import json, socket, subprocess, sys, time, threading, urllib.request, re, statistics
binary, scenario = sys.argv[1], sys.argv[2]
port = sys.argv[3] if len(sys.argv) > 3 else "18432"
extra = sys.argv[4:]
p = subprocess.Popen([binary, "serve", scenario, "--port", "0"] + extra, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
url = None
for line in p.stdout:
    m = re.search(r"http://[0-9.:]+", line)
    if m:
        url = m.group(0); break
base = url.rstrip("/")
events = []  # (time, generation, replications, last, precise, widest)
cond = threading.Condition()
def listen():
    r = urllib.request.urlopen(base + "/api/events")
    ev = None
    for raw in r:
        line = raw.decode().rstrip("\n")
        if line.startswith("event:"):
            ev = line[6:].strip()
        elif line.startswith("data:") and ev == "answer":
            d = json.loads(line[5:])
            with cond:
                events.append((time.perf_counter(), d["generation"], d["replications"], d["last"], d["precise"], d["widest"]))
                cond.notify_all()
threading.Thread(target=listen, daemon=True).start()
def wait(pred, timeout=120):
    end = time.perf_counter() + timeout
    with cond:
        while True:
            hit = next((e for e in events if pred(e)), None)
            if hit: return hit
            left = end - time.perf_counter()
            if left <= 0: return None
            cond.wait(left)
wait(lambda e: e[3])  # the base answer, finished
firsts, finals, reps = [], [], []
for i in range(20):
    value = 5 + (i + 1) * 0.5
    body = json.dumps({"values": {"costs.standby_per_hour": value}, "last": "costs.standby_per_hour"}).encode()
    t0 = time.perf_counter()
    req = urllib.request.Request(base + "/api/edit", data=body, headers={"Content-Type": "application/json"})
    g = json.loads(urllib.request.urlopen(req).read())["generation"]
    first = wait(lambda e: e[1] == g)
    last = wait(lambda e: e[1] == g and e[3], timeout=300) if i < 3 else None
    firsts.append(first[0] - t0)
    if last:
        finals.append(last[0] - t0); reps.append((last[2], last[4], round(100*last[5], 2)))
p.terminate()
firsts.sort()
p.wait()
print("first answer: p50 %.3f s, p95 %.3f s, max %.3f s" % (statistics.median(firsts), firsts[int(0.95*len(firsts))-1 if len(firsts)>=20 else -1], firsts[-1]))
print("final answer: p50 %.2f s, max %.2f s" % (statistics.median(finals), max(finals)))
print("final replications, precise, widest%%: %s" % reps[:3])
