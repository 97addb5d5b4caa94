"""A run of the suite: pytest with the plugin, its reports, its exit status.

Every way of running the cases (`vdsoconf run`, a guest's recording, each
column of a matrix) fills in a RunOptions and hands it here, so the
reports come out of one code path.

Exit status of run(): 0 nothing failed; 1 a test point or case failed, a
result changed between repeated runs, or nothing ran at all; 2 pytest
refused its arguments; 130 interrupted.
"""

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Tuple

import pytest

from runner.core import known
from runner.core.collect import STATE
from runner.core.state import RunState
from runner.report import files, flaky, jsonreport, summary

PLUGIN = "runner.plugin"


@dataclass
class RunOptions:
    cases_dir: Path
    cases: List[Path]                     # the programs (or recorded runs) to collect
    target: Optional[str] = None          # a fake vDSO, passed to every case
    timeout: float = 60.0                 # seconds before a case is killed
    repeat: int = 1
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    filter: Optional[str] = None          # pytest -k expression
    verbose: bool = False
    # report files; None or '' for none
    junit: Optional[str] = None
    json: Optional[str] = None
    ktap: Optional[str] = None
    suite_name: str = "vdsoconf"          # the JUnit testsuite's name
    recorded: Optional[Path] = None       # replay this recording instead of executing


def pytest_args(o: RunOptions) -> List[str]:
    out = [
        "-p", PLUGIN, "-p", "no:cacheprovider",
        # no ini file, no conftest.py and no rootdir from wherever the user
        # stands: the run must not depend on the current directory
        "-c", os.devnull, "--rootdir", str(o.cases_dir), "--confcutdir", str(o.cases_dir),
        "-o", f"junit_suite_name={o.suite_name}",
        "-o", "junit_family=xunit2",
        "-v" if o.verbose else "-q",
        # every skip, xfail and failure listed with its reason at the end
        "-rfsxX",
        "--vdsoconf-cases-dir", str(o.cases_dir),
        "--vdsoconf-timeout", repr(o.timeout),
        "--vdsoconf-jobs", str(o.jobs),
    ]
    if o.target:
        out += ["--vdsoconf-target", os.path.abspath(o.target)]
    if o.recorded:
        out += ["--vdsoconf-recorded", str(o.recorded)]
    if o.filter:
        out += ["-k", o.filter]
    for flag, path in (("--junitxml", o.junit), ("--vdsoconf-json", o.json),
                       ("--vdsoconf-ktap", o.ktap)):
        if path:
            out += [flag, os.path.abspath(path)]
    return out + [str(c) for c in o.cases]


class _Keep:
    """Holds on to the session's state so it can be read after pytest.main."""
    state: Optional[RunState] = None

    def pytest_sessionfinish(self, session):
        self.state = session.config.stash.get(STATE, None)


def run_once(o: RunOptions) -> Tuple[int, Optional[RunState]]:
    """One pytest session; its exit code and what it learned (None when
    it stopped before collecting)."""
    keep = _Keep()
    code = pytest.main(pytest_args(o), plugins=[keep])
    return code, keep.state


def run(o: RunOptions) -> int:
    """Run o.repeat sessions, print the summary, and name the report files."""
    states: List[RunState] = []
    for i in range(o.repeat):
        if o.repeat > 1:
            print(f"=== vdsoconf run {i + 1} of {o.repeat}", flush=True)
        code, state = run_once(o)
        if code == pytest.ExitCode.USAGE_ERROR:
            return 2
        if code == pytest.ExitCode.INTERRUPTED:
            return 130
        if state is None or code == pytest.ExitCode.INTERNAL_ERROR:
            print("vdsoconf: pytest stopped before running the cases", file=sys.stderr)
            return 1
        states.append(state)
    return _report(o, states)


def _report(o: RunOptions, states: List[RunState]) -> int:
    print()
    if not any(s.ran() for s in states):
        what = f"the filter -k '{o.filter}' matched none" if o.filter else "no output"
        print(f"vdsoconf: no test point ran ({what})")
        return 1
    print(summary.render(summary.merge([summary.rows(s) for s in states])))
    print(known.render(known.shown((jsonreport.qualified(s, x), x.status, x.reason)
                                   for s in states for x in s.ran())))
    failed = any(x.status in ("fail", "xpass") for s in states for x in s.ran())
    changed = flaky.find(states) if len(states) > 1 else []
    if len(states) > 1:
        print(flaky.render(changed, len(states)))
        jsonreport.amend(o.json, repeat=len(states), flaky=changed)
    for label, path in (("KTAP log", o.ktap), ("JUnit XML", o.junit),
                        ("JSON report", o.json)):
        if path:
            print(f"{label + ':':<13}{files.shown(path)}")
    return 1 if failed or changed else 0
