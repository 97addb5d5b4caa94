"""The matrix as one self-contained HTML page: no network, no script.

Kernels are rows and architectures columns; each cell is coloured by its
outcome and links to its own section below the grid: the kernel package,
the problem if the cell did not run, the known kernel defects it showed,
each failed point with its reason and diagnostics (from the cell's
report.json), the tail of the guest's console, and the cell's files.
"""

import html
import json
import os
import re
from collections import OrderedDict
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from runner.matrix import vdsolint
from runner.paths import BUILD

CONSOLE_TAIL = 40
SUITES = ("bookworm-backports", "bookworm", "trixie", "sid", "experimental")

STYLE = """
body { font-family: sans-serif; margin: 1.5em; color: #222; }
table.grid { border-collapse: collapse; margin-bottom: 1.5em; }
table.grid th, table.grid td { border: 1px solid #999; padding: 0.35em 0.6em; text-align: center; }
td.pass { background: #b7e1b0; } td.fail { background: #f2a7a7; }
td.skip { background: #f4e3a1; } td.problem { background: #d9a0d9; } td.none { background: #eee; }
td a { color: inherit; display: block; text-decoration: none; }
section { border-top: 1px solid #bbb; margin-top: 1em; padding-top: 0.5em; }
pre { background: #f5f5f5; padding: 0.5em; overflow-x: auto; font-size: 85%; }
.legend span { padding: 0.1em 0.5em; margin-right: 0.5em; }
"""


def kernel_and_arch(col: dict) -> Tuple[str, str]:
    """(row, column) of a cell: the suite of a Debian kernel name (else the
    kernel's label) and the architecture."""
    spec = col.get("spec", "")
    row = col.get("label") or spec
    for suite in SUITES:
        if spec.startswith(suite + "-"):
            row = suite
            break
    if col.get("kind") == "host":
        row = "this machine"
    return row, col.get("arch") or "?"


def outcome(col: dict) -> str:
    t = col.get("totals") or {}
    if col.get("problem") and not col.get("ok"):
        return "problem"
    if t.get("fail") or t.get("xpass") or not col.get("ok"):
        return "fail"
    if t.get("pass"):
        return "pass"
    return "skip"


def cell_text(col: dict) -> str:
    t = col.get("totals") or {}
    if outcome(col) == "problem" and not t:
        text = "did not run"
    else:
        text = (f"{t.get('pass', 0)} pass / {t.get('fail', 0) + t.get('xpass', 0)} fail / "
                f"{t.get('skip', 0)} skip / {t.get('xfail', 0)} xfail")
    images = (col.get("lint") or {}).get("images", [])
    if images:
        errors = sum(i["errors"] for i in images)
        blind = sorted({c for i in images for c in i["blind"]})
        text += f"; lint: {errors} error{'s' if errors != 1 else ''}"
        if blind:
            text += "; " + ", ".join(blind) + " find nothing"
    return text


def anchor(col: dict) -> str:
    return "cell-" + re.sub(r"[^A-Za-z0-9_.-]", "_", str(col.get("id") or col.get("key")))


def _failed_points(col: dict) -> List[dict]:
    path = col.get("report")
    if not path:
        return []
    try:
        report = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return []
    out = []
    for case in report.get("cases", []):
        for t in case.get("tests", []):
            if t.get("status") in ("fail", "xpass"):
                out.append({"case": case.get("name"), **t})
    return out


def _tail(path: Optional[str], n: int = CONSOLE_TAIL) -> str:
    if not path:
        return ""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""


def _rel(path: Optional[str], base: Path) -> Optional[str]:
    if not path:
        return None
    try:
        return os.path.relpath(path, base)
    except ValueError:
        return path


def _section(col: dict, base: Path) -> List[str]:
    e = html.escape
    row, arch = kernel_and_arch(col)
    out = [f'<section id="{anchor(col)}">', f"<h2>{e(row)} / {e(arch)}: {e(cell_text(col))}</h2>",
           "<ul>", f"<li>kernel: {e(str(col.get('label')))}</li>"]
    if col.get("package"):
        out.append(f"<li>package: {e(str(col['package']))} {e(str(col.get('version') or ''))}</li>")
    if col.get("results_s"):
        out.append(f"<li>boot to results: {col['results_s']:.1f} s</li>")
    if col.get("problem"):
        out.append(f"<li class=\"problem\">did not complete: {e(str(col['problem']))}</li>")
    if col.get("known_defects"):
        out.append(f"<li>known kernel defects shown: {e(', '.join(col['known_defects']))}</li>")
    if col.get("lint"):
        out.append(f"<li>vDSO lint and resolvers: {e(vdsolint.summary(col['lint']))}</li>")
        for img in col["lint"].get("images", []):
            for f in img.get("findings") or vdsolint.blind_findings(img):
                out.append(f'<li class="finding">finding <code>{e(f["name"])}</code> '
                           f"({e(str(img['arch'] or img['name']))} image): {e(f['why'])}</li>")
    links = [(name, _rel(col.get(key), base)) for name, key in
             (("report.json", "report"), ("console log", "console_log"))]
    if col.get("report"):
        d = Path(col["report"]).parent
        links += [("KTAP log", _rel(str(d / "ktap.log"), base)), ("JUnit", _rel(str(d / "junit.xml"), base))]
    out.append("<li>files: " + ", ".join(f'<a href="{e(p)}">{e(n)}</a>' for n, p in links if p) + "</li>")
    out.append("</ul>")
    failed = _failed_points(col)
    if failed:
        out.append(f"<h3>{len(failed)} failed point{'s' if len(failed) != 1 else ''}</h3>")
        for t in failed:
            out.append(f'<h4 class="point">{e(str(t["case"]))}: {e(t["name"])}</h4>')
            diag = t.get("diagnostics") or ""
            # the JSON report keeps a point's diagnostics as a list of lines
            diag = "\n".join(diag) if isinstance(diag, list) else diag
            text = (t.get("reason") or "") + ("\n" + diag if diag else "")
            out.append(f"<pre>{e(text.strip())}</pre>")
    tail = _tail(col.get("console_log"))
    if tail:
        out.append(f"<h3>console, last {CONSOLE_TAIL} lines</h3><pre>{e(tail)}</pre>")
    out.append("</section>")
    return out


def render(m: dict, base: Path, title: str = "vdsoconf matrix") -> str:
    """The page for matrix m; links are relative to base (the page's directory)."""
    e = html.escape
    cols = m["columns"]
    rows: "OrderedDict[str, Dict[str, dict]]" = OrderedDict()
    arches: List[str] = []
    for c in cols:
        row, arch = kernel_and_arch(c)
        if arch not in arches:
            arches.append(arch)
        rows.setdefault(row, {})[arch] = c
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{e(title)}</title><style>{STYLE}</style></head><body>", f"<h1>{e(title)}</h1>",
           '<p class="legend"><span style="background:#b7e1b0">all passed</span>'
           '<span style="background:#f2a7a7">a point failed</span>'
           '<span style="background:#f4e3a1">only skips</span>'
           '<span style="background:#d9a0d9">did not run to the end</span></p>',
           '<table class="grid"><tr><th>kernel</th>' + "".join(f"<th>{e(a)}</th>" for a in arches) + "</tr>"]
    for row, cells in rows.items():
        tds = []
        for a in arches:
            c = cells.get(a)
            if c is None:
                tds.append('<td class="none">-</td>')
            else:
                tds.append(f'<td class="{outcome(c)}"><a href="#{anchor(c)}">{e(cell_text(c))}</a></td>')
        out.append(f"<tr><th>{e(row)}</th>{''.join(tds)}</tr>")
    out.append("</table>")
    out += _plots(base)
    for c in cols:
        out += _section(c, base)
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _plots(base: Path) -> List[str]:
    """Links to the plots that exist: boot to results beside the page
    (matrix --bench), make bench's under build/bench."""
    found = []
    for path, what in ((base / "boot.svg", "boot to results per architecture (these kernels)"),
                       (BUILD / "bench" / "boot.svg", "boot to results per architecture (make bench)"),
                       (BUILD / "bench" / "latency.svg", "vDSO against system call latency per clock "
                                                         "(make bench, this machine)")):
        if path.is_file() and path.resolve() not in (p for p, _ in found):
            found.append((path.resolve(), what))
    if not found:
        return []
    links = ", ".join(f'<a href="{html.escape(os.path.relpath(p, base))}">{html.escape(w)}</a>'
                      for p, w in found)
    return [f'<p class="plots">Plots: {links}</p>']


def write(m: dict, path: Path, title: str = "vdsoconf matrix") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(m, path.parent.resolve(), title), encoding="utf-8")
    return path
