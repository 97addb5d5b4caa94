"""The matrix as data: kernel columns, case rows, and the points that differ.

A point printed only on one architecture (arm64's __kernel_ names,
LINUX_2.6.39) is counted per architecture rather than listed, so that the
list shows what changed between kernels.  A kernel that did not boot, died,
or has no vDSO is kept out of the comparison.
"""

from collections import OrderedDict
from typing import List


def build(columns: List[dict]) -> dict:
    """The matrix as data: columns, case rows, and the points that differ."""
    letters = [chr(ord("A") + i) if i < 26 else f"K{i}" for i in range(len(columns))]
    for key, col in zip(letters, columns):
        col["key"] = key
    cases = []
    for col in columns:
        for name in col["cases"]:
            if name not in cases:
                cases.append(name)
    compared = [c for c in columns if c["ok"] and c["cases"]]
    same, per_arch = [], {}
    points = OrderedDict()
    for col in compared:
        for case, data in col["cases"].items():
            for point in data["tests"]:
                points.setdefault((case, point), None)
    for case, point in points:
        ran = [c for c in compared if case in c["cases"]]
        statuses = {c["key"]: c["cases"][case]["tests"].get(point) for c in ran}
        if len(set(statuses.values())) <= 1:
            continue
        present = {c["arch"] for c in ran if statuses[c["key"]] is not None}
        absent = {c["arch"] for c in ran if statuses[c["key"]] is None}
        # printed on every kernel of some architectures, alike, and on no
        # kernel of the others: a fact about the architecture, not a change
        if present.isdisjoint(absent) and len(set(statuses.values()) - {None}) == 1:
            per_arch.setdefault(",".join(sorted(present)), []).append(f"{case}: {point}")
        else:
            same.append({"case": case, "point": point, "statuses": statuses})
    return {"columns": [{k: v for k, v in c.items() if k != "cases"} |
                        {"cases": {n: d["counts"] for n, d in c["cases"].items()}}
                        for c in columns],
            "cases": cases, "differences": same, "architecture_only": per_arch}
