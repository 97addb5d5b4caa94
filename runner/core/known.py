"""Known kernel defects, as the cases report them.

A case that recognises a kernel defect by its exact shape (lib/case/known.h
in the C library describes each one once) closes the point as XFAIL with a
reason that starts "known kernel defect ID (since VERSION, SOURCE)".  This
module finds those points in a run, so that reports can say, per kernel,
which known defects it showed.  An XFAIL without that label is not a known
defect and is listed as such.
"""

import re
from collections import OrderedDict
from typing import Dict, Iterable, List, Optional, Tuple

LABEL = re.compile(r"known kernel defect ([a-z0-9][a-z0-9-]*) \(since ([0-9.]+), (.*?)\)(?:: |$)")


def parse(reason: str) -> Optional[Tuple[str, str, str]]:
    """(id, since, source) of a known-defect XFAIL reason, else None."""
    m = LABEL.search(reason or "")
    return (m.group(1), m.group(2), m.group(3)) if m else None


def shown(points: Iterable[Tuple[str, str, str]]) -> List[Dict[str, object]]:
    """From (name, status, reason) triples: each known defect shown, in
    first-seen order, with the points that showed it."""
    out: "OrderedDict[str, Dict[str, object]]" = OrderedDict()
    for name, status, reason in points:
        if status != "xfail":
            continue
        found = parse(reason)
        if not found:
            continue
        ident, since, source = found
        entry = out.setdefault(ident, {"id": ident, "since": since, "source": source, "points": []})
        if name not in entry["points"]:  # type: ignore[operator]
            entry["points"].append(name)  # type: ignore[union-attr]
    return list(out.values())


def render(defects: List[Dict[str, object]]) -> str:
    if not defects:
        return "known kernel defects shown: none"
    parts = []
    for d in defects:
        n = len(d["points"])  # type: ignore[arg-type]
        parts.append(f"{d['id']} (since {d['since']}: {n} point{'s' if n != 1 else ''})")
    return "known kernel defects shown: " + ", ".join(parts)
