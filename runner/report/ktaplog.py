"""The run as one KTAP document, the way the kselftest runner nests its cases.

Each case's own output becomes an indented subtest followed by
"ok N <case>" / "not ok N <case>". Output that is not clean KTAP (a crash,
a timeout, garbage) is carried as "# " diagnostics instead, so the log
itself always parses: a broken case must not make the whole log unreadable.
So is the output of a case that skipped as a whole (plan 1..0).
"""

from typing import List

from runner.core import ktap
from runner.core.state import CaseResult, RunState


def render(state: RunState) -> str:
    cases = state.reported_cases()
    lines = ["KTAP version 1", f"1..{len(cases)}"]
    for number, case in enumerate(cases, 1):
        lines.extend(_case(number, case))
    return "\n".join(lines) + "\n"


def _case(number: int, case: CaseResult) -> List[str]:
    run, v = case.run, case.verdict
    body = [line.rstrip() for line in run.stdout.splitlines() if line.strip()]
    if _clean(case) and not _skipped_whole(case):
        out = ["  " + line for line in body]
    else:
        out = [f"# {line}".rstrip() for line in body]
    out.extend(f"# {f}" for f in v.failures)
    if v.failures:
        out.extend(f"# stderr: {line}".rstrip() for line in run.stderr.splitlines()[-20:])
    out.append(_result_line(number, case))
    return out


def _clean(case: CaseResult) -> bool:
    run = case.run
    ended = run.exec_error is None and not run.timed_out and run.signal is None
    # strict: the nested copy is re-parsed without knowing the exit code
    return ended and not ktap.problems(case.doc)


def _skipped_whole(case: CaseResult) -> bool:
    """A case that skipped before its first point (plan "1..0 # SKIP", as
    kselftest's ksft_exit_skip prints it).  Nested, it would be a subtest
    with no tests, which the kernel's kunit parser reports as an error ("0
    tests run!"); as diagnostics, its result line is a skipped leaf."""
    return case.doc.plan == 0 and not case.doc.children


def _result_line(number: int, case: CaseResult) -> str:
    run, v = case.run, case.verdict
    name = run.name
    if v.status == "fail":
        if run.timed_out:
            return f"not ok {number} {name} # TIMEOUT {v.failures[0]}"
        if run.signal:
            return f"not ok {number} {name} # killed by {run.signal}"
        if run.exit_code:
            return f"not ok {number} {name} # exit={run.exit_code}"
        return f"not ok {number} {name}"
    if v.status == "skip":
        reason = v.skip_reason or "every test point skipped"
        return f"ok {number} {name} # SKIP {reason}"
    if v.status == "xfail":
        return f"ok {number} {name} # XFAIL exit code 2"
    return f"ok {number} {name}"
