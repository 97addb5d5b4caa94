"""Cases build against the kernel's own kselftest.h (make KSFT_DIR=...)
and still report named, parseable results; and against ours they emit
KTAP version 1."""

import pathlib
import re
import subprocess

import pytest

from conftest import REPO, build_path

CASES = sorted(p.stem for p in (REPO / "cases").glob("*.c"))


@pytest.fixture(scope="module")
def kernel_ksft_build(tmp_path_factory):
    r = subprocess.run([str(REPO / "fixtures" / "fetch-kselftest-h")], capture_output=True, text=True)
    if r.returncode:
        pytest.skip("kernel kselftest.h unavailable: " + r.stderr.strip())
    ksft = r.stdout.strip()
    b = tmp_path_factory.mktemp("ksft-build")
    targets = [f"{b}/cases/{c}" for c in CASES]
    m = subprocess.run(["make", "-s", f"B={b}", f"KSFT_DIR={ksft}"] + targets, cwd=REPO,
                       capture_output=True, text=True)
    assert m.returncode == 0, "building against the kernel's kselftest.h failed:\n" + m.stderr[-4000:]
    return b


@pytest.mark.parametrize("case", CASES)
def test_builds_and_runs_with_kernel_header(kernel_ksft_build, case):
    r = subprocess.run([str(kernel_ksft_build / "cases" / case)], capture_output=True, text=True,
                       timeout=120)
    lines = r.stdout.splitlines()
    assert lines[0] == "TAP version 13", "not built against the kernel's header"
    assert r.returncode in (0, 4), r.stdout[-3000:]
    results = [l for l in lines if re.match(r"(not )?ok \d+ ", l)]
    if r.returncode == 4 and not results:
        # a whole-case skip (another architecture's entry point): the plan
        # says so, with the reason
        assert re.match(r"1\.\.0 # SKIP \S", lines[1]), r.stdout
        return
    assert results, "no result lines"
    # every result carries its stable dotted name (area.what...), skips included
    named = re.compile(r"(not )?ok \d+ [a-z0-9_]+\.[^ #]+")
    assert all(named.match(l) for l in results), [l for l in results if not named.match(l)][:5]


@pytest.mark.parametrize("case", CASES)
def test_our_header_emits_ktap(case):
    r = subprocess.run([str(build_path() / "cases" / case)], capture_output=True, text=True,
                       timeout=120)
    assert r.stdout.splitlines()[0] == "KTAP version 1"
