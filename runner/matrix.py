"""`vdsoconf matrix`: the suite on several kernels, one table.

Each kernel is booted under QEMU with the suite (runner/guest/suite.py) and its
recording replayed into the usual reports, one directory per kernel; with
--host the running kernel is checked too.  The table is read back from the
JSON reports: per case pass/fail/skip counts per kernel, then every test
point whose result is not the same everywhere.  A point printed only on
one architecture (arm64's __kernel_ names, LINUX_2.6.39) is counted per
architecture rather than listed, so that the list shows what changed
between kernels.  A kernel that did not boot, died, or has no vDSO is
named with what happened and left out of the comparison; the others go on.

Exit status: 0 when every kernel booted and nothing failed, 1 otherwise,
2 on usage errors.
"""

import argparse
import contextlib
import json
import os
import re
import sys
from collections import OrderedDict
from pathlib import Path
from types import SimpleNamespace
from typing import Dict, List, Optional

import pytest

from runner import cli
from runner.core import recording
from runner.core.discover import find_cases
from runner.guest import fetch, suite
from runner.paths import DEFAULT_CASES_DIR, REPO

OUT = REPO / "build" / "results" / "matrix"
STATUS_SHORT = {"pass": "pass", "fail": "FAIL", "skip": "skip", "xfail": "xfail",
                "xpass": "XPASS", None: "-"}


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"vdsoconf: error: {message} (see 'vdsoconf matrix --help')\n")


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="vdsoconf matrix",
                description="Boot each kernel under QEMU (TCG) with the suite; print one table, "
                            "kernel x case, and every test point whose result differs.")
    p.add_argument("cases", nargs="*", metavar="CASE",
                   help="only these cases (default: every case built for each architecture)")
    p.add_argument("--kernel", action="append", default=[], metavar="IMAGE",
                   help="a kernel image, or a name fixtures/kernels/fetch downloads "
                        f"({', '.join(fetch.fetchable())}); repeat for more")
    p.add_argument("--host", action="store_true", help="also run the suite on this machine's kernel")
    p.add_argument("--smp", type=cli._count, default=2, metavar="N", help="guest CPUs (default: 2)")
    p.add_argument("--boot-timeout", type=cli._seconds, default=None, metavar="S",
                   help="per kernel (default: 60 x86_64, 180 aarch64)")
    p.add_argument("--timeout", type=cli._seconds, default=60.0, metavar="S",
                   help="kill a case after S seconds (default: 60)")
    p.add_argument("--append", default="", metavar="ARGS", help="extra kernel command line")
    p.add_argument("--out", type=Path, default=OUT, metavar="DIR",
                   help="one directory of reports per kernel (default: build/results/matrix)")
    p.add_argument("--json", metavar="FILE", help="write the matrix as JSON")
    p.add_argument("--bench", action="store_true",
                   help="print seconds from QEMU start to /init and to the last result per kernel")
    return p


def main(argv: List[str]) -> int:
    p = parser()
    a = p.parse_args(argv)
    if not a.kernel and not a.host:
        p.error("nothing to run: give --kernel (one or more) and/or --host")
    columns = []
    for i, spec in enumerate(a.kernel, 1):
        print(f"[{i}/{len(a.kernel) + a.host}] {spec}: ", end="", flush=True)
        col = _guest_column(spec, a, taken={c["id"] for c in columns})
        columns.append(col)
        print(_one_line(col), flush=True)
    if a.host:
        print(f"[{len(columns) + 1}/{len(columns) + 1}] host: ", end="", flush=True)
        col = _host_column(a)
        columns.append(col)
        print(_one_line(col), flush=True)
    m = build(columns)
    print()
    print(render_bench(m) if a.bench else render(m))
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(m, indent=1) + "\n")
    if a.bench:
        return 0 if all(c["reached_results"] for c in columns) else 1
    return 0 if all(c["ok"] and not c["totals"].get("fail") and not c["totals"].get("xpass")
                    for c in columns) else 1


def _guest_column(spec: str, a, taken) -> dict:
    col = {"spec": spec, "kind": "guest", "ok": False, "reached_results": False, "totals": {},
           "cases": {}, "arch": None, "label": spec, "problem": None, "boot_s": None,
           "results_s": None}
    try:
        kernel = fetch.resolve(spec)
    except RuntimeError as e:
        col.update(id=_free_id(spec, taken), problem=str(e))
        return col
    if not kernel.is_file():
        col.update(id=_free_id(spec, taken), problem=f"{kernel}: no such file")
        return col
    label = suite.label_of(kernel)
    col["id"] = cid = _free_id(label, taken)
    directory = a.out / cid
    try:
        g = suite.boot(kernel, cases=a.cases or None, smp=a.smp, boot_timeout=a.boot_timeout,
                       case_timeout=a.timeout, append=a.append, out=directory, strict=False)
    except RuntimeError as e:
        col["problem"] = str(e)
        return col
    b = g.boot
    col.update(label=g.label, arch=g.arch, boot_s=b.boot_s, results_s=b.done_s,
               total_s=b.total_s, console_log=str(directory / "console.log"),
               reached_results=b.log.done)
    report = _replay(a, directory / recording.CASES, g.records, directory, recorded=directory,
                     suite=f"vdsoconf {g.label}")
    _fill(col, report, directory)
    guest = col["cases"].get("guest", {})
    failed_guest = [t for t, s in guest.get("tests", {}).items() if s == "fail"]
    if failed_guest:
        col["problem"] = b.detail if not b.ok else _guest_reason(report)
    col["ok"] = not failed_guest
    return col


def _host_column(a) -> dict:
    cases = [c for c in find_cases(DEFAULT_CASES_DIR) if not a.cases or c.name in a.cases]
    col = {"spec": "host", "kind": "host", "id": "host", "ok": bool(cases), "reached_results": True,
           "totals": {}, "cases": {}, "arch": os.uname().machine, "problem": None,
           "label": f"{os.uname().release} (host)", "boot_s": None, "results_s": None}
    if not cases:
        col["problem"] = f"no cases in {DEFAULT_CASES_DIR} (run make)"
        return col
    directory = a.out / "host"
    report = _replay(a, DEFAULT_CASES_DIR, cases, directory, recorded=None, suite="vdsoconf")
    _fill(col, report, directory)
    return col


def _replay(a, cases_dir: Path, cases: List[Path], directory: Path,
            recorded: Optional[Path], suite: str) -> dict:
    """The ordinary pytest run (cli's arguments), its chatter kept in a file."""
    directory.mkdir(parents=True, exist_ok=True)
    ns = SimpleNamespace(verbose=False, timeout=a.timeout, jobs=os.cpu_count() or 1, target=None,
                         filter=None, junit=str(directory / "junit.xml"),
                         json=str(directory / "report.json"), ktap=str(directory / "ktap.log"),
                         recorded=str(recorded) if recorded else None, suite_name=suite)
    with open(directory / "pytest.log", "w") as log, contextlib.redirect_stdout(log):
        pytest.main(cli._pytest_args(ns, cases_dir, cases))
    try:
        return json.loads(Path(ns.json).read_text())
    except (OSError, ValueError):
        return {}


def _fill(col: dict, report: dict, directory: Path) -> None:
    col["totals"] = report.get("totals", {})
    col["report"] = str(directory / "report.json")
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


def _free_id(label: str, taken) -> str:
    base = re.sub(r"[^\w.+-]", "_", label) or "kernel"
    unique, k = base, 1
    while unique in taken:
        k += 1
        unique = f"{base}#{k}"
    return unique


def _one_line(col: dict) -> str:
    t = col["totals"]
    if col["problem"] and not t:
        return f"FAILED: {col['problem']}"
    timing = f" in {col['results_s']:.1f} s" if col.get("results_s") else ""
    what = (f"{col['label']}{timing}: {t.get('pass', 0)} pass, {t.get('fail', 0)} fail, "
            f"{t.get('skip', 0)} skip")
    return what + (f"; FAILED: {col['problem']}" if col["problem"] else "")


def build(columns: List[dict]) -> dict:
    """The matrix as data: columns, case rows, and the points that differ."""
    letters = [chr(ord("A") + i) if i < 26 else f"K{i}" for i in range(len(columns))]
    for key, col in zip(letters, columns):
        col["key"] = key
    cases = []
    for col in columns:
        for name in col["cases"]:
            if name not in cases:
                cases.append(name)
    compared = [c for c in columns if c["ok"] and c["cases"]]
    same, per_arch = [], {}
    points = OrderedDict()
    for col in compared:
        for case, data in col["cases"].items():
            for point in data["tests"]:
                points.setdefault((case, point), None)
    for case, point in points:
        ran = [c for c in compared if case in c["cases"]]
        statuses = {c["key"]: c["cases"][case]["tests"].get(point) for c in ran}
        if len(set(statuses.values())) <= 1:
            continue
        present = {c["arch"] for c in ran if statuses[c["key"]] is not None}
        absent = {c["arch"] for c in ran if statuses[c["key"]] is None}
        # printed on every kernel of some architectures, alike, and on no
        # kernel of the others: a fact about the architecture, not a change
        if present.isdisjoint(absent) and len(set(statuses.values()) - {None}) == 1:
            per_arch.setdefault(",".join(sorted(present)), []).append(f"{case}: {point}")
        else:
            same.append({"case": case, "point": point, "statuses": statuses})
    return {"columns": [{k: v for k, v in c.items() if k != "cases"} |
                        {"cases": {n: d["counts"] for n, d in c["cases"].items()}}
                        for c in columns],
            "cases": cases, "differences": same, "architecture_only": per_arch}


def _cell(counts: Optional[Dict[str, int]]) -> str:
    if counts is None:
        return "-"
    cell = f"{counts['pass']}/{counts['fail'] + counts.get('xpass', 0)}/{counts['skip']}"
    return cell + (f"+{counts['xfail']}x" if counts.get("xfail") else "")


def render(m: dict) -> str:
    cols = m["columns"]
    lines = ["kernels:"]
    for c in cols:
        t = c["totals"]
        state = "ok" if c["ok"] else "FAILED"
        timing = (f", /init {c['boot_s']:.1f} s, results {c['results_s']:.1f} s"
                  if c.get("boot_s") and c.get("results_s") else "")
        lines.append(f"  {c['key']}  {c['label']} [{c['arch'] or '?'}, {c['kind']}{timing}]: "
                     f"{state}; {t.get('pass', 0)} pass, {t.get('fail', 0)} fail, "
                     f"{t.get('skip', 0)} skip, {t.get('xfail', 0)} xfail")
        if c["problem"]:
            lines.append(f"     {c['problem']}")
            if c.get("console_log"):
                lines.append(f"     console: {_shown(c['console_log'])}")
    width = max([len("case")] + [len(n) for n in m["cases"]])
    cw = max([len("pass/fail/skip")] + [len(_cell(c["cases"].get(n))) for c in cols
                                         for n in m["cases"]])
    lines.append("")
    lines.append(f"{'case':<{width}}  " + "  ".join(f"{c['key']:<{cw}}" for c in cols))
    lines.append(f"{'':<{width}}  " + "  ".join(f"{'pass/fail/skip':<{cw}}" for _ in cols))
    lines.append("-" * len(lines[-1]))
    for n in m["cases"]:
        lines.append(f"{n:<{width}}  " + "  ".join(f"{_cell(c['cases'].get(n)):<{cw}}"
                                                    for c in cols))
    lines.append("(+Nx: expected failures; -: the case did not run on that kernel)")
    lines += _render_differences(m)
    return "\n".join(lines)


def _render_differences(m: dict) -> List[str]:
    """One line per result pattern (the statuses across kernels), naming
    the points that share it, case by case; every point is in the JSON."""
    keys = [c["key"] for c in m["columns"] if c["ok"] and c["cases"]]
    out = [""]
    if len(keys) < 2:
        return out + ["differences: fewer than two kernels to compare"]
    diffs = m["differences"]
    groups: "OrderedDict[tuple, OrderedDict[str, List[str]]]" = OrderedDict()
    for d in diffs:
        pattern = tuple(STATUS_SHORT.get(d["statuses"][k], "?") if k in d["statuses"] else "n/a"
                        for k in keys)
        groups.setdefault(pattern, OrderedDict()).setdefault(d["case"], []).append(d["point"])
    out.append(f"test points whose result differs: {len(diffs)} in {len(groups)} patterns "
               "('-': not printed by a case that ran; n/a: the case did not run)")
    if groups:
        head = "  ".join(f"{k:<5}" for k in keys)
        out.append(f"  {head}  points")
        for pattern, cases in groups.items():
            cells = "  ".join(f"{x:<5}" for x in pattern)
            for i, (case, points) in enumerate(cases.items()):
                lead = cells if i == 0 else " " * len(cells)
                out.append(f"  {lead}  {case}: {_some(points)}")
    for arches, pts in m["architecture_only"].items():
        out.append(f"printed only on {arches} ({len(pts)} points, the same result on every "
                   "such kernel):")
        by_case: "OrderedDict[str, List[str]]" = OrderedDict()
        # version definitions first: they are what tells the ABIs apart
        for p in sorted(pts, key=lambda p: "LINUX_" not in p):
            case, point = p.split(": ", 1)
            by_case.setdefault(case, []).append(point)
        for case, points in by_case.items():
            out.append(f"  {case}: {_some(points)}")
    return out


def _some(points: List[str], limit: int = 3) -> str:
    if len(points) <= limit:
        return ", ".join(points)
    return ", ".join(points[:limit]) + f" and {len(points) - limit} more"


def render_bench(m: dict) -> str:
    lines = ["boot to results under QEMU TCG (s): QEMU start to /init, to the last result, "
             "to QEMU's end",
             f"{'kernel':<32} {'arch':<8} {'/init':>6} {'results':>8} {'end':>6}  outcome"]
    for c in m["columns"]:
        if c["kind"] != "guest":
            continue
        f = lambda x: f"{x:.1f}" if x else "-"   # noqa: E731
        lines.append(f"{c['label']:<32} {c['arch'] or '?':<8} {f(c.get('boot_s')):>6} "
                     f"{f(c.get('results_s')):>8} {f(c.get('total_s')):>6}  "
                     f"{'ok' if c['ok'] else c['problem']}")
    return "\n".join(lines)


def _shown(path: str) -> str:
    return cli._shown(path)
