"""Turn a case's KTAP tree into a flat list of uniquely named test points.

Names are what users grep for and what -k filters on, so they stay as the
case printed them wherever that is already unambiguous:
  - a top-level point keeps its name;
  - a nested point keeps its name if it is dotted ("area.what...") and
    appears once in the whole case; otherwise it becomes "parent/child";
  - a point printed without a name (kselftest's "ok 3 # SKIP ...") is
    "<case>.<number>" at the top and "parent/<number>" below;
  - a name still taken gets "#2", "#3", ... in output order.
"""

from collections import Counter
from dataclasses import dataclass
from typing import List

from runner.core.ktap import Node


@dataclass
class Point:
    name: str
    node: Node


def flatten(doc: Node, case: str) -> List[Point]:
    counts = Counter(n.name for n in doc.walk() if n.name)
    taken = set()
    out: List[Point] = []

    def visit(level: Node, parent_name: str) -> None:
        for child in level.children:
            name = _own_name(child, parent_name, case, counts)
            unique, k = name, 1
            while unique in taken:
                k += 1
                unique = f"{name}#{k}"
            taken.add(unique)
            visit(child, unique)
            out.append(Point(unique, child))

    visit(doc, "")
    return out


def _own_name(node: Node, parent: str, case: str, counts: Counter) -> str:
    if not parent:
        return node.name or f"{case}.{node.number}"
    if node.name and "." in node.name and counts[node.name] == 1:
        return node.name
    return f"{parent}/{node.name or node.number}"
