"""The pytest collection tree: each case program a file, each test point an item.

A case runs once, while it is collected; its items then replay what it
printed, so -k, -v, --junitxml and the rest of pytest apply unchanged.
The plugin (runner/plugin.py) decides which files are cases and puts a
Collection and a RunState in the config's stash before anything is
collected.
"""

import concurrent.futures
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional

import pytest

from runner.core import ktap, messages, recording
from runner.core.caserun import run_case
from runner.core.discover import find_cases
from runner.core.points import flatten
from runner.core.state import CaseResult, Outcome, RunState
from runner.core.verdict import judge


@dataclass
class Collection:
    """Where a session's case runs come from, as its options said."""
    cases_dir: Path
    timeout: float
    jobs: int = 1
    recorded: Optional[Path] = None    # replay a guest's recording instead of executing


STATE = pytest.StashKey[RunState]()
COLLECTION = pytest.StashKey[Collection]()
RUNS = pytest.StashKey[Dict[str, concurrent.futures.Future]]()


def started_runs(config) -> Dict[str, concurrent.futures.Future]:
    """With more than one job, every case of the directory is started at
    the first collection, N at a time; collecting then waits for each.
    The checks are built to hold under load, so neighbours do not matter."""
    runs = config.stash.get(RUNS, None)
    if runs is None:
        runs = {}
        where = config.stash[COLLECTION]
        if where.jobs > 1:
            target = config.stash[STATE].target
            pool = concurrent.futures.ThreadPoolExecutor(max_workers=where.jobs)
            for p in find_cases(where.cases_dir.resolve()):
                runs[str(p)] = pool.submit(run_case, str(p), where.timeout, target)
            pool.shutdown(wait=False)
        config.stash[RUNS] = runs
    return runs


class CaseFailure(Exception):
    """A replayed failure: its message is the whole report, no traceback."""


class CaseFile(pytest.File):
    def collect(self):
        config = self.config
        state = config.stash[STATE]
        where = config.stash[COLLECTION]
        if where.recorded:
            run = recording.load_run(self.path)
        else:
            started = started_runs(config).get(str(self.path))
            # an inherited VDSOCONF_TARGET is passed on explicitly too, so
            # that the reproduce line shows it
            run = started.result() if started else run_case(
                str(self.path), where.timeout, state.target)
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
    # a skip report names the case, not the line of this module that replays it
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
