"""lib/bench/bench_floor.py on stub programs: the share of the raw call
rate and the 99% detection floor, 1 - 0.01^(1/N), from the case's
"N vDSO readings of C checked in T ms" lines."""

import os
import subprocess
import sys

from conftest import REPO

FLOOR = REPO / "lib" / "bench" / "bench_floor.py"
ENV = dict(os.environ, VDSOCONF_BENCH_REST_S="0")


def stub(path, text):
    path.write_text("#!/bin/sh\n" + text)
    path.chmod(0o755)
    return path


def test_share_and_floor(tmp_path):
    calls = stub(tmp_path / "calls", 'echo "CLOCK_X 20.00"\n')   # 50 M/s raw
    # 460517 readings in 10 ms: 46 M/s, 92% of raw; with --duration, 10x
    case = stub(tmp_path / "case", 'n=460517; [ "$1" = --duration ] && n=4605170\n'
                'echo "# $n vDSO readings of CLOCK_X checked in 10.0 ms (every reading)"\n')
    r = subprocess.run([sys.executable, FLOOR, calls, case], capture_output=True, text=True, env=ENV)
    assert r.returncode == 0, r.stderr
    row = next(line for line in r.stdout.splitlines() if "CLOCK_X" in line).split()
    assert row[1:4] == ["50.0", "46.1", "92%"]
    assert row[4:6] == ["1.00e-05", "1.00e-06"]
    assert "goal met for 1 of 1 clocks" in r.stdout


def test_missed_goal_and_no_lines(tmp_path):
    calls = stub(tmp_path / "calls", 'echo "CLOCK_X 20.00"\n')
    case = stub(tmp_path / "case", 'echo "# 1000 vDSO readings of CLOCK_X checked in 10.0 ms (x)"\n')
    r = subprocess.run([sys.executable, FLOOR, calls, case], capture_output=True, text=True, env=ENV)
    assert "GOAL MISSED" in r.stdout
    quiet = stub(tmp_path / "quiet", "echo '# nothing'\n")
    r = subprocess.run([sys.executable, FLOOR, calls, quiet], capture_output=True, text=True, env=ENV)
    assert r.returncode == 1 and "printed no 'vDSO readings ... checked' line" in r.stderr
    r = subprocess.run([sys.executable, FLOOR, calls], capture_output=True, text=True, env=ENV)
    assert r.returncode == 2 and r.stderr.startswith("usage:")


def test_the_median_pair(tmp_path):
    # the raw rate drifts between pairs (50, 25, 50, 100, 50... M/s) while the
    # checks read 46 M/s: each run is judged against the raw rate measured
    # just before it, and the median share (92%) is shown, with its raw rate
    count = tmp_path / "count"
    calls = stub(tmp_path / "calls", f'n=$(cat {count} 2>/dev/null || echo 0); echo $((n + 1)) > {count}\n'
                 'case $n in 1) ns=40.00 ;; 3) ns=10.00 ;; *) ns=20.00 ;; esac\n'
                 'echo "CLOCK_X $ns"\n')
    case = stub(tmp_path / "case", 'echo "# 460517 vDSO readings of CLOCK_X checked in 10.0 ms (x)"\n')
    r = subprocess.run([sys.executable, FLOOR, calls, case], capture_output=True, text=True, env=ENV)
    assert r.returncode == 0, r.stderr
    assert count.read_text().strip() == "9"
    row = next(line for line in r.stdout.splitlines() if "CLOCK_X" in line).split()
    assert row[1:4] == ["50.0", "46.1", "92%"], r.stdout
    assert "median of 9 pairs" in r.stdout
