#!/usr/bin/python3
"""make bench: how much of the vDSO's raw call rate the clock checks use,
and the rarest glitch they catch.

Per clock: the bare vDSO call rate (bench_calls --raw: calls back to back
for 60 ms, as long as the checks read one clock), and the readings the
clock_gettime case checked per second of its checks of that clock (its
"N vDSO readings of C checked in T ms" line), at the default duration and
at --duration 60.  The share is taken in PAIRS pairs of a raw measurement
and a default run right after it, and the median pair is shown: a
machine's speed drifts by some 10% between runs minutes apart (a shared
host's neighbours, frequency), which a raw rate measured once, apart
from the run it is compared with, would count as the checks' cost.  A glitch that corrupts each call
independently with probability p escapes N checked readings with
probability (1 - p)^N; it is caught with 99% probability once
p >= 1 - 0.01^(1/N), about 4.6 / N: that is the detection floor.

usage: bench_floor.py BENCH_CALLS CLOCK_GETTIME_CASE [--long S]
"""

import math
import os
import re
import subprocess
import sys
import time

GOAL = 0.90     # checked readings per second, against the raw call rate
PAIRS = 9
# idle before each measurement (see above); the tests, on stubs, set 0
REST_S = float(os.environ.get("VDSOCONF_BENCH_REST_S", "1.0"))
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
    pairs = []
    for _ in range(PAIRS):
        time.sleep(REST_S)
        raw = raw_rates(argv[1])
        time.sleep(REST_S)
        pairs.append((raw, checked(argv[2])))
    # the case's default run reads its clocks for 0.7 s in all; --duration
    # scales that total
    long = checked(argv[2], long_s)
    print(f"checked vDSO readings per clock (goal: >= {GOAL:.0%} of the raw call rate; "
          f"the median of {PAIRS} pairs of a raw measurement and a run); "
          f"detection floor: the per-call glitch rate caught with 99% probability")
    print(f"  {'clock':<26} {'raw M/s':>8} {'checked M/s':>11} {'share':>6}  "
          f"{'floor (default)':>15} {'floor (' + format(long_s, 'g') + ' s)':>14}")
    met = 0
    rows = [c for c in pairs[0][1] if all(c in r and c in k for r, k in pairs)]
    for c in rows:
        # (share, raw rate, checked readings, seconds) of each pair; the median share's
        each = sorted((k[c][0] / k[c][1] / r[c] if k[c][1] else 0, r[c], *k[c]) for r, k in pairs)
        share, raw_c, n, s = each[len(each) // 2]
        rate = n / s if s else 0
        met += share >= GOAL
        ln = long.get(c, (0, 0))[0]
        print(f"  {c:<26} {raw_c / 1e6:>8.1f} {rate / 1e6:>11.1f} {share:>6.0%}  "
              f"{floor(n):>15.2e} {floor(ln):>14.2e}")
    print(f"  goal met for {met} of {len(rows)} clocks"
          + ("" if met == len(rows) else " (GOAL MISSED for the others)"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
