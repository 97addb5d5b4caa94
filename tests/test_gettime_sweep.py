"""The clock checks' sweeps (lib/case/gettime_sweep.c) on scripted
readings (tests/c/gettime_sweep_test.c): the fine sweep, which judges its
slots after the loop, and the coarse one, which judges only changes, must
sum up every script alike, exactly as reading by reading would; built
plain and under AddressSanitizer and UndefinedBehaviorSanitizer."""

import os
import subprocess

import pytest

from conftest import REPO

SRC = [REPO / "tests" / "c" / "gettime_sweep_test.c", REPO / "lib" / "case" / "gettime_sweep.c"]
CFLAGS = ["-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror", "-O2", "-g", f"-I{REPO / 'lib'}",
          f"-I{REPO / 'lib' / 'case'}"]
SAN = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"]


@pytest.mark.parametrize("flags", [[], SAN], ids=["plain", "sanitizers"])
def test_sweeps_sum_up_scripts_alike(tmp_path, flags):
    prog = tmp_path / "gettime_sweep_test"
    r = subprocess.run([os.environ.get("CC", "cc"), *CFLAGS, *flags, "-o", str(prog), *map(str, SRC)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(prog)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count("\nok ") == 8, r.stdout
