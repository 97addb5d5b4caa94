"""`vdsoconf faults`: the detection matrix, every fake against the cases.

Exit status 0 when nothing was missed and nothing alarmed, 1 otherwise,
2 on usage errors.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from runner.faults import rates
from runner.faults.detect import matrices
from runner.faults.fakes import FAKES_DIR, abi_cases, is_faithful, load_fakes
from runner.faults.table import render
from runner.paths import BUILD, DEFAULT_CASES_DIR, REPO, SOURCE_TREE
from runner.report.progress import Progress


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("faults",
                       help="run every case against every fake vDSO; print the detection table",
                       description="Run every case against every fake vDSO; print the "
                                   "detection table.")
    p.add_argument("--fakes-dir", type=Path, default=FAKES_DIR, metavar="DIR")
    p.add_argument("--cases-dir", type=Path, default=DEFAULT_CASES_DIR, metavar="DIR")
    # plain float and int, as this command always took them
    p.add_argument("--timeout", type=float, default=60.0, metavar="S")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2, metavar="N")
    p.add_argument("--json", metavar="FILE", help="write the matrix (with --repeat: the rates) as JSON")
    p.add_argument("--repeat", type=_positive, default=1, metavar="N",
                   help="run the matrix N times; report each fake's catch rate and each "
                        "faithful fake's false-alarm rate")
    p.add_argument("fakes", nargs="*", metavar="FAKE", help="only these fakes (and faithful)")
    return p


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of runs (1 or more)")
    return n


def build_fakes() -> None:
    """The checkout's own fakes are built (or brought up to date) here, so
    that the command works without a separate `make fakes`; a --fakes-dir
    of someone else's is taken as it is."""
    if not SOURCE_TREE:
        raise FileNotFoundError("the fakes are built from vdsoconf's source tree; "
                                "give --fakes-dir a directory built by 'make fakes'")
    r = subprocess.run(["make", "-s", "-C", str(REPO), f"B={BUILD}", "fakes"],
                       capture_output=True, text=True)
    if r.returncode:
        tail = (r.stderr.strip().splitlines() or ["make failed"])[-1]
        raise FileNotFoundError(f"building the fakes failed: {tail}")


def main(p: argparse.ArgumentParser, a: argparse.Namespace) -> int:
    try:
        if a.fakes_dir.resolve() == FAKES_DIR.resolve():
            build_fakes()
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
    # only now, every usage error behind: an error stays one line on stderr
    progress = Progress()
    progress.within("faults:")
    try:
        runs = matrices(fakes, a.cases_dir.resolve(), a.timeout, max(1, a.jobs), progress, a.repeat)
    finally:
        progress.done()
    if a.repeat > 1:
        rows = rates.rates(runs)
        print(rates.render(rows, a.repeat))
        if a.json:
            Path(a.json).write_text(json.dumps({"repeat": a.repeat, "rates": rows}, indent=1) + "\n")
        return 1 if rates.failed(rows) else 0
    m = runs[0]
    print(render(m))
    if a.json:
        Path(a.json).write_text(json.dumps(m, indent=1) + "\n")
    return 1 if any(f["missed"] or f["alarms"] for f in m["fakes"]) else 0
