#!/usr/bin/python3
"""make bench: how much of the vDSO's raw call rate the clock checks use,
and the rarest glitch they catch.

Per clock: the bare vDSO call rate (bench_calls --raw), and the readings
the clock_gettime case checked per second of its checks of that clock
(its "N vDSO readings of C checked in T ms" line), at the default
duration and at --duration 60.  A glitch that corrupts each call
independently with probability p escapes N checked readings with
probability (1 - p)^N; it is caught with 99% probability once
p >= 1 - 0.01^(1/N), about 4.6 / N: that is the detection floor.

usage: bench_floor.py BENCH_CALLS CLOCK_GETTIME_CASE [--long S]
"""

import math
import re
import subprocess
import sys

GOAL = 0.90     # checked readings per second, against the raw call rate
LINE = re.compile(r"^# (\d+) vDSO readings of (\S+) checked in ([\d.]+) ms")


def raw_rates(bench_calls):
    out = subprocess.run([bench_calls, "--raw"], capture_output=True, text=True, check=True).stdout
    return {name: 1e9 / float(ns) for name, ns in (line.split() for line in out.splitlines())}


def checked(case, duration=None):
    """{clock: (readings, seconds)} of one run of the case."""
    cmd = [case] + (["--duration", str(duration)] if duration else [])
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    found = {}
    for line in out.splitlines():
        m = LINE.match(line)
        if m:
            found[m.group(2)] = (int(m.group(1)), float(m.group(3)) / 1e3)
    if not found:
        raise SystemExit(f"bench_floor: {case} printed no 'vDSO readings ... checked' line")
    return found


def floor(n):
    return 1 - 0.01 ** (1 / n) if n else math.inf


def main(argv):
    if len(argv) not in (3, 5) or (len(argv) == 5 and argv[3] != "--long"):
        print("usage: bench_floor.py BENCH_CALLS CLOCK_GETTIME_CASE [--long S]", file=sys.stderr)
        return 2
    long_s = float(argv[4]) if len(argv) == 5 else 60.0
    raw = raw_rates(argv[1])
    short = checked(argv[2])
    # the case's default run reads its clocks for 0.7 s in all; --duration
    # scales that total
    long = checked(argv[2], long_s)
    print(f"checked vDSO readings per clock (goal: >= {GOAL:.0%} of the raw call rate); "
          f"detection floor: the per-call glitch rate caught with 99% probability")
    print(f"  {'clock':<26} {'raw M/s':>8} {'checked M/s':>11} {'share':>6}  "
          f"{'floor (default)':>15} {'floor (' + format(long_s, 'g') + ' s)':>14}")
    met = 0
    rows = [c for c in short if c in raw]
    for c in rows:
        n, s = short[c]
        rate = n / s if s else 0
        share = rate / raw[c]
        met += share >= GOAL
        ln = long.get(c, (0, 0))[0]
        print(f"  {c:<26} {raw[c] / 1e6:>8.1f} {rate / 1e6:>11.1f} {share:>6.0%}  "
              f"{floor(n):>15.2e} {floor(ln):>14.2e}")
    print(f"  goal met for {met} of {len(rows)} clocks"
          + ("" if met == len(rows) else " (GOAL MISSED for the others)"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
