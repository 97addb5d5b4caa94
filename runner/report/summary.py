"""The table printed after a run: one row per case, then the total."""

from dataclasses import dataclass
from typing import Dict, List

from runner.core.state import RunState

COLUMNS = ("pass", "fail", "skip", "xfail")


@dataclass
class Row:
    case: str
    counts: Dict[str, int]
    time_s: float


def rows(state: RunState) -> List[Row]:
    out = []
    for key, c in state.cases.items():
        counts = dict.fromkeys(COLUMNS, 0)
        ran = False
        for o in state.outcomes.values():
            if o.case == key and o.status:
                # an unexpected pass is a failure in this table; the JSON
                # report keeps xpass apart
                counts["fail" if o.status == "xpass" else o.status] += 1
                ran = True
        if ran:
            out.append(Row(c.run.name, counts, c.run.duration_s))
    return out


def merge(runs: List[List[Row]]) -> List[Row]:
    """Sum rows of repeated runs, case by case, in first-seen order."""
    merged: Dict[str, Row] = {}
    for run in runs:
        for r in run:
            m = merged.setdefault(r.case, Row(r.case, dict.fromkeys(COLUMNS, 0), 0.0))
            for k in COLUMNS:
                m.counts[k] += r.counts[k]
            m.time_s += r.time_s
    return list(merged.values())


def render(table: List[Row]) -> str:
    total = Row("total", {k: sum(r.counts[k] for r in table) for k in COLUMNS},
                sum(r.time_s for r in table))
    width = max([len("case")] + [len(r.case) for r in table] + [len(total.case)])
    head = f"{'case':<{width}}" + "".join(f" {k:>6}" for k in COLUMNS) + f" {'time(s)':>8}"
    lines = [head, "-" * len(head)]
    for r in table + [total]:
        if r is total:
            lines.append("-" * len(head))
        lines.append(f"{r.case:<{width}}" + "".join(f" {r.counts[k]:>6}" for k in COLUMNS)
                     + f" {r.time_s:>8.2f}")
    return "\n".join(lines)
