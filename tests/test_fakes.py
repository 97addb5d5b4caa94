"""The detection matrix: every fake with a known bug makes the cases fail
at the test points its header names, and the faithful fake passes every
case.  This is what makes a check real: something trips it.  The matrix is
computed once by `vdsoconf faults` (the command users run) and then judged
per fake, so that a failure names the fake."""

import json
import os
import re
import subprocess
import sys

import pytest

from conftest import REPO, build_path
from mutants import MUTANTS

sys.path.insert(0, str(REPO))
from runner.faults.coverage import family, uncovered  # noqa: E402
from runner.faults.fakes import fake_abi  # noqa: E402


def manifest():
    r = subprocess.run(["make", "-s", f"B={build_path()}", "fakes"], cwd=REPO, capture_output=True,
                       text=True)
    if r.returncode:
        raise RuntimeError("make fakes failed:\n" + r.stderr)
    return json.loads((build_path() / "fakes" / "manifest.json").read_text())


FAKES = manifest()


@pytest.fixture(scope="module")
def detection(tmp_path_factory):
    out = tmp_path_factory.mktemp("faults") / "matrix.json"
    r = subprocess.run(["/usr/bin/python3", str(REPO / "runner" / "vdsoconf"), "faults",
                        "--fakes-dir", str(build_path() / "fakes"),
                        "--cases-dir", str(build_path() / "cases"), "--json", str(out)],
                       capture_output=True, text=True, timeout=900)
    print(r.stdout)
    assert out.exists(), r.stdout + r.stderr
    m = json.loads(out.read_text())
    return r, {f["name"]: f for f in m["fakes"]}, m["live"]


def faithful(name):
    return name.split("-")[0] == "faithful"


@pytest.mark.parametrize("fake", [f["name"] for f in FAKES if not faithful(f["name"])])
def test_bug_is_caught(detection, fake):
    row = detection[1][fake]
    assert row["expect"], f"{fake} names no expected test point"
    if row["not_run"]:
        pytest.skip(row["not_run"])
    assert not row["missed"], f"{fake} ({row['description']}) was not caught:\n" + "\n".join(row["missed"])


@pytest.mark.parametrize("fake", [f["name"] for f in FAKES if faithful(f["name"])])
def test_faithful_fake_passes(detection, fake):
    row = detection[1][fake]
    if row["not_run"]:
        pytest.skip(row["not_run"])
    assert not row["alarms"], f"false alarms on {fake}:\n" + "\n".join(row["alarms"])
    assert row["cells"] and all(v == "clean" for v in row["cells"].values())


def test_faults_command_verdict(detection):
    r, rows, _ = detection
    bad = any(f["missed"] or f["alarms"] for f in rows.values())
    assert r.returncode == (1 if bad else 0), r.stdout[-3000:]
    assert "fakes caught at every expected point" in r.stdout


def nolibc_image_points():
    """The nolibc program has no ld.so to load the fakes above; its own
    fake vDSO images (fixtures/nolibc) trip its points, and
    tests/test_nolibc.py holds each image to its expect: lines."""
    return {p for f in (REPO / "fixtures" / "nolibc").glob("*.c")
            for p in re.findall(r"expect:\s*(\S+)", f.read_text())}


def tripping(rows):
    """The points something is shown to trip: the expected points of every
    fake that was run (test_bug_is_caught holds each to them), those of
    every library mutant (test_mutants.py holds each to its own) and those
    of the nolibc program's fake images."""
    points = {p for r in rows.values() if not r["not_run"] for p in r["expect"]}
    return points | {p for m in MUTANTS.values() for p in m[1]} | nolibc_image_points()


@pytest.mark.parametrize("abi", sorted({fake_abi(f, os.uname().machine) for f in FAKES}))
def test_every_point_is_tripped(detection, abi):
    """Every point the cases print on this machine, live or against a fake,
    belongs to a family (runner/faults/coverage.py) that some fake or
    mutant trips: a new point without one fails here, by name."""
    live = detection[2][abi]
    if not live["points"]:
        pytest.skip(f"no {abi} case ran here ({next(iter(live['not_run'].values()), 'none built')}): "
                    f"the points only {abi} cases print are not checked on this machine")
    printed = {p: {s} for p, s in live["points"].items()}
    parents = set(live["parents"])
    for r in detection[1].values():
        if fake_abi(r, os.uname().machine) == abi:
            for p, s in r["printed"].items():
                printed.setdefault(p, set()).add(s)
            parents |= set(r["parents"])
    missing = uncovered(printed, parents, tripping(detection[1]))
    assert not missing, (f"{len(missing)} {abi} point families are tripped by no fake "
                         "(fixtures/fakes) and no mutant (tests/mutants.py):\n" + "\n".join(missing))


def test_docs_list_every_fake():
    """docs/fakes.md carries the generated catalogue, with a row per fake."""
    page = (REPO / "docs" / "fakes.md").read_text()
    begin, end = "<!-- fake catalogue: ", "<!-- end of fake catalogue -->"
    assert begin in page and end in page, "docs/fakes.md has lost its catalogue markers"
    block = page[page.index(begin):page.index(end)]
    missing = [f["name"] for f in FAKES if f"| `{f['name']}` |" not in block]
    assert not missing, ("docs/fakes.md's fake catalogue lacks " + ", ".join(missing) +
                         ": regenerate it with fixtures/fakes/catalogue.py "
                         "build/fakes/manifest.json --write docs/fakes.md")


def test_coverage_names_an_untripped_point():
    """The coverage check itself can fail: a point of a family nothing
    trips is named; one of a tripped family, a parent whose child is
    tripped and a point that only skipped are not."""
    printed = {"clock.bracket.CLOCK_TAI": {"pass"}, "clock.bracket.CLOCK_MONOTONIC_COARSE": {"pass"},
               "clock.einval.INT_MIN": {"pass"}, "pc.sample": {"pass"}, "pc.sample.time": {"pass"},
               "symbols.bind.time": {"pass"}, "fault.time.NULL": {"skip"}}
    tripped = ["clock.bracket.CLOCK_REALTIME", "clock.einval.-1", "pc.sample.getcpu", "symbols.bind.__vdso_time"]
    assert uncovered(printed, ["pc.sample"], tripped) == ["clock.bracket.CLOCK_MONOTONIC_COARSE",
                                                          "clock.einval.INT_MIN"]


def test_point_families():
    """What one fake proves for the other values of a detail, and what not."""
    assert family("symbols.bind.__vdso_time") == family("symbols.bind.time") == "symbols.bind.<symbol>"
    assert family("pc.symbol.__vdso_time@LINUX_2.6") == "pc.symbol.<symbol>"
    assert family("versions.vd_hash.LINUX_2.5") == family("versions.vd_hash.linux-gate.so.1")
    assert family("getcpu.cpu.0") == family("getcpu.cpu.3") != family("getcpu.node.0")
    assert family("clock.bracket.CLOCK_TAI") == family("clock.bracket.CLOCK_REALTIME")
    assert family("clock.bracket.CLOCK_TAI") != family("clock.bracket.CLOCK_REALTIME_COARSE")
    # an alarm clock is a rejected id without an RTC's alarms, else a clock
    # the vDSO passes to the kernel, as it does the CPU clocks
    assert family("clock.einval.CLOCK_REALTIME_ALARM") == family("clock.einval.CLOCK_SGI_CYCLE")
    assert family("clock.bracket.CLOCK_BOOTTIME_ALARM") == family("clock.bracket.thread_cpuclock")
    assert family("clock.einval.-1") != family("clock.einval.INT_MIN")
    assert family("getrandom.flags.0") != family("getrandom.flags.NONBLOCK")
