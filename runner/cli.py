"""`vdsoconf run`: run the cases through pytest, then summarise.

Exit status: 0 nothing failed; 1 a test point or case failed, a result
changed between --repeat runs, or nothing ran at all; 2 usage error.
"""

import argparse
import os
import sys
from pathlib import Path
from typing import List, Optional

import pytest

from runner.core.discover import find_cases, is_case
from runner.core.state import RunState
from runner.paths import DEFAULT_CASES_DIR, REPO
from runner.report import flaky, jsonreport, summary

RESULTS = REPO / "build" / "results"


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        # one line a user can act on; the usage block buries it
        self.exit(2, f"vdsoconf: error: {message} (see 'vdsoconf run --help')\n")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got '{text}'")
    return value


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got '{text}'")
    return int(text)


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="vdsoconf", description="Linux vDSO conformance suite")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    run = sub.add_parser("run", help="run the cases and report",
                         description="Run the case programs and report every test point.")
    run.add_argument("cases", nargs="*", metavar="CASE",
                     help="case names (default: every case in the cases directory)")
    run.add_argument("--target", metavar="FAKE.so",
                     help="fake vDSO to test instead of the live one (VDSOCONF_TARGET)")
    run.add_argument("-k", dest="filter", metavar="FILTER",
                     help="only test points matching this pytest -k expression")
    run.add_argument("--timeout", type=_seconds, default=60.0, metavar="S",
                     help="kill a case after S seconds (default: 60)")
    run.add_argument("--cases-dir", type=Path, default=DEFAULT_CASES_DIR, metavar="DIR",
                     help="where the case programs are (default: build/cases)")
    for flag, default, what in (("--junit", "junit.xml", "JUnit XML"),
                                ("--json", "report.json", "JSON report"),
                                ("--ktap", "ktap.log", "combined KTAP log")):
        run.add_argument(flag, default=str(RESULTS / default), metavar="FILE",
                         help=f"write the {what} here (default: build/results/{default}; "
                              "'' for none)")
    run.add_argument("--repeat", type=_count, default=1, metavar="N",
                     help="run the whole suite N times and report results that changed")
    run.add_argument("-j", "--jobs", type=_count, default=os.cpu_count() or 1, metavar="N",
                     help="run up to N cases at once (default: the number of CPUs)")
    run.add_argument("-v", "--verbose", action="store_true", help="one line per test point")
    guest = run.add_argument_group("another kernel, booted under QEMU (TCG) with the suite")
    guest.add_argument("--kernel", metavar="IMAGE",
                       help="kernel image to boot, or a name fixtures/kernels/fetch downloads "
                            "(6.1-amd64, 6.1-arm64, 6.12-amd64)")
    guest.add_argument("--arch", choices=("x86_64", "aarch64"),
                       help="the image's architecture (default: read from the image)")
    guest.add_argument("--smp", type=_count, default=2, metavar="N",
                       help="guest CPUs (default: 2, so that cross-CPU checks mean something)")
    guest.add_argument("--boot-timeout", type=_seconds, default=None, metavar="S",
                       help="give up when /init has not started after S seconds "
                            "(default: 60 x86_64, 180 aarch64)")
    guest.add_argument("--append", default="", metavar="ARGS",
                       help="extra kernel command line arguments (e.g. vdso=0)")
    # parsed by runner/faults.py; listed here for --help
    sub.add_parser("faults", help="run every case against every fake vDSO; print the detection table",
                   add_help=False)
    # parsed by runner/lint.py; listed here for --help
    sub.add_parser("lint", help="extract the vDSOs of kernel images and lint them with image files",
                   add_help=False)
    # parsed by runner/matrix.py
    sub.add_parser("matrix", help="run the suite on several kernels under QEMU; print kernel x case",
                   add_help=False)
    return top


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["faults"]:
        from runner import faults
        return faults.main(argv[1:])
    if argv[:1] == ["lint"]:
        from runner import lint
        return lint.main(argv[1:])
    if argv[:1] == ["matrix"]:
        from runner import matrix
        return matrix.main(argv[1:])
    p = parser()
    args = p.parse_args(argv)
    if args.kernel:
        from runner import guestrun
        return guestrun.main(p, args)
    if args.arch or args.append or args.boot_timeout or args.smp != 2:
        p.error("--arch, --smp, --boot-timeout and --append need --kernel")
    if args.target and not os.path.isfile(args.target):
        p.error(f"--target {args.target}: no such file")
    cases_dir = args.cases_dir.resolve()
    cases = _select(p, cases_dir, args.cases)
    if not cases:
        why = "no such directory" if not cases_dir.is_dir() else "no executable case programs"
        print(f"vdsoconf: no cases found in {cases_dir} ({why}; build them with 'make')",
              file=sys.stderr)
        return 1
    return _run(args, cases_dir, cases)


def _select(p: argparse.ArgumentParser, cases_dir: Path, names: List[str]) -> List[Path]:
    if not names:
        return find_cases(cases_dir)
    chosen = []
    for name in names:
        path = Path(name) if os.sep in name else cases_dir / name
        if not is_case(path):
            p.error(f"unknown case '{name}': no executable {path}")
        chosen.append(path.resolve())
    return chosen


def _pytest_args(args, cases_dir: Path, cases: List[Path]) -> List[str]:
    out = [
        "-p", "runner.plugin", "-p", "no:cacheprovider",
        # no ini file, no conftest.py and no rootdir from wherever the user
        # stands: the run must not depend on the current directory
        "-c", os.devnull, "--rootdir", str(cases_dir), "--confcutdir", str(cases_dir),
        "-o", f"junit_suite_name={getattr(args, 'suite_name', 'vdsoconf')}",
        "-o", "junit_family=xunit2",
        "-v" if args.verbose else "-q",
        # every skip, xfail and failure listed with its reason at the end
        "-rfsxX",
        "--vdsoconf-cases-dir", str(cases_dir),
        "--vdsoconf-timeout", repr(args.timeout),
        "--vdsoconf-jobs", str(args.jobs),
    ]
    if args.target:
        out += ["--vdsoconf-target", os.path.abspath(args.target)]
    if getattr(args, "recorded", None):
        out += ["--vdsoconf-recorded", args.recorded]
    if args.filter:
        out += ["-k", args.filter]
    for flag, path in (("--junitxml", args.junit), ("--vdsoconf-json", args.json),
                       ("--vdsoconf-ktap", args.ktap)):
        if path:
            out += [flag, os.path.abspath(path)]
    return out + [str(c) for c in cases]


class _Keep:
    """Holds on to the session's state so it can be read after pytest.main."""
    state: Optional[RunState] = None

    def pytest_sessionfinish(self, session):
        from runner.core.collect import STATE
        self.state = session.config.stash.get(STATE, None)


def _run(args, cases_dir: Path, cases: List[Path]) -> int:
    states: List[RunState] = []
    for i in range(args.repeat):
        if args.repeat > 1:
            print(f"=== vdsoconf run {i + 1} of {args.repeat}", flush=True)
        keep = _Keep()
        code = pytest.main(_pytest_args(args, cases_dir, cases), plugins=[keep])
        if code == pytest.ExitCode.USAGE_ERROR:
            return 2
        if code == pytest.ExitCode.INTERRUPTED:
            return 130
        if keep.state is None or code == pytest.ExitCode.INTERNAL_ERROR:
            print("vdsoconf: pytest stopped before running the cases", file=sys.stderr)
            return 1
        states.append(keep.state)
    return _report(args, states)


def _report(args, states: List[RunState]) -> int:
    print()
    if not any(s.ran() for s in states):
        what = f"the filter -k '{args.filter}' matched none" if args.filter else "no output"
        print(f"vdsoconf: no test point ran ({what})")
        return 1
    print(summary.render(summary.merge([summary.rows(s) for s in states])))
    failed = any(o.status in ("fail", "xpass") for s in states for o in s.ran())
    changed = flaky.find(states) if len(states) > 1 else []
    if len(states) > 1:
        print(flaky.render(changed, len(states)))
        jsonreport.amend(args.json, repeat=len(states), flaky=changed)
    for label, path in (("KTAP log", args.ktap), ("JUnit XML", args.junit),
                        ("JSON report", args.json)):
        if path:
            print(f"{label + ':':<13}{_shown(path)}")
    return 1 if failed or changed else 0


def _shown(path: str) -> str:
    rel = os.path.relpath(os.path.abspath(path))
    return rel if not rel.startswith("..") else os.path.abspath(path)
