#!/usr/bin/env python3
"""Do two runs measure the same thing? Each model's metrics in two results folders, compared.

Reads `summary.csv` from two folders that `whoruns run` wrote (for example the same
organisation with a long warm-up and with a steady start and a short one) and, for every
model and metric both have, compares the means: a difference larger than the two 95%
half-widths combined (sqrt(h1² + h2²), the half-width of an unpaired difference) is listed,
the largest first, with the difference in those units. The runs draw different worlds, so
this is an unpaired comparison; by chance alone about one metric in twenty exceeds it, and
metrics that move together exceed it together.

    python3 scripts/compare-summaries.py REFERENCE OTHER [OTHER ...] [--top 25]

Exits 0; it reports, it does not judge.
"""

import argparse
import csv
import math
import os
import sys


def load(folder):
    """(model, metric) -> (mean, ci95_low, ci95_high) from a results folder's summary.csv."""
    path = os.path.join(folder, "summary.csv")
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        sys.exit(f"{path}: {e.strerror}")
    out = {}
    for r in rows:
        try:
            out[(r["model"], r["metric"])] = (
                float(r["mean"]),
                float(r["ci95_low"]),
                float(r["ci95_high"]),
            )
        except (KeyError, ValueError):
            sys.exit(f"{path}: not a whoruns summary (needs model, metric, mean, ci95_low, ci95_high)")
    return out


def differences(ref, other):
    """Every (model, metric) whose means differ by more than the combined half-widths."""
    out = []
    for key, (a, a_lo, a_hi) in ref.items():
        if key not in other:
            continue
        b, b_lo, b_hi = other[key]
        if any(math.isnan(x) for x in (a, b, a_lo, a_hi, b_lo, b_hi)):
            continue
        half = math.hypot((a_hi - a_lo) / 2, (b_hi - b_lo) / 2)
        d = b - a
        if half == 0:
            if abs(d) > 1e-9 * max(1.0, abs(a)):
                out.append((key, a, b, math.inf))
        elif abs(d) > half:
            out.append((key, a, b, d / half))
    return sorted(out, key=lambda x: -abs(x[3]))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("reference")
    p.add_argument("others", nargs="+")
    p.add_argument("--top", type=int, default=25, help="rows to list per comparison")
    args = p.parse_args()
    ref = load(args.reference)
    for folder in args.others:
        other = load(folder)
        both = sum(1 for k in ref if k in other)
        diff = differences(ref, other)
        print(f"{folder}: {len(diff)} of {both} model-metrics differ from {args.reference} "
              f"by more than their combined 95% half-widths")
        for (model, metric), a, b, z in diff[: args.top]:
            print(f"  {model:22} {metric:36} {a:14.6g} -> {b:14.6g}  ({z:+.2f} half-widths)")


if __name__ == "__main__":
    main()
