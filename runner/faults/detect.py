"""The detection matrix: which fake failed which case at which test point.

Each fake names in `expect:` lines the test points its bug must fail.
Which case prints which area of points (the first dotted part: `clock.`,
`symbols.`) is learnt from one live run of every case; a fake is then run
against the cases that own its expected points, and the faithful fake
against every case.  A cell is

  caught   every expected point of that case failed
  missed   an expected point passed, skipped, or was never printed
  clean    (faithful) the case failed nothing
  ALARM    (faithful) the case failed something: a false alarm
  n.a.     the fake expects nothing of that case
  n.r.     not run: the kernel refuses to execute the fake's ABI (the row
           says why); neither caught nor clean, so a run that could not
           execute a case never passes for one that did
"""

import concurrent.futures
import os
from pathlib import Path
from typing import Dict, List, Tuple

from runner.core import ktap
from runner.core.caserun import run_case
from runner.core.verdict import judge
from runner.faults.fakes import abi_cases, fake_abi, is_faithful


def owner(point: str, printed: Dict[str, Dict[str, str]]) -> str:
    """The case that printed point, else the case its area names."""
    for case, points in printed.items():
        if point in points:
            return case
    return point.split(".")[0]


# the pseudo point under which run_tree reports that the kernel refused the ABI
NOT_RUN = "<not run>"


def run_tree(case: Path, fake, timeout: float) -> Tuple[Dict[str, str], List[str]]:
    """{point: status} of one case run against one fake (None: the live
    vDSO), and the names of the points that had subtests; a case that did
    not finish properly shows up as the pseudo point '<case>.run', one the
    kernel would not execute as {NOT_RUN: reason}."""
    r = run_case(str(case), timeout, target=fake["path"] if fake else None)
    if r.exec_skip:
        return {NOT_RUN: r.exec_skip}, []
    doc = ktap.parse(r.stdout)
    points = {n.name: n.status for n in doc.walk() if n.name}
    parents = [n.name for n in doc.walk() if n.name and n.has_subtest]
    # the same whole-case judgement as a run's: a crash, a hang, a bail-out,
    # malformed KTAP or exit 1 with every point ok is a failure of its own
    if judge(r, doc).failures:
        points[f"{case.name}.run"] = "fail"
    return points, parents


class _Quiet:
    """The progress of a caller that wants none."""

    def start(self, total: int, what: str) -> None:
        pass

    def step(self, label: str = "") -> None:
        pass


def _counted(progress, label: str, fn, *args):
    """fn(*args), counted as one step once it returns (in the pool's
    thread, so that the count follows the runs, not the order of results)."""
    result = fn(*args)
    progress.step(label)
    return result


def live_runs(cases: Dict[str, Path], timeout: float, pool, progress=_Quiet()) -> dict:
    """{case: (points, parents)} of one live run each."""
    return dict(zip(cases, pool.map(
        lambda c: _counted(progress, c, run_tree, cases[c], None, timeout), cases)))


def areas(live: dict) -> Dict[str, set]:
    """{area: cases printing points of that area}, from the live runs."""
    owners: Dict[str, set] = {}
    for c, (points, _) in live.items():
        for p in points.keys() - {NOT_RUN}:
            owners.setdefault(p.split(".")[0], set()).add(c)
    return owners


def live_record(live: dict) -> dict:
    """What the live runs printed, for the coverage check
    (runner/faults/coverage.py): every point with its status, the points
    that had subtests, and the cases the kernel would not execute."""
    rec = {"points": {}, "parents": [], "not_run": {}}
    for c, (points, parents) in sorted(live.items()):
        if NOT_RUN in points:
            rec["not_run"][c] = points[NOT_RUN]
            continue
        rec["points"].update({p: s for p, s in points.items() if p != f"{c}.run"})
        rec["parents"] += parents
    return rec


def matrix(fakes: List[dict], cases_dir: Path, timeout: float, jobs: int,
           progress=None) -> dict:
    """progress: anything with the start() and step() of
    runner/report/progress.py, told of every case run as it ends."""
    return matrices(fakes, cases_dir, timeout, jobs, progress, 1)[0]


def matrices(fakes: List[dict], cases_dir: Path, timeout: float, jobs: int,
             progress=None, repeat: int = 1) -> List[dict]:
    """repeat matrices of the same fakes: the live runs that tell which
    case owns which area are made once, the fake x case runs every time."""
    progress = progress or _Quiet()
    native = os.uname().machine
    by_abi = {a: abi_cases(cases_dir, a) for a in {fake_abi(f, native) for f in fakes}}
    owners, live = {}, {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        for a, cases in by_abi.items():
            progress.start(len(cases), f"live runs ({a})")
            runs = live_runs(cases, timeout, ex, progress)
            owners[a], live[a] = areas(runs), live_record(runs)
    return [_fake_runs(fakes, by_abi, owners, live, native, timeout, jobs, progress,
                       f" ({i + 1} of {repeat})" if repeat > 1 else "")
            for i in range(repeat)]


def _fake_runs(fakes, by_abi, owners, live, native, timeout, jobs, progress, which) -> dict:

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
    progress.start(len(jobs_list), "fake x case runs" + which)
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        results = dict(zip(jobs_list, ex.map(
            lambda fc: _counted(progress, f"{fc[0]} x {fc[1]}", run_tree,
                                by_abi[fake_abi(by_name[fc[0]], native)][fc[1]],
                                by_name[fc[0]], timeout), jobs_list)))
    out = {"cases": sorted({c for cases in by_abi.values() for c in cases}), "fakes": [], "live": live}
    for fake in fakes:
        printed = {c: pts for (name, c), (pts, _) in results.items() if name == fake["name"]}
        row = {"name": fake["name"], "description": fake["description"], "abi": fake.get("abi"),
               "expect": fake["expect"], "cells": {}, "missed": [], "alarms": [], "also": [],
               "not_run": None, "printed": {},
               "parents": sorted({p for (name, _), (_, ps) in results.items() if name == fake["name"]
                                  for p in ps})}
        refused = {c: pts[NOT_RUN] for c, pts in printed.items() if NOT_RUN in pts}
        if refused:
            row["not_run"] = next(iter(refused.values()))
            row["cells"] = dict.fromkeys(refused, "n.r.")
            printed = {c: pts for c, pts in printed.items() if c not in refused}
        # every point the fake's runs printed, with its status: a point
        # that only runs against some fake (an export the live vDSO lacks)
        # is still one the coverage check asks a tripping fake for
        for pts in printed.values():
            row["printed"].update(pts)
        if is_faithful(fake):
            for c, pts in printed.items():
                bad = sorted(p for p, s in pts.items() if s in ("fail", "xpass"))
                row["cells"][c] = "ALARM" if bad else "clean"
                row["alarms"] += bad
        elif not refused:
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
