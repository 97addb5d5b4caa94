"""What a case run amounts to as a whole, beyond its single test points.

A case can fail without any test point saying so (it crashed, hung, printed
something that is not KTAP, or exited 1 after only "ok" lines), and it can
skip without printing a single test point ("1..0 # SKIP", or exit code 4).
Both need a result of their own, or they would vanish from the report.
"""

from dataclasses import dataclass, field
from typing import List, Optional

from runner.core import ktap
from runner.core.caserun import CaseRun, signal_name

# kselftest exit codes
KSFT_PASS, KSFT_FAIL, KSFT_XFAIL, KSFT_XPASS, KSFT_SKIP = 0, 1, 2, 3, 4


@dataclass
class Verdict:
    status: str                                   # pass, fail, skip or xfail
    failures: List[str] = field(default_factory=list)
    skip_reason: Optional[str] = None             # the case skipped as a whole
    malformed: List[str] = field(default_factory=list)


def judge(run: CaseRun, doc: ktap.Node) -> Verdict:
    points = list(doc.walk())
    failed = any(p.status in ("fail", "xpass") for p in points)
    v = Verdict(status="pass")
    if run.exec_skip:
        return Verdict(status="skip", skip_reason=run.exec_skip)
    ended = run.exec_error is None and not run.timed_out and run.signal is None
    if run.exec_error:
        v.failures.append(run.exec_error)
    if run.timed_out:
        v.failures.append(f"timed out after {_seconds(run.timeout_s)} s")
    if run.signal:
        v.failures.append(f"killed by {run.signal}")
    if run.exit_code is not None and run.exit_code not in range(5):
        v.failures.append(_odd_exit(run.exit_code))
    bails = [n.bail for n in [doc, *points] if n.bail is not None]
    v.failures.extend(f"Bail out! {b}".rstrip() for b in bails)
    # after a crash, a kill or a bail-out, a short plan is a symptom, not a
    # second finding; ksft_exit_skip() stops short legally
    short_ok = run.exit_code == KSFT_SKIP or bool(bails)
    v.malformed = _malformed(doc, run, short_ok, bail=True)
    bad = _malformed(doc, run, short_ok, bail=False)
    if bad and ended:
        v.failures.append("malformed KTAP: " + "; ".join(bad))
    if not v.failures and not failed:
        if run.exit_code == KSFT_FAIL:
            v.failures.append("exit code 1 (fail) but no test point failed")
        elif run.exit_code == KSFT_XPASS:
            v.failures.append("exit code 3 (xpass) but no test point passed unexpectedly")
    if v.failures or failed:
        v.status = "fail"
    elif doc.plan == 0 and not doc.children:
        v.status, v.skip_reason = "skip", doc.skip_reason or "plan 1..0: no test points"
    elif run.exit_code == KSFT_SKIP and not doc.children:
        v.status, v.skip_reason = "skip", _last(doc.trailing) or "exit code 4 (skip)"
    elif run.exit_code == KSFT_SKIP and all(p.status == "skip" for p in doc.children):
        v.status = "skip"
    elif run.exit_code == KSFT_XFAIL:
        v.status = "xfail"
    return v


def _malformed(doc: ktap.Node, run: CaseRun, short_ok: bool, bail: bool) -> List[str]:
    found = ktap.problems(doc, short_plan_ok=short_ok, bail=bail)
    if run.exit_code == KSFT_SKIP and not doc.children:
        # skipped before it could plan: nothing is missing
        found = [m for m in found if m != ktap.NO_PLAN]
    return found


def _odd_exit(code: int) -> str:
    if 128 < code < 128 + 65:
        # a shell wrapper reports its child's death this way
        return f"exit code {code} (128+{signal_name(code - 128)})"
    return f"exit code {code}"


def _seconds(s: float) -> str:
    return str(int(s)) if float(s).is_integer() else f"{s:g}"


def _last(lines: List[str]) -> Optional[str]:
    for line in reversed(lines):
        if line.strip():
            return line.strip()
    return None

