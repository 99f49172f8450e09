"""Times the same random books cleared by energy-sim (McAfee) and by pymarket (Huang's
multi-unit trade reduction, its closest mechanism), in one run.

usage: PYMARKET_PYTHON=... python3 vs_pymarket.py ENERGY_SIM_BINARY [SIZES...]
pymarket 0.7.6 needs pandas < 2 (it writes to arrays that pandas 2 makes read-only):
    python3 -m venv /tmp/pm && /tmp/pm/bin/pip install numpy==1.23.5 pandas==1.5.3 pymarket
and this script is run with that interpreter. energy-sim is timed as a whole process
(start-up, JSON parsing and writing included), so the ratio favours pymarket.
"""
import json
import subprocess
import sys
import time

import pymarket as pm


def book(n):
    """The benchmark's books (benches/clearing.rs): the same xorshift stream."""
    state = 0x9E3779B97F4A7C15
    mask = (1 << 64) - 1

    def nxt(r):
        nonlocal state
        state ^= (state << 13) & mask
        state ^= state >> 7
        state ^= (state << 17) & mask
        return state % r

    orders = []
    for i in range(n):
        _zone = nxt(10)
        orders.append((i, i % 2 == 0, 10_000 + nxt(40_001), 200_000 + nxt(350_001)))
    return orders


def time_ours(binary, orders):
    doc = {"mechanism": "mcafee", "orders": [
        {"id": i, "participant": str(i), "side": "bid" if is_bid else "offer",
         "quantity_wh": q, "price_per_kwh": p} for i, is_bid, q, p in orders]}
    text = json.dumps(doc)
    start = time.perf_counter()
    out = subprocess.run([binary, "clear"], input=text, capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - start
    result = json.loads(out.stdout)
    return elapsed, result["summary"]["sold_wh"]


def time_pymarket(orders):
    mar = pm.Market()
    for i, is_bid, q, p in orders:
        mar.accept_bid(float(q), float(p), i, is_bid)
    start = time.perf_counter()
    _, extra = mar.run("huang")
    return time.perf_counter() - start, extra["quantity_traded"]


def main():
    binary = sys.argv[1]
    sizes = [int(s) for s in sys.argv[2:]] or [1000, 10000]
    print("| orders | energy-sim clear (process) | pymarket huang | ratio | volume: ours (McAfee) | volume: pymarket (Huang) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        orders = book(n)
        ours, our_volume = time_ours(binary, orders)
        theirs, their_volume = time_pymarket(orders)
        print(f"| {n} | {ours * 1000:.1f} ms | {theirs * 1000:.1f} ms | ×{theirs / ours:.0f} | {our_volume / 1000:.1f} kWh | {their_volume / 1000:.1f} kWh |")


if __name__ == "__main__":
    main()
