"""pytest plugin: each case program is a collector, each KTAP test point an item.

Load it with `pytest -p runner.plugin [--vdsoconf-cases-dir DIR] [DIR]`
(the repository root must be importable) or through `runner/vdsoconf run`.
Here are the options, which files are cases, and the reports written when
the session ends; the collection tree itself is runner/core/collect.py.
"""

import os
import time
from pathlib import Path
from typing import Optional

import pytest

from runner.core import recording
from runner.core.caserun import TARGET_ENV
from runner.core.collect import COLLECTION, STATE, CaseFile, Collection
from runner.core.discover import is_case
from runner.core.state import RunState
from runner.paths import DEFAULT_CASES_DIR
from runner.report import files, jsonreport, ktaplog


def pytest_addoption(parser):
    g = parser.getgroup("vdsoconf", "vdsoconf case programs")
    g.addoption("--vdsoconf-cases-dir", default=str(DEFAULT_CASES_DIR),
                help="directory whose executables are cases (default: %(default)s)")
    g.addoption("--vdsoconf-target", default=None,
                help=f"fake vDSO for every case, passed as {TARGET_ENV}")
    g.addoption("--vdsoconf-timeout", type=float, default=60.0,
                help="seconds before a case is killed (default: %(default)s)")
    g.addoption("--vdsoconf-json", default=None, help="write the JSON report here")
    g.addoption("--vdsoconf-ktap", default=None, help="write the combined KTAP log here")
    g.addoption("--vdsoconf-recorded", default=None, metavar="DIR",
                help="replay the case runs recorded in DIR (a QEMU guest's) instead of "
                     "executing programs")
    g.addoption("--vdsoconf-jobs", type=int, default=1,
                help="run up to N cases at once (default: %(default)s)")


def pytest_configure(config):
    target = config.getoption("--vdsoconf-target")
    if target:
        if not os.path.exists(target):
            raise pytest.UsageError(f"--vdsoconf-target {target}: no such file")
        target = os.path.abspath(target)
    if config.getoption("--vdsoconf-timeout") <= 0:
        raise pytest.UsageError("--vdsoconf-timeout must be a positive number of seconds")
    state = RunState(target=target or os.environ.get(TARGET_ENV))
    recorded = config.getoption("--vdsoconf-recorded")
    if recorded:
        state.system = recording.load_system(Path(recorded))
    config.stash[STATE] = state
    config.stash[COLLECTION] = Collection(
        cases_dir=Path(config.getoption("--vdsoconf-cases-dir")),
        timeout=config.getoption("--vdsoconf-timeout"),
        jobs=config.getoption("--vdsoconf-jobs"),
        recorded=Path(recorded) if recorded else None)
    config.pluginmanager.register(_Recorder(state), "vdsoconf-recorder")


class _Recorder:
    def __init__(self, state: RunState):
        self.state = state

    def pytest_runtest_logreport(self, report):
        self.state.record(report.nodeid, report.when, report.passed, report.failed,
                          hasattr(report, "wasxfail"), report.skipped)


def pytest_report_header(config):
    state = config.stash[STATE]
    if config.getoption("--vdsoconf-recorded"):
        return [f"vdsoconf: case runs recorded in {config.getoption('--vdsoconf-recorded')}, "
                f"kernel {state.system.get('kernel', '?')}"]
    return [f"vdsoconf: cases in {config.getoption('--vdsoconf-cases-dir')}, "
            f"target {state.target or 'live vDSO'}"]


def pytest_collect_file(file_path: Path, parent):
    where = parent.config.stash[COLLECTION]
    if where.recorded:
        if recording.is_record(file_path, where.recorded):
            return CaseFile.from_parent(parent, path=file_path)
        return None
    if file_path.parent.resolve() == where.cases_dir.resolve() and is_case(file_path):
        return CaseFile.from_parent(parent, path=file_path)
    if _named_on_command_line(parent.config, file_path) and is_case(file_path):
        return CaseFile.from_parent(parent, path=file_path)
    return None


def _named_on_command_line(config, path: Path) -> bool:
    base = config.invocation_params.dir
    wanted = path.resolve()
    return any((base / a.split("::")[0]).resolve() == wanted for a in config.args)


def pytest_sessionfinish(session):
    state: Optional[RunState] = session.config.stash.get(STATE, None)
    if state is None:
        return
    state.finished = state.finished or time.monotonic()
    json_path = session.config.getoption("--vdsoconf-json")
    if json_path:
        files.write(json_path, jsonreport.dumps(jsonreport.build(state)))
    ktap_path = session.config.getoption("--vdsoconf-ktap")
    if ktap_path:
        files.write(ktap_path, ktaplog.render(state))
