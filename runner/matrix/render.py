"""The matrix on the terminal: kernels, the case table, the differences;
or, for --bench, the boot timings."""

from collections import OrderedDict
from typing import Dict, List, Optional

from runner.matrix import vdsolint
from runner.report.files import shown

STATUS_SHORT = {"pass": "pass", "fail": "FAIL", "skip": "skip", "xfail": "xfail",
                "xpass": "XPASS", None: "-"}


def _cell(counts: Optional[Dict[str, int]]) -> str:
    if counts is None:
        return "-"
    cell = f"{counts['pass']}/{counts['fail'] + counts.get('xpass', 0)}/{counts['skip']}"
    return cell + (f"+{counts['xfail']}x" if counts.get("xfail") else "")


def render(m: dict) -> str:
    cols = m["columns"]
    lines = ["kernels:"]
    for c in cols:
        t = c["totals"]
        state = "ok" if c["ok"] else "FAILED"
        timing = (f", /init {c['boot_s']:.1f} s, results {c['results_s']:.1f} s"
                  if c.get("boot_s") and c.get("results_s") else "")
        lines.append(f"  {c['key']}  {c['label']} [{c['arch'] or '?'}, {c['kind']}{timing}]: "
                     f"{state}; {t.get('pass', 0)} pass, {t.get('fail', 0)} fail, "
                     f"{t.get('skip', 0)} skip, {t.get('xfail', 0)} xfail")
        if c.get("lint"):
            lines.append(f"     vDSO lint: {vdsolint.summary(c['lint'])}")
        if c.get("known_defects"):
            lines.append(f"     known kernel defects: {', '.join(c['known_defects'])}")
        if c["problem"]:
            lines.append(f"     {c['problem']}")
            if c.get("console_log"):
                lines.append(f"     console: {shown(c['console_log'])}")
    width = max([len("case")] + [len(n) for n in m["cases"]])
    cw = max([len("pass/fail/skip")] + [len(_cell(c["cases"].get(n))) for c in cols
                                         for n in m["cases"]])
    lines.append("")
    lines.append(f"{'case':<{width}}  " + "  ".join(f"{c['key']:<{cw}}" for c in cols))
    lines.append(f"{'':<{width}}  " + "  ".join(f"{'pass/fail/skip':<{cw}}" for _ in cols))
    lines.append("-" * len(lines[-1]))
    for n in m["cases"]:
        lines.append(f"{n:<{width}}  " + "  ".join(f"{_cell(c['cases'].get(n)):<{cw}}"
                                                    for c in cols))
    lines.append("(+Nx: expected failures; -: the case did not run on that kernel)")
    lines += _render_differences(m)
    return "\n".join(lines)


def _render_differences(m: dict) -> List[str]:
    """One line per result pattern (the statuses across kernels), naming
    the points that share it, case by case; every point is in the JSON."""
    keys = [c["key"] for c in m["columns"] if c["ok"] and c["cases"]]
    out = [""]
    if len(keys) < 2:
        return out + ["differences: fewer than two kernels to compare"]
    diffs = m["differences"]
    groups: "OrderedDict[tuple, OrderedDict[str, List[str]]]" = OrderedDict()
    for d in diffs:
        pattern = tuple(STATUS_SHORT.get(d["statuses"][k], "?") if k in d["statuses"] else "n/a"
                        for k in keys)
        groups.setdefault(pattern, OrderedDict()).setdefault(d["case"], []).append(d["point"])
    out.append(f"test points whose result differs: {len(diffs)} in {len(groups)} patterns "
               "('-': not printed by a case that ran; n/a: the case did not run)")
    if groups:
        head = "  ".join(f"{k:<5}" for k in keys)
        out.append(f"  {head}  points")
        for pattern, cases in groups.items():
            cells = "  ".join(f"{x:<5}" for x in pattern)
            for i, (case, points) in enumerate(cases.items()):
                lead = cells if i == 0 else " " * len(cells)
                out.append(f"  {lead}  {case}: {_some(points)}")
    for arches, pts in m["architecture_only"].items():
        out.append(f"printed only on {arches} ({len(pts)} points, the same result on every "
                   "such kernel):")
        by_case: "OrderedDict[str, List[str]]" = OrderedDict()
        # version definitions first: they are what tells the ABIs apart
        for p in sorted(pts, key=lambda p: "LINUX_" not in p):
            case, point = p.split(": ", 1)
            by_case.setdefault(case, []).append(point)
        for case, points in by_case.items():
            out.append(f"  {case}: {_some(points)}")
    return out


def _some(points: List[str], limit: int = 3) -> str:
    if len(points) <= limit:
        return ", ".join(points)
    return ", ".join(points[:limit]) + f" and {len(points) - limit} more"


def render_bench(m: dict) -> str:
    lines = ["boot to results under QEMU TCG (s): QEMU start to /init, to the last result, "
             "to QEMU's end",
             f"{'kernel':<32} {'arch':<8} {'/init':>6} {'results':>8} {'end':>6}  outcome"]
    for c in m["columns"]:
        if c["kind"] != "guest":
            continue
        f = lambda x: f"{x:.1f}" if x else "-"   # noqa: E731
        lines.append(f"{c['label']:<32} {c['arch'] or '?':<8} {f(c.get('boot_s')):>6} "
                     f"{f(c.get('results_s')):>8} {f(c.get('total_s')):>6}  "
                     f"{'ok' if c['ok'] else c['problem']}")
    return "\n".join(lines)
