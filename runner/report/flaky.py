"""Test points whose result changed between repeated runs of the suite."""

from typing import Dict, List, Optional, Tuple

from runner.core.state import RunState

ABSENT = "absent"   # the point was not printed at all in that run


def find(states: List[RunState]) -> List[Dict[str, object]]:
    seen: Dict[Tuple[str, str], List[Optional[str]]] = {}
    for i, state in enumerate(states):
        for o in state.ran():
            case = state.cases[o.case].run.name
            seen.setdefault((case, o.name), [None] * len(states))[i] = o.status
    flaky = []
    for (case, name), statuses in seen.items():
        filled = [s or ABSENT for s in statuses]
        if len(set(filled)) > 1:
            flaky.append({"case": case, "name": name, "statuses": filled})
    return flaky


def render(flaky: List[Dict[str, object]], runs: int) -> str:
    lines = [f"flaky: {len(flaky)} test point(s) changed result over {runs} runs"]
    for f in flaky:
        lines.append(f"  {f['case']}: {f['name']}: {' '.join(f['statuses'])}")
    return "\n".join(lines)
