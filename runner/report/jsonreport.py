"""The JSON report: one document per run, for CI dashboards and diffing runs."""

import datetime
import json
import os
import platform
from typing import Any, Dict, List, Optional

from runner.core import known
from runner.core.state import RunState

CLOCKSOURCE = "/sys/devices/system/clocksource/clocksource0/current_clocksource"
TOTAL_KEYS = ("pass", "fail", "skip", "xfail", "xpass")


def build(state: RunState) -> Dict[str, Any]:
    started = datetime.datetime.fromtimestamp(state.started_wall).astimezone()
    cases = []
    for key, c in state.cases.items():
        tests = [{"name": o.name, "status": o.status, "reason": o.reason,
                  "diagnostics": o.diagnostics}
                 for o in state.outcomes.values() if o.case == key and o.status]
        if not tests:
            continue        # deselected by -k: not part of this run's result
        run = c.run
        cases.append({
            "name": run.name,
            "path": run.path,
            "status": c.verdict.status,
            "exit_code": run.exit_code,
            "signal": run.signal,
            "timed_out": run.timed_out,
            "duration_s": round(run.duration_s, 3),
            "errors": c.verdict.failures,
            "malformed": c.verdict.malformed,
            "tests": tests,
        })
    system = state.system
    report = {
        "version": 1,
        "kernel": system.get("kernel") or platform.release(),
        "machine": system.get("machine") or platform.machine(),
        "clocksource": system.get("clocksource") if system else _clocksource(),
        "target": state.target,
        "started": started.isoformat(timespec="seconds"),
        "duration_s": round(system.get("duration_s", state.duration_s), 3),
        "cases": cases,
        "totals": totals(state),
        "known_defects": known_defects(state),
    }
    if system.get("guest"):
        report["guest"] = system["guest"]
    return report


def known_defects(state: RunState) -> List[Dict[str, Any]]:
    """The known kernel defects this run showed, with their points (CASE:
    POINT: the same point of the native and the compat case counts twice)."""
    return known.shown((qualified(state, o), o.status, o.reason) for o in state.ran())


def qualified(state: RunState, o) -> str:
    c = state.cases.get(o.case)
    return f"{c.run.name}: {o.name}" if c else o.name


def totals(state: RunState) -> Dict[str, int]:
    out = dict.fromkeys(TOTAL_KEYS, 0)
    for o in state.ran():
        out[o.status] += 1
    return out


def _clocksource() -> Optional[str]:
    try:
        with open(CLOCKSOURCE, encoding="ascii") as f:
            return f.read().strip() or None
    except OSError:
        return None


def dumps(report: Dict[str, Any]) -> str:
    return json.dumps(report, indent=2) + "\n"


def amend(path: str, **fields: Any) -> None:
    """Add top-level fields to a written report (the --repeat results)."""
    if not path or not os.path.exists(path):
        return
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    report.update(fields)
    with open(path, "w", encoding="utf-8") as f:
        f.write(dumps(report))
