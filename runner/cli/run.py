"""`vdsoconf run`: run the cases through pytest, then summarise.

Exit status: 0 nothing failed; 1 a test point or case failed, a result
changed between --repeat runs, or nothing ran at all; 2 usage error.
"""

import argparse
import os
import sys
from pathlib import Path
from typing import List, Optional

from runner.cli.parser import count, seconds
from runner.core import target
from runner.core.discover import ABI_SUFFIXES, cases_by_abi, find_cases, is_case
from runner.paths import DEFAULT_CASES_DIR, RESULTS, SOURCE_TREE, help_path
from runner.session import RunOptions, run

# (flag, file name under --results, what it holds)
REPORTS = (("--junit", "junit.xml", "JUnit XML"),
           ("--json", "report.json", "JSON report"),
           ("--ktap", "ktap.log", "combined KTAP log"))


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("run", help="run the cases and report",
                       description="Run the case programs and report every test point.")
    p.add_argument("cases", nargs="*", metavar="CASE",
                   help="case names (default: every case in the cases directory)")
    p.add_argument("--target", metavar="FAKE.so",
                   help="fake vDSO to test instead of the live one (VDSOCONF_TARGET)")
    p.add_argument("-k", dest="filter", metavar="FILTER",
                   help="only test points matching this pytest -k expression")
    p.add_argument("--timeout", type=seconds, default=60.0, metavar="S",
                   help="kill a case after S seconds (default: 60)")
    p.add_argument("--cases-dir", type=Path, default=DEFAULT_CASES_DIR, metavar="DIR",
                   help=f"where the case programs are (default: {help_path(DEFAULT_CASES_DIR)})")
    p.add_argument("--results", type=Path, default=RESULTS, metavar="DIR",
                   help=f"write the reports into DIR (default: {help_path(RESULTS)})")
    for flag, name, what in REPORTS:
        p.add_argument(flag, default=None, metavar="FILE",
                       help=f"write the {what} here (default: DIR/{name}; '' for none)")
    p.add_argument("--repeat", type=count, default=1, metavar="N",
                   help="run the whole suite N times and report results that changed")
    p.add_argument("-j", "--jobs", type=count, default=os.cpu_count() or 1, metavar="N",
                   help="run up to N cases at once (default: the number of CPUs)")
    p.add_argument("-v", "--verbose", action="store_true", help="one line per test point")
    return p


def report_file(args: argparse.Namespace, flag: str) -> str:
    """Where one report goes: its own flag, else its name under --results."""
    given = getattr(args, flag.lstrip("-"))
    if given is not None:
        return given
    name = next(n for f, n, _ in REPORTS if f == flag)
    return str(args.results / name)


def run_options(args: argparse.Namespace, cases_dir: Path, cases: List[Path]) -> RunOptions:
    """The session the `run` arguments ask for, over these cases."""
    return RunOptions(cases_dir=cases_dir, cases=cases, target=args.target,
                      timeout=args.timeout, repeat=args.repeat, jobs=args.jobs,
                      filter=args.filter, verbose=args.verbose,
                      junit=report_file(args, "--junit"), json=report_file(args, "--json"),
                      ktap=report_file(args, "--ktap"))


def main(p: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """`run` on this machine's kernel."""
    suffix = None
    if args.target:
        suffix = _target_suffix(p, args.target)
    cases_dir = args.cases_dir.resolve()
    cases = _select(p, cases_dir, args.cases, suffix)
    if not cases:
        why = "no such directory" if not cases_dir.is_dir() else "no executable case programs"
        how = "build them with 'make'" if SOURCE_TREE else "give --cases-dir"
        print(f"vdsoconf: no cases found in {cases_dir} ({why}; {how})", file=sys.stderr)
        return 1
    if args.target:
        print(f"vdsoconf: target {args.target}: {target.abi_of(args.target)} shared object, "
              f"{len(cases)} case(s) of that ABI", flush=True)
    return run(run_options(args, cases_dir, cases))


def _target_suffix(p: argparse.ArgumentParser, path: str) -> str:
    """Check the target once; the suffix of the cases that can load it."""
    if not os.path.isfile(path):
        p.error(f"--target {path}: no such file")
    try:
        abi = target.abi_of(path)
    except target.TargetError as e:
        p.error(f"--target {path}: {e}")
    suffix = target.case_suffix(abi)
    if suffix is None:
        p.error(f"--target {path}: a {abi} object; no {abi} cases are built on this "
                f"{target.native_abi()} machine")
    return suffix


def _select(p: argparse.ArgumentParser, cases_dir: Path, names: List[str],
            suffix: Optional[str]) -> List[Path]:
    """The named cases, else every case (of the target's ABI, with a target)."""
    if not names:
        if suffix is not None:
            return sorted(cases_by_abi(cases_dir, suffix).values())
        return find_cases(cases_dir)
    by_abi = cases_by_abi(cases_dir, suffix) if suffix is not None else {}
    chosen = []
    for name in names:
        path = Path(name) if os.sep in name else cases_dir / name
        if suffix is not None and os.sep not in name:
            # a case named by its concern runs in the target's ABI's build
            # (rollover against an i386 target is rollover-i386)
            base = next((name[:-len(x)] for x in ABI_SUFFIXES if name.endswith(x)), name)
            if base in by_abi:
                if name != base + suffix and name != base:
                    p.error(f"case '{name}' is not of the target's ABI: use '{base}' "
                            f"(runs {by_abi[base].name})")
                path = by_abi[base]
        if not is_case(path):
            p.error(f"unknown case '{name}': no executable {path}")
        chosen.append(path.resolve())
    return chosen
