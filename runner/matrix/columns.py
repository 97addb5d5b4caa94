"""One column of the matrix per kernel: boot it with the suite (or run the
suite here, for the host), replay the result into the usual reports in a
directory of its own, and read the JSON report back.

A kernel that cannot be had, did not boot, or died is a column with a
problem, and the matrix goes on.
"""

import contextlib
import json
import os
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from runner import session
from runner.core import recording
from runner.core.discover import find_cases
from runner.guest import fetch, suite
from runner.matrix import vdsolint
from runner.paths import DEFAULT_CASES_DIR, RESULTS

OUT = RESULTS / "matrix"


@dataclass
class MatrixOptions:
    out: Path = OUT                  # one directory of reports per column
    cases: Optional[List[str]] = None    # None: every case built
    smp: int = 2
    boot_timeout: Optional[float] = None
    timeout: float = 60.0
    append: str = ""


def guest_column(spec: str, o: MatrixOptions, taken, progress=None) -> dict:
    """progress (runner/report/progress.py) follows the fetch and the boot."""
    col = {"spec": spec, "kind": "guest", "ok": False, "reached_results": False, "totals": {},
           "cases": {}, "arch": None, "label": spec, "problem": None, "boot_s": None,
           "results_s": None}
    try:
        fetched = fetch.resolve(spec, progress)
    except RuntimeError as e:
        col.update(id=_free_id(spec, taken), problem=str(e))
        return col
    kernel = fetched.path
    if not kernel.is_file():
        col.update(id=_free_id(spec, taken), problem=f"{kernel}: no such file")
        return col
    label = suite.label_of(kernel)
    col["id"] = cid = _free_id(label, taken)
    directory = o.out / cid
    try:
        g = suite.boot(kernel, arch=fetched.arch, cases=o.cases or None, smp=o.smp,
                       boot_timeout=o.boot_timeout, case_timeout=o.timeout, append=o.append,
                       out=directory, strict=False, kernel_info=fetched.info,
                       progress=progress)
    except RuntimeError as e:
        col["problem"] = str(e)
        return col
    b = g.boot
    col.update(label=g.label, arch=g.arch, boot_s=b.boot_s, results_s=b.done_s,
               package=fetched.info.get("package"), version=fetched.info.get("version"),
               total_s=b.total_s, console_log=str(directory / "console.log"),
               reached_results=b.log.done)
    report = _replay(o, directory / recording.CASES, g.records, directory, recorded=directory,
                     suite_name=f"vdsoconf {g.label}")
    _fill(col, report, directory)
    col["lint"] = vdsolint.lint_kernel(kernel, directory)
    guest = col["cases"].get("guest", {})
    failed_guest = [t for t, s in guest.get("tests", {}).items() if s == "fail"]
    if failed_guest:
        col["problem"] = b.detail if not b.ok else _guest_reason(report)
    col["ok"] = not failed_guest
    return col


def host_column(o: MatrixOptions) -> dict:
    cases = [c for c in find_cases(DEFAULT_CASES_DIR) if not o.cases or c.name in o.cases]
    col = {"spec": "host", "kind": "host", "id": "host", "ok": bool(cases), "reached_results": True,
           "totals": {}, "cases": {}, "arch": os.uname().machine, "problem": None,
           "label": f"{os.uname().release} (host)", "boot_s": None, "results_s": None}
    if not cases:
        col["problem"] = f"no cases in {DEFAULT_CASES_DIR} (run make)"
        return col
    directory = o.out / "host"
    report = _replay(o, DEFAULT_CASES_DIR, cases, directory, recorded=None, suite_name="vdsoconf")
    _fill(col, report, directory)
    col["lint"] = vdsolint.lint_live(directory)
    return col


_REPLAY = threading.Lock()


def _replay(o: MatrixOptions, cases_dir: Path, cases: List[Path], directory: Path,
            recorded: Optional[Path], suite_name: str) -> dict:
    """The ordinary session, its chatter kept in a file; its JSON report."""
    directory.mkdir(parents=True, exist_ok=True)
    run = session.RunOptions(cases_dir=cases_dir, cases=cases, timeout=o.timeout,
                             junit=str(directory / "junit.xml"),
                             json=str(directory / "report.json"),
                             ktap=str(directory / "ktap.log"),
                             recorded=recorded, suite_name=suite_name)
    # one at a time: redirect_stdout swaps the process's sys.stdout, and
    # pytest's terminal writer keeps it; two guests' replays at once wrote
    # to each other's closed log
    with _REPLAY, open(directory / "pytest.log", "w") as log, contextlib.redirect_stdout(log):
        session.run_once(run)
    try:
        return json.loads(Path(run.json).read_text())
    except (OSError, ValueError):
        return {}


def _fill(col: dict, report: dict, directory: Path) -> None:
    col["totals"] = report.get("totals", {})
    col["report"] = str(directory / "report.json")
    col["known_defects"] = [d["id"] for d in report.get("known_defects", [])]
    for c in report.get("cases", []):
        counts = {k: 0 for k in ("pass", "fail", "skip", "xfail", "xpass")}
        tests = OrderedDict()
        for t in c["tests"]:
            counts[t["status"]] = counts.get(t["status"], 0) + 1
            tests[t["name"]] = t["status"]
        col["cases"][c["name"]] = {"counts": counts, "tests": tests}


def _guest_reason(report: dict) -> str:
    for c in report.get("cases", []):
        if c["name"] == "guest":
            for t in c["tests"]:
                if t["status"] == "fail":
                    return t["reason"] or t["name"]
    return "the guest failed"


_ID_LOCK = threading.Lock()


def _free_id(label: str, taken) -> str:
    """A column id not in taken, which it joins (guests may start at once)."""
    base = re.sub(r"[^\w.+-]", "_", label) or "kernel"
    with _ID_LOCK:
        unique, k = base, 1
        while unique in taken:
            k += 1
            unique = f"{base}#{k}"
        taken.add(unique)
    return unique


def one_line(col: dict) -> str:
    t = col["totals"]
    if col["problem"] and not t:
        return f"FAILED: {col['problem']}"
    timing = f" in {col['results_s']:.1f} s" if col.get("results_s") else ""
    what = (f"{col['label']}{timing}: {t.get('pass', 0)} pass, {t.get('fail', 0)} fail, "
            f"{t.get('skip', 0)} skip")
    return what + (f"; FAILED: {col['problem']}" if col["problem"] else "")


