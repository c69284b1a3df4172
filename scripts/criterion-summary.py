#!/usr/bin/env python3
"""Prints a table of criterion results (median time, throughput) from target/criterion.

Usage: scripts/criterion-summary.py [REGEX]   (filters benchmark ids, e.g. 'kernels/2\\^12')
"""
import json
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent / "target" / "criterion"
pattern = re.compile(sys.argv[1]) if len(sys.argv) > 1 else None


def fmt_time(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3f} {unit}"
    return f"{ns:.1f} ns"


rows = []
for bench in root.rglob("new/benchmark.json"):
    meta = json.loads(bench.read_text())
    est = json.loads((bench.parent / "estimates.json").read_text())
    ident = meta["full_id"]
    if pattern and not pattern.search(ident):
        continue
    median = est["median"]["point_estimate"]
    thr = meta.get("throughput") or {}
    extra = ""
    if "Elements" in thr:
        extra = f"{thr['Elements'] / median * 1e3:.1f} Melem/s"
    elif "Bytes" in thr:
        extra = f"{thr['Bytes'] / median * 1e9 / 2**20:.1f} MiB/s"
    rows.append((ident, fmt_time(median), extra))

width = max((len(r[0]) for r in rows), default=10)
for ident, t, extra in sorted(rows):
    print(f"{ident:<{width}}  {t:>12}  {extra}")
