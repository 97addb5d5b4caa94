"""The text a failing test point shows: what was seen, how to run it again."""

import os
import shlex
from typing import List

from runner.core.caserun import CaseRun
from runner.core.ktap import Node


def reproduce(run: CaseRun, cwd: str) -> str:
    """The shell line that runs this case again the same way."""
    if run.reproduce:
        return run.reproduce
    path = run.path
    rel = os.path.relpath(path, cwd)
    if not rel.startswith(".."):
        path = rel if os.sep in rel else os.path.join(".", rel)
    env = " ".join(f"{k}={shlex.quote(v)}" for k, v in sorted(run.env.items()))
    return f"{env} {shlex.quote(path)}".strip()


def output_tail(run: CaseRun, lines: int = 20) -> List[str]:
    """The last lines of stdout and stderr, labelled, for a failure message."""
    out: List[str] = []
    for label, text in (("stdout", run.stdout), ("stderr", run.stderr)):
        body = text.splitlines()
        if not body:
            continue
        cut = body[-lines:]
        more = f" (last {len(cut)} of {len(body)} lines)" if len(body) > len(cut) else ""
        out.append(f"--- {label}{more}:")
        out.extend(cut)
    return out or ["(no output)"]


def point_failure(name: str, node: Node, run: CaseRun, cwd: str) -> str:
    if node.status == "xpass":
        head = f"{name}: passed unexpectedly (XPASS)"
    else:
        head = f"{name}: not ok"
        if node.directive:
            head += f" ({node.directive})"
    if node.reason:
        head += f": {node.reason}"
    lines = [head]
    lines.extend(f"  {d}" for d in node.diagnostics)
    bad = [c.name or f"#{c.number}" for c in node.children if c.status in ("fail", "xpass")]
    if bad:
        lines.append("  failed subtests: " + ", ".join(bad))
    lines.append(f"reproduce: {reproduce(run, cwd)}")
    return "\n".join(lines)


def run_failure(failures: List[str], run: CaseRun, cwd: str) -> str:
    lines = [f"case {run.name}: {f}" for f in failures]
    lines.append(f"reproduce: {reproduce(run, cwd)}")
    lines.extend(output_tail(run))
    return "\n".join(lines)
