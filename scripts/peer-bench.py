#!/usr/bin/env python3
"""whoruns beside its peers on the same M/M/c work, per core.

The work is `scenarios/mmc-check.toml`: one M/M/2 queue, Poisson arrivals at 0.5 per hour,
exponential service with mean 3 h, first come first served, 395 days per replication of
which the first 30 are warm-up (Erlang C: Wq = 3.857 h in steady state). Each simulator
runs it on one core; what is compared is the marginal cost of a replication (the time of
a large batch minus a small one, over the difference), so start-up costs — Python's
imports, whoruns' reading of the scenario and writing of its tables — cancel.

Peers, installable from PyPI (`pip install simpy ciw`): SimPy (process-based, the usual
Python DES) and Ciw (a queueing-network library). A peer that is not installed is skipped
and said so. whoruns is the release binary (`cargo build --release --locked`), or the one
named by `--whoruns`.

    python3 scripts/peer-bench.py                 # defaults: 40 and 200 replications
    python3 scripts/peer-bench.py --small 20 --large 100 --whoruns target/release/whoruns

Prints, per simulator, seconds per replication, incidents per second and the mean wait in
the queue (a check that they all did the same work), then whoruns' speed as a multiple of
each peer's, per core.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

LAMBDA = 0.5  # arrivals per hour
MEAN_SERVICE = 3.0  # hours
SERVERS = 2
HORIZON = 395 * 24.0  # hours
WARMUP = 30 * 24.0


def simpy_replication(seed):
    import simpy

    rng = random.Random(seed)
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=SERVERS)
    waits = []

    def incident(env, arrival):
        with servers.request() as req:
            yield req
            if arrival >= WARMUP:
                waits.append(env.now - arrival)
            yield env.timeout(rng.expovariate(1.0 / MEAN_SERVICE))

    def source(env):
        while True:
            yield env.timeout(rng.expovariate(LAMBDA))
            env.process(incident(env, env.now))

    env.process(source(env))
    env.run(until=HORIZON)
    return waits


def ciw_replication(seed):
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=LAMBDA)],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / MEAN_SERVICE)],
        number_of_servers=[SERVERS],
    )
    ciw.seed(seed)
    sim = ciw.Simulation(network)
    sim.simulate_until_max_time(HORIZON)
    return [r.waiting_time for r in sim.get_all_records() if r.arrival_date >= WARMUP]


def python_batch(replicate, n, seed0):
    waits, count = [], 0
    start = time.perf_counter()
    for r in range(n):
        w = replicate(seed0 + r)
        waits.extend(w)
        count += len(w)
    return time.perf_counter() - start, count, sum(waits) / max(len(waits), 1)


def python_marginal(name, replicate, small, large):
    try:
        replicate(0)
    except ImportError:
        print(f"{name}: not installed (pip install {name.lower()}); skipped")
        return None
    t1, _, _ = python_batch(replicate, small, 1000)
    t2, count, wq = python_batch(replicate, large, 2000)
    per_rep = (t2 - t1) / (large - small)
    # Incidents per replication measured after the warm-up; the whole year is simulated.
    incidents = count / large * HORIZON / (HORIZON - WARMUP)
    return per_rep, incidents, wq


def whoruns_batch(binary, scenario, n, out):
    start = time.perf_counter()
    subprocess.run(
        [binary, "run", scenario, "-n", str(n), "--threads", "1", "--no-report", "-q",
         "--out", out, "--force"],
        check=True,
    )
    return time.perf_counter() - start


def whoruns_marginal(binary, scenario, small, large):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        whoruns_batch(binary, scenario, small, out)  # warm the file cache
        t1 = whoruns_batch(binary, scenario, small, out)
        t2 = whoruns_batch(binary, scenario, large, out)
        wq, incidents = None, None
        csv = os.path.join(out, "replications.csv")
        if os.path.exists(csv):
            import csv as csvmod

            with open(csv) as f:
                rows = list(csvmod.DictReader(f))
            wq = sum(float(r["queue_wait_hours"]) for r in rows) / len(rows)
            incidents = sum(float(r["incidents"]) for r in rows) / len(rows)
            incidents *= HORIZON / (HORIZON - WARMUP)
    return (t2 - t1) / (large - small), incidents, wq


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--small", type=int, default=40, help="replications of the small batch")
    p.add_argument("--large", type=int, default=200, help="replications of the large batch")
    p.add_argument("--peer-scale", type=int, default=10,
                   help="the Python peers run small/scale and large/scale replications")
    p.add_argument("--whoruns", default=None, help="the whoruns binary")
    p.add_argument("--scenario", default=os.path.join(root, "scenarios", "mmc-check.toml"))
    a = p.parse_args()
    binary = a.whoruns or os.environ.get("WHORUNS") or shutil.which("whoruns")
    if binary is None:
        target = os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target"))
        binary = os.path.join(target, "release", "whoruns")
    if not os.path.exists(binary) and shutil.which(binary) is None:
        sys.exit(f"no whoruns binary at {binary}: cargo build --release --locked, or --whoruns")

    results = {}
    w = whoruns_marginal(binary, a.scenario, a.small, a.large)
    results["whoruns"] = w
    small = max(2, a.small // a.peer_scale)
    large = max(small + 2, a.large // a.peer_scale)
    for name, f in [("SimPy", simpy_replication), ("Ciw", ciw_replication)]:
        r = python_marginal(name, f, small, large)
        if r is not None:
            results[name] = r

    print(f"M/M/{SERVERS}, lambda = {LAMBDA}/h, mean service {MEAN_SERVICE} h, "
          f"{HORIZON / 24:.0f} days per replication (Erlang C Wq = 3.857 h); one core each")
    print(f"{'simulator':<10} {'s/replication':>14} {'incidents/s':>12} {'mean Wq (h)':>12}")
    for name, (per_rep, incidents, wq) in results.items():
        rate = incidents / per_rep if per_rep > 0 and incidents else float("nan")
        wq_text = f"{wq:.3f}" if wq is not None else "-"
        print(f"{name:<10} {per_rep:>14.6f} {rate:>12,.0f} {wq_text:>12}")
    base = results["whoruns"][0]
    for name, (per_rep, _, _) in results.items():
        if name != "whoruns" and base > 0:
            print(f"whoruns is {per_rep / base:,.0f}x faster than {name} per core")


if __name__ == "__main__":
    main()
