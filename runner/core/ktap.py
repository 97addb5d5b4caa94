"""KTAP version 1 / TAP 13-14 parser: text in, a tree of Nodes out.

The parser never raises on bad input: a case that prints garbage is a
finding to report, so every deviation becomes a string in `errors` on the
level where it was seen, and parsing goes on with whatever is usable.
"""

import re
from dataclasses import dataclass, field
from typing import Iterator, List, Optional

STATUSES = ("pass", "fail", "skip", "xfail", "xpass")
NO_PLAN = "no plan"

_VERSION = re.compile(r"^(K?TAP) version (\d+)\s*$")
_PLAN = re.compile(r"^1\.\.(\d+)\s*(?:#\s*(.*))?$")
_RESULT = re.compile(r"^(not ok|ok)(?:\s+(\d+))?(?:\s+|$)(.*)$")
# A '#' starts the directive only at the start or after white space, so a
# name such as "foo#2" stays whole.
_HASH = re.compile(r"(?:^|\s)#")
# TAP lets SKIP and TODO be any case and carry a suffix ("Skipped:");
# the KTAP-only directives are taken only as the kernel spells them.
_LOOSE_DIRECTIVE = re.compile(r"^(skip|todo)\w*\b:?\s*(.*)$", re.I | re.S)
_STRICT_DIRECTIVE = re.compile(r"^(XFAIL|XPASS|TIMEOUT|ERROR)\b:?\s*(.*)$", re.S)
_BAIL = re.compile(r"^Bail out!\s*(.*)$")


@dataclass
class Node:
    """A test point, or (status None) the document at the top.

    A test point that had a nested subtest carries that subtest's version,
    plan and results as its own; leaves have no plan and no children.
    """
    name: str = ""
    number: Optional[int] = None
    status: Optional[str] = None
    directive: Optional[str] = None
    reason: str = ""
    diagnostics: List[str] = field(default_factory=list)
    children: List["Node"] = field(default_factory=list)
    version: Optional[str] = None
    plan: Optional[int] = None
    skip_reason: Optional[str] = None   # from "1..0 # SKIP reason"
    bail: Optional[str] = None
    errors: List[str] = field(default_factory=list)
    trailing: List[str] = field(default_factory=list)
    line: int = 0

    @property
    def has_subtest(self) -> bool:
        return self.version is not None or self.plan is not None or bool(self.children)

    def walk(self) -> Iterator["Node"]:
        """Every test point below this node, in output order (children first)."""
        for child in self.children:
            yield from child.walk()
            yield child


def plan_problem(node: Node) -> Optional[str]:
    """The mismatch between a level's plan and its results, if any.

    Kept apart from `errors` because kselftest's ksft_exit_skip() legally
    stops short of the plan (exit code 4); only the caller knows the exit code.
    """
    if node.plan is None:
        return None
    got = len(node.children)
    if got != node.plan:
        return f"planned {node.plan} test points, got {got}"
    return None


def problems(node: Node, short_plan_ok: bool = False, bail: bool = True,
             where: str = "") -> List[str]:
    """All malformations in the tree, each prefixed with where it was seen.

    A "Bail out!" counts as one unless `bail` is false: a caller that
    reports the bail-out on its own line does not want it twice.
    """
    out = [f"{where}{e}" for e in node.errors]
    if bail and node.bail is not None:
        out.append(f"{where}Bail out! {node.bail}".rstrip())
    mismatch = plan_problem(node)
    if mismatch and not (short_plan_ok and len(node.children) < (node.plan or 0)):
        out.append(f"{where}{mismatch}")
    for child in node.children:
        if child.has_subtest:
            label = child.name or f"#{child.number}"
            out.extend(problems(child, False, bail, f"{where}subtest {label}: "))
    return out


@dataclass
class _Frame:
    indent: int
    node: Node
    pending_diag: List[str] = field(default_factory=list)
    pending_sub: Optional[Node] = None
    seen_ktap: bool = False       # version, plan or result seen at this level


def parse(text: str) -> Node:
    """Parse one KTAP/TAP document; nested subtests become children."""
    root = _Frame(0, Node())
    stack = [root]
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r\n").rstrip()
        if not line.strip():
            continue
        content = line.lstrip(" ")
        indent = len(line) - len(content)
        if not _is_ktap(content):
            # stray text at any indent (a library's printf, say) neither
            # opens nor closes a subtest
            stack[-1].pending_diag.append(line.strip())
            continue
        while len(stack) > 1 and indent < stack[-1].indent:
            _close(stack)
        top = stack[-1]
        if indent > top.indent:
            if top.pending_sub is not None:
                _orphan(top)
            top = _Frame(indent, Node(line=lineno))
            stack.append(top)
        _line(top, content, lineno)
    while len(stack) > 1:
        _close(stack)
    _finish(root, is_root=True)
    return root.node


def _is_ktap(content: str) -> bool:
    return bool(_VERSION.match(content) or _PLAN.match(content)
                or _RESULT.match(content) or _BAIL.match(content)
                or content.startswith("#"))


def _close(stack: List[_Frame]) -> None:
    frame = stack.pop()
    parent = stack[-1]
    if not frame.seen_ktap:
        # only comments at a deeper indent: they belong to the parent level
        parent.pending_diag.extend(frame.pending_diag)
        sub = frame.pending_sub
    else:
        _finish(frame, is_root=False)
        sub = frame.node
    if sub is None:
        return
    if parent.pending_sub is not None:
        _orphan(parent)
    parent.pending_sub = sub


def _orphan(frame: _Frame) -> None:
    sub = frame.pending_sub
    frame.node.errors.append(f"line {sub.line}: nested subtest has no result line")
    frame.pending_sub = None


def _finish(frame: _Frame, is_root: bool) -> None:
    node = frame.node
    if frame.pending_sub is not None:
        _orphan(frame)
    node.trailing.extend(frame.pending_diag)
    frame.pending_diag = []
    if is_root and node.version is None:
        node.errors.append("no KTAP version line")
    if node.plan is None and (is_root or node.children):
        node.errors.append(NO_PLAN)


def _line(frame: _Frame, content: str, lineno: int) -> None:
    node = frame.node
    m = _VERSION.match(content)
    if m:
        if frame.seen_ktap:
            node.errors.append(f"line {lineno}: unexpected version line after the plan or results")
        else:
            node.version = f"{m.group(1)} version {m.group(2)}"
        frame.seen_ktap = True
        return
    m = _PLAN.match(content)
    if m:
        if node.plan is not None:
            node.errors.append(f"line {lineno}: second plan")
        else:
            node.plan = int(m.group(1))
            comment = (m.group(2) or "").strip()
            skip = _LOOSE_DIRECTIVE.match(comment)
            if skip and skip.group(1).lower() == "skip":
                node.skip_reason = skip.group(2).strip()
            elif node.plan == 0 and comment:
                node.skip_reason = comment
        frame.seen_ktap = True
        return
    m = _RESULT.match(content)
    if m:
        _result(frame, m, lineno)
        return
    m = _BAIL.match(content)
    if m:
        node.bail = m.group(1).strip()
        frame.seen_ktap = True
        return
    if content.startswith("#"):
        # only the "# " marker goes: alignment inside diagnostics is kept
        frame.pending_diag.append(content[2:] if content.startswith("# ") else content[1:])
        return


def _result(frame: _Frame, m: "re.Match[str]", lineno: int) -> None:
    node = frame.node
    # one skipped number is one error, not one for every later result
    last = node.children[-1].number if node.children else 0
    expected = (last or 0) + 1
    number = int(m.group(2)) if m.group(2) else expected
    if number != expected:
        node.errors.append(f"line {lineno}: test point {number} out of order (expected {expected})")
    rest = m.group(3)
    split = _HASH.search(rest)
    name, comment = (rest[:split.start()], rest[split.end():]) if split else (rest, "")
    name = name.strip()
    if name.startswith("- "):
        name = name[2:].strip()       # TAP style "ok 1 - name"
    elif name == "-":
        name = ""
    point = Node(name=name, number=number, line=lineno,
                 diagnostics=frame.pending_diag)
    point.directive, point.reason = _directive(comment.strip())
    point.status = _status(m.group(1) == "ok", point.directive)
    sub = frame.pending_sub
    if sub is not None:
        point.version, point.plan, point.skip_reason = sub.version, sub.plan, sub.skip_reason
        point.children, point.errors, point.bail = sub.children, sub.errors, sub.bail
        point.trailing = sub.trailing
    node.children.append(point)
    frame.pending_diag = []
    frame.pending_sub = None
    frame.seen_ktap = True


def _directive(comment: str):
    m = _STRICT_DIRECTIVE.match(comment)
    if m:
        return m.group(1), m.group(2).strip()
    m = _LOOSE_DIRECTIVE.match(comment)
    if m:
        return m.group(1).upper(), m.group(2).strip()
    return None, comment


def _status(ok: bool, directive: Optional[str]) -> str:
    if directive == "SKIP":
        return "skip"
    if directive in ("XFAIL", "TODO"):
        return "xfail"
    if directive == "XPASS":
        return "xpass"
    if directive in ("TIMEOUT", "ERROR"):
        return "fail"
    return "pass" if ok else "fail"
