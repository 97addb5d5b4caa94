"""What one pytest session learned: every case run and every test point outcome.

Reports (summary, JSON, KTAP log) read only this, so they agree with each
other and with what pytest itself reported.
"""

import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from runner.core.caserun import CaseRun
from runner.core.ktap import Node
from runner.core.verdict import Verdict


@dataclass
class CaseResult:
    run: CaseRun
    doc: Node
    verdict: Verdict
    nodeids: List[str] = field(default_factory=list)


@dataclass
class Outcome:
    case: str
    name: str
    ktap_status: str          # what the case printed; "run" for the whole-case item
    reason: str = ""
    diagnostics: List[str] = field(default_factory=list)
    status: Optional[str] = None    # what pytest made of it; None until it ran


@dataclass
class RunState:
    target: Optional[str]
    started_wall: float = field(default_factory=time.time)
    started: float = field(default_factory=time.monotonic)
    finished: Optional[float] = None
    cases: Dict[str, CaseResult] = field(default_factory=dict)
    outcomes: Dict[str, Outcome] = field(default_factory=dict)
    # the machine the cases ran on when it is not this one (runner/core/recording.py)
    system: Dict[str, Any] = field(default_factory=dict)

    @property
    def duration_s(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def record(self, nodeid: str, when: str, passed: bool, failed: bool,
               xfailed: bool, skipped: bool) -> None:
        """Fold one phase's report (setup, call, teardown) into the outcome."""
        o = self.outcomes.get(nodeid)
        if o is None:
            return
        if failed:
            o.status = "xpass" if o.ktap_status == "xpass" else "fail"
        elif o.status == "fail" or o.status == "xpass":
            return
        elif xfailed:
            o.status = "xfail"
        elif skipped:
            o.status = "skip"
        elif passed and when == "call":
            o.status = "pass"

    def ran(self) -> List[Outcome]:
        return [o for o in self.outcomes.values() if o.status is not None]

    def reported_cases(self) -> List[CaseResult]:
        """Cases with at least one test point that ran (-k may deselect all)."""
        ran = {o.case for o in self.ran()}
        return [c for name, c in self.cases.items() if name in ran]
