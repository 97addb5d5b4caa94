"""pytest plugin: each case program is a collector, each KTAP test point an item.

Load it with `pytest -p runner.plugin [--vdsoconf-cases-dir DIR] [DIR]`
(the repository root must be importable) or through `runner/vdsoconf run`.
A case runs once, while it is collected; its items then replay what it
printed, so -k, -v, --junitxml and the rest of pytest apply unchanged.
"""

import concurrent.futures
import os
import time
from pathlib import Path
from typing import Optional

import pytest

from runner import jsonreport, ktap, ktaplog, messages, recording
from runner.caserun import TARGET_ENV, run_case
from runner.discover import DEFAULT_CASES_DIR, is_case
from runner.points import flatten
from runner.state import CaseResult, Outcome, RunState
from runner.verdict import judge

STATE = pytest.StashKey[RunState]()


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
    recorded = parent.config.getoption("--vdsoconf-recorded")
    if recorded:
        if recording.is_record(file_path, Path(recorded)):
            return CaseFile.from_parent(parent, path=file_path)
        return None
    cases_dir = Path(parent.config.getoption("--vdsoconf-cases-dir")).resolve()
    if file_path.parent.resolve() == cases_dir and is_case(file_path):
        return CaseFile.from_parent(parent, path=file_path)
    if _named_on_command_line(parent.config, file_path) and is_case(file_path):
        return CaseFile.from_parent(parent, path=file_path)
    return None


def _named_on_command_line(config, path: Path) -> bool:
    base = config.invocation_params.dir
    wanted = path.resolve()
    return any((base / a.split("::")[0]).resolve() == wanted for a in config.args)


class CaseFailure(Exception):
    """A replayed failure: its message is the whole report, no traceback."""


RUNS = pytest.StashKey[dict]()


def _started_runs(config, path: Path) -> dict:
    """With --vdsoconf-jobs N > 1, every case of the directory is started
    at the first collection, N at a time; collecting then waits for each.
    The checks are built to hold under load, so neighbours do not matter."""
    runs = config.stash.get(RUNS, None)
    if runs is None:
        runs = {}
        jobs = config.getoption("--vdsoconf-jobs")
        if jobs > 1:
            state = config.stash[STATE]
            cases_dir = Path(config.getoption("--vdsoconf-cases-dir")).resolve()
            paths = [p for p in sorted(cases_dir.iterdir()) if is_case(p)] if cases_dir.is_dir() else []
            pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)
            timeout = config.getoption("--vdsoconf-timeout")
            for p in paths:
                runs[str(p)] = pool.submit(run_case, str(p), timeout, state.target)
            pool.shutdown(wait=False)
        config.stash[RUNS] = runs
    return runs


class CaseFile(pytest.File):
    def collect(self):
        config = self.config
        state = config.stash[STATE]
        if config.getoption("--vdsoconf-recorded"):
            run = recording.load_run(self.path)
        else:
            started = _started_runs(config, self.path).get(str(self.path))
            # an inherited VDSOCONF_TARGET is passed on explicitly too, so
            # that the reproduce line shows it
            run = started.result() if started else run_case(
                str(self.path), config.getoption("--vdsoconf-timeout"), state.target)
        doc = ktap.parse(run.stdout)
        result = CaseResult(run, doc, judge(run, doc))
        key = str(self.path)
        state.cases[key] = result
        for point in flatten(doc, run.name):
            node = point.node
            item = PointItem.from_parent(self, name=point.name, node=node, result=result)
            state.outcomes[item.nodeid] = Outcome(key, point.name, node.status, node.reason,
                                                  list(node.diagnostics))
            result.nodeids.append(item.nodeid)
            yield item
        v = result.verdict
        if v.failures or v.skip_reason:
            name = _free_name(f"{run.name}.run", result)
            item = RunItem.from_parent(self, name=name, result=result)
            reason = "; ".join(v.failures) or v.skip_reason
            diag = messages.output_tail(run) if v.failures else []
            state.outcomes[item.nodeid] = Outcome(key, name, "run", reason, diag)
            result.nodeids.append(item.nodeid)
            yield item


def _free_name(name: str, result: CaseResult) -> str:
    taken = {n.split("::")[-1] for n in result.nodeids}
    unique, k = name, 1
    while unique in taken:
        k += 1
        unique = f"{name}#{k}"
    return unique


class _Replay(pytest.Item):
    def __init__(self, *, result: CaseResult, **kw):
        super().__init__(**kw)
        self.result = result

    @property
    def cwd(self) -> str:
        return str(self.config.invocation_params.dir)

    def repr_failure(self, excinfo, style=None):
        if excinfo.errisinstance(CaseFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"{self.result.run.name}: {self.name}"


def _skip(reason: str):
    # a skip report names the case, not the line of this plugin that replays it
    try:
        exc = pytest.skip.Exception(reason, _use_item_location=True)
    except TypeError:
        exc = pytest.skip.Exception(reason)
    raise exc


class PointItem(_Replay):
    def __init__(self, *, node: ktap.Node, **kw):
        super().__init__(**kw)
        self.node = node

    def runtest(self):
        status, reason = self.node.status, self.node.reason
        if status == "pass":
            return
        if status == "skip":
            _skip(reason or "SKIP")
        if status == "xfail":
            pytest.xfail(reason or self.node.directive or "XFAIL")
        raise CaseFailure(messages.point_failure(self.name, self.node, self.result.run, self.cwd))


class RunItem(_Replay):
    """The case as a whole: fails when it crashed, hung or printed bad KTAP."""

    def runtest(self):
        v = self.result.verdict
        if v.failures:
            raise CaseFailure(messages.run_failure(v.failures, self.result.run, self.cwd))
        if v.skip_reason:
            _skip(v.skip_reason)


def pytest_sessionfinish(session):
    state: Optional[RunState] = session.config.stash.get(STATE, None)
    if state is None:
        return
    state.finished = state.finished or time.monotonic()
    json_path = session.config.getoption("--vdsoconf-json")
    if json_path:
        _write(json_path, jsonreport.dumps(jsonreport.build(state)))
    ktap_path = session.config.getoption("--vdsoconf-ktap")
    if ktap_path:
        _write(ktap_path, ktaplog.render(state))


def _write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
