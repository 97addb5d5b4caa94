"""`vdsoconf faults`: the detection matrix, every fake against the cases.

Each fake (fixtures/fakes, built into build/fakes with its manifest) names
in `expect:` lines the test points its bug must fail.  Which case prints
which area of points (the first dotted part: `clock.`, `symbols.`) is
learnt from one live run of every case; a fake is then run against the
cases that own its expected points, and the faithful fake against every
case.  A cell is

  caught   every expected point of that case failed
  missed   an expected point passed, skipped, or was never printed
  clean    (faithful) the case failed nothing
  ALARM    (faithful) the case failed something: a false alarm
  n.a.     the fake expects nothing of that case

Exit status 0 when nothing was missed and nothing alarmed, 1 otherwise,
2 on usage errors.
"""

import argparse
import concurrent.futures
import json
import os
import sys
from pathlib import Path
from typing import Dict, List

from runner.core import ktap
from runner.core.caserun import run_case
from runner.core.discover import find_cases
from runner.paths import DEFAULT_CASES_DIR, REPO

FAKES_DIR = REPO / "build" / "fakes"
FAITHFUL = "faithful"


def load_fakes(fakes_dir: Path) -> List[dict]:
    manifest = fakes_dir / "manifest.json"
    if not manifest.is_file():
        raise FileNotFoundError(f"{manifest} not found (build the fakes with 'make fakes')")
    return json.loads(manifest.read_text())


ABI_SUFFIXES = ("-i386", "-x32")


def abi_cases(cases_dir: Path, abi: str) -> Dict[str, Path]:
    """{case: path} of the cases built for one ABI: a fake is an object of
    one ABI and can only be loaded by cases of that ABI.  The native ones
    carry no suffix, the others are NAME-<abi>."""
    out = {}
    for p in find_cases(cases_dir):
        suffix = next((s for s in ABI_SUFFIXES if p.name.endswith(s)), "")
        if (suffix == "" and abi == "native") or suffix == f"-{abi}":
            out[p.name[:len(p.name) - len(suffix)]] = p
    return out


def owner(point: str, printed: Dict[str, Dict[str, str]]) -> str:
    """The case that printed point, else the case its area names."""
    for case, points in printed.items():
        if point in points:
            return case
    return point.split(".")[0]


def run_one(case: Path, fake, timeout: float) -> Dict[str, str]:
    """{point: status} of one case run against one fake (None: the live
    vDSO); a case that did not finish properly shows up as the pseudo point
    '<case>.run'."""
    r = run_case(str(case), timeout, target=fake["path"] if fake else None)
    doc = ktap.parse(r.stdout)
    points = {n.name: n.status for n in doc.walk() if n.name}
    if r.signal or r.timed_out or r.exec_error or doc.bail is not None:
        points[f"{case.name}.run"] = "fail"
    return points


def areas(cases: Dict[str, Path], timeout: float, pool) -> Dict[str, set]:
    """{area: cases printing points of that area}, from one live run each."""
    live = dict(zip(cases, pool.map(lambda c: run_one(cases[c], None, timeout), cases)))
    owners: Dict[str, set] = {}
    for c, points in live.items():
        for p in points:
            owners.setdefault(p.split(".")[0], set()).add(c)
    return owners


def is_faithful(fake: dict) -> bool:
    return fake["name"].split("-")[0] == FAITHFUL


def fake_abi(fake: dict, native: str) -> str:
    abi = fake.get("abi", native)
    return "native" if abi == native else abi


def matrix(fakes: List[dict], cases_dir: Path, timeout: float, jobs: int) -> dict:
    native = os.uname().machine
    by_abi = {a: abi_cases(cases_dir, a) for a in {fake_abi(f, native) for f in fakes}}
    owners = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        for a, cases in by_abi.items():
            owners[a] = areas(cases, timeout, ex)

    def wanted(fake):
        a = fake_abi(fake, native)
        if is_faithful(fake):
            return sorted(by_abi[a])
        want = set()
        for p in fake["expect"]:
            # an area no live run printed (a skipped case): ask every case
            want |= owners[a].get(p.split(".")[0], set(by_abi[a]))
        return sorted(want)

    by_name = {f["name"]: f for f in fakes}
    jobs_list = [(f["name"], c) for f in fakes for c in wanted(f)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        results = dict(zip(jobs_list, ex.map(
            lambda fc: run_one(by_abi[fake_abi(by_name[fc[0]], native)][fc[1]], by_name[fc[0]],
                               timeout), jobs_list)))
    out = {"cases": sorted({c for cases in by_abi.values() for c in cases}), "fakes": []}
    for fake in fakes:
        printed = {c: pts for (name, c), pts in results.items() if name == fake["name"]}
        row = {"name": fake["name"], "description": fake["description"], "abi": fake.get("abi"),
               "expect": fake["expect"], "cells": {}, "missed": [], "alarms": [], "also": []}
        if is_faithful(fake):
            for c, pts in printed.items():
                bad = sorted(p for p, s in pts.items() if s in ("fail", "xpass"))
                row["cells"][c] = "ALARM" if bad else "clean"
                row["alarms"] += bad
        else:
            for point in fake["expect"]:
                c = owner(point, printed)
                status = printed.get(c, {}).get(point)
                if status != "fail":
                    row["missed"].append(f"{point}: {status or 'not printed'}")
                    row["cells"][c] = "missed"
                else:
                    row["cells"].setdefault(c, "caught")
            for c, pts in printed.items():
                row["also"] += sorted(p for p, s in pts.items()
                                      if s == "fail" and p not in fake["expect"])
        out["fakes"].append(row)
    return out


def render(m: dict) -> str:
    cases = m["cases"]
    width = max([len("fake")] + [len(f["name"]) for f in m["fakes"]])
    cols = [max(len(c), 6) for c in cases]
    lines = [f"{'fake':<{width}}  " + "  ".join(f"{c:<{w}}" for c, w in zip(cases, cols))]
    lines.append("-" * len(lines[0]))
    for f in m["fakes"]:
        cells = [f["cells"].get(c, "n.a.") for c in cases]
        lines.append(f"{f['name']:<{width}}  " + "  ".join(f"{x:<{w}}" for x, w in zip(cells, cols)))
    bad = [f for f in m["fakes"] if f["missed"] or f["alarms"]]
    buggy = [f for f in m["fakes"] if not is_faithful(f)]
    caught = sum(1 for f in buggy if not f["missed"])
    lines.append("-" * len(lines[0]))
    lines.append(f"{caught} of {len(buggy)} fakes caught at every expected point; "
                 f"{len(bad)} with a miss or a false alarm")
    for f in bad:
        for what in f["missed"]:
            lines.append(f"MISSED {f['name']}: {what}")
        for what in f["alarms"]:
            lines.append(f"FALSE ALARM {f['name']}: {what}")
    return "\n".join(lines)


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"vdsoconf: error: {message} (see 'vdsoconf faults --help')\n")


def main(argv: List[str]) -> int:
    p = _Parser(prog="vdsoconf faults",
                description="Run every case against every fake vDSO; print the detection table.")
    p.add_argument("--fakes-dir", type=Path, default=FAKES_DIR, metavar="DIR")
    p.add_argument("--cases-dir", type=Path, default=DEFAULT_CASES_DIR, metavar="DIR")
    p.add_argument("--timeout", type=float, default=60.0, metavar="S")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2, metavar="N")
    p.add_argument("--json", metavar="FILE", help="write the matrix as JSON")
    p.add_argument("fakes", nargs="*", metavar="FAKE", help="only these fakes (and faithful)")
    a = p.parse_args(argv)
    try:
        fakes = load_fakes(a.fakes_dir)
    except FileNotFoundError as e:
        print(f"vdsoconf: {e}", file=sys.stderr)
        return 2
    if a.fakes:
        unknown = set(a.fakes) - {f["name"] for f in fakes}
        if unknown:
            p.error(f"unknown fake(s): {', '.join(sorted(unknown))}")
        fakes = [f for f in fakes if f["name"] in a.fakes or is_faithful(f)]
    if not abi_cases(a.cases_dir.resolve(), "native"):
        print(f"vdsoconf: no cases in {a.cases_dir} (build them with 'make')", file=sys.stderr)
        return 1
    m = matrix(fakes, a.cases_dir.resolve(), a.timeout, max(1, a.jobs))
    print(render(m))
    if a.json:
        Path(a.json).write_text(json.dumps(m, indent=1) + "\n")
    return 1 if any(f["missed"] or f["alarms"] for f in m["fakes"]) else 0
