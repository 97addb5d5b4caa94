"""What a LAVA job of the suite reported, checked against what the suite
printed.

`lava-run` without a server logs one YAML mapping per line on its
standard error: `lvl: results` lines are the test cases (ours under the
definition "0_vdsoconf", with the case as the test set; LAVA's own under
"lava"), `lvl: target` lines are the device's console.  The console holds
the KTAP run_vdsoconf.sh printed; read with the runner's own parser it
says which points there are and how each went, so a point that the
conversion lost or reported differently is found, not only a failure.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from runner.core import ktap, points

DEFINITION = "0_vdsoconf"
# a kernel line in the middle of the console (printk.time=1 stamps them)
KERNEL_LINE = re.compile(r"^\s*\[\s*\d+\.\d+\]")
CASE_LINE = re.compile(r"^(?:ok|not ok) (\d+) vdsoconf:")
# runner statuses as LAVA results, as lava/ktap-to-lava.sh maps them
LAVA_RESULT = {"pass": "pass", "xfail": "pass", "skip": "skip", "fail": "fail", "xpass": "fail"}


def lava_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


@dataclass
class Check:
    results: List[dict] = field(default_factory=list)        # ours
    lava: List[dict] = field(default_factory=list)           # LAVA's own
    expected: Dict[Tuple[str, str], str] = field(default_factory=dict)
    problems: List[str] = field(default_factory=list)

    @property
    def counts(self) -> Counter:
        return Counter(r["result"] for r in self.results)

    @property
    def measured(self) -> int:
        return sum("measurement" in r for r in self.results)


def read_log(path: Path) -> Tuple[List[dict], List[str]]:
    """(results, console lines) of a lava-run log."""
    results, console = [], []
    for line in Path(path).read_text(errors="replace").splitlines():
        if '"lvl": "results"' not in line and '"lvl": "target"' not in line:
            continue
        try:
            entry = yaml.safe_load(line)
        except yaml.YAMLError:
            continue
        if not isinstance(entry, dict):
            continue
        if entry.get("lvl") == "results" and isinstance(entry.get("msg"), dict):
            results.append(entry["msg"])
        elif entry.get("lvl") == "target" and isinstance(entry.get("msg"), str):
            console.append(entry["msg"])
    return results, console


def console_ktap(console: List[str]) -> str:
    """run_vdsoconf.sh's document out of the console: from its header to
    its last case's result line, without the kernel's lines."""
    start = next((i for i, l in enumerate(console) if l.rstrip() == "KTAP version 1"), None)
    if start is None:
        return ""
    plan = re.match(r"^1\.\.(\d+)", console[start + 1] if start + 1 < len(console) else "")
    total = int(plan.group(1)) if plan else 0
    lines = []
    for line in console[start:]:
        if KERNEL_LINE.match(line):
            continue
        lines.append(line.rstrip("\r"))
        m = CASE_LINE.match(line)
        if m and int(m.group(1)) == total:
            break
    return "\n".join(lines) + "\n"


def expected_points(text: str) -> Dict[Tuple[str, str], str]:
    """{(case, LAVA test case name): LAVA result} of a run_vdsoconf.sh document."""
    out = {}
    for child in ktap.parse(text).children:
        case = child.name.split(":", 1)[-1]
        for p in points.flatten(child, case):
            out[(case, lava_name(p.name))] = LAVA_RESULT.get(p.node.status, "fail")
        out[(case, "run")] = LAVA_RESULT.get(child.status, "fail")
    return out


def check(log: Path) -> Check:
    results, console = read_log(log)
    c = Check(results=[r for r in results if r.get("definition") == DEFINITION],
              lava=[r for r in results if r.get("definition") == "lava"])
    c.expected = expected_points(console_ktap(console))
    if not c.expected:
        c.problems.append("the console holds no KTAP from run_vdsoconf.sh")
    got = {}
    for r in c.results:
        key = (str(r.get("set", "")), str(r.get("case")))
        if key in got:
            c.problems.append(f"{key[0]}/{key[1]}: reported twice")
        got[key] = r["result"]
    for key, want in sorted(c.expected.items()):
        if key not in got:
            c.problems.append(f"{key[0]}/{key[1]}: a point of the suite that LAVA did not record")
        elif got[key] != want:
            c.problems.append(f"{key[0]}/{key[1]}: LAVA recorded {got[key]}, the suite printed {want}")
    for key in sorted(set(got) - set(c.expected)):
        c.problems.append(f"{key[0]}/{key[1]}: recorded by LAVA, not printed by the suite")
    for r in c.results:
        if r["result"] == "fail":
            c.problems.append(f"{r.get('set')}/{r['case']}: failed")
    for r in c.lava:
        if r.get("result") != "pass":
            c.problems.append(f"LAVA's {r.get('case')}: {r.get('result')}"
                              + (f" ({r['error_msg']})" if r.get("error_msg") else ""))
    if not any(r.get("case") == "job" for r in c.lava):
        c.problems.append("LAVA did not record the job's result")
    return c
