"""vDSO against system call latency, per clock: the distribution of the
samples `bench_calls --samples` wrote, one small histogram per clock on a
logarithmic time axis, the two paths overlaid."""

import math
from collections import OrderedDict
from pathlib import Path
from typing import Dict, List

from runner.plots.svg import SYSCALL, VDSO, Canvas, LogAxis, ns_label

LO, HI = 1.0, 1e4            # ns: the fastest coarse read to a burst that was interrupted
BINS_PER_DECADE = 20
COLS, PANEL_W, PANEL_H = 3, 300, 150
PATHS = (("vdso", "vDSO", VDSO, None), ("syscall", "system call", SYSCALL, "4 2"))


def read(path: Path) -> "OrderedDict[str, Dict[str, List[float]]]":
    """{clock: {path: [ns, ...]}} in the order the file has them; a
    malformed line is an error naming it."""
    data: "OrderedDict[str, Dict[str, List[float]]]" = OrderedDict()
    for n, line in enumerate(Path(path).read_text().splitlines(), 1):
        fields = line.split()
        try:
            clock, which, ns = fields[0], fields[1], float(fields[2])
            if len(fields) != 3 or which not in ("vdso", "syscall"):
                raise ValueError
        except (IndexError, ValueError):
            raise ValueError(f"{path}:{n}: expected 'CLOCK vdso|syscall NS', got '{line}'")
        data.setdefault(clock, {"vdso": [], "syscall": []})[which].append(ns)
    if not data:
        raise ValueError(f"{path}: no samples")
    return data


def percentile(values: List[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))] if s else float("nan")


def histogram(values: List[float]) -> List[float]:
    """Share of the samples per logarithmic bin between LO and HI (the
    ends hold what lies beyond)."""
    n = int(math.log10(HI / LO) * BINS_PER_DECADE)
    counts = [0] * n
    for v in values:
        i = int(math.log10(max(v, LO) / LO) * BINS_PER_DECADE)
        counts[min(max(i, 0), n - 1)] += 1
    total = max(len(values), 1)
    return [c / total for c in counts]


def draw(data, title: str) -> str:
    rows = math.ceil(len(data) / COLS)
    top, left = 56, 10
    c = Canvas(left * 2 + COLS * PANEL_W, top + rows * PANEL_H + 30, title)
    c.text(left, 20, title, size=14, weight="bold")
    c.text(left, 38, "share of samples per latency bin (log scale); each sample is a burst "
                     "of calls, per call; medians and 99th percentiles in the legend", size=10)
    x = left + 20
    for _, label, colour, dash in PATHS:
        c.line(x, 48, x + 18, 48, stroke=colour, width=2, dash=dash)
        c.text(x + 22, 52, label, size=10)
        x += 110
    for k, (clock, paths) in enumerate(data.items()):
        px, py = left + (k % COLS) * PANEL_W, top + (k // COLS) * PANEL_H
        _panel(c, px, py, clock, paths)
    return c.render()


def _panel(c: Canvas, px: float, py: float, clock: str, paths: Dict[str, List[float]]) -> None:
    x0, x1, y0, y1 = px + 34, px + PANEL_W - 12, py + 32, py + PANEL_H - 24
    axis = LogAxis(LO, HI, x0, x1)
    c.text(px + 34, py + 14, clock.replace("CLOCK_", ""), size=11, weight="bold")
    c.rect(x0, y0, x1 - x0, y1 - y0, fill="#fafafa", stroke="#ccc")
    for d in axis.decades():
        c.line(axis(d), y0, axis(d), y1, stroke="#e3e3e3")
        c.text(axis(d), y1 + 12, ns_label(d), size=8, anchor="middle")
    hists = {p: histogram(v) for p, v in paths.items() if v}
    peak = max((max(h) for h in hists.values()), default=0) or 1.0
    width = (x1 - x0) / len(next(iter(hists.values()))) if hists else 0
    legend_y = py + 14
    for p, label, colour, dash in PATHS:
        if p not in hists:
            continue
        pts = [(x0, y1)]
        for i, share in enumerate(hists[p]):
            y = y1 - share / peak * (y1 - y0 - 4)
            pts += [(x0 + i * width, y), (x0 + (i + 1) * width, y)]
        pts.append((x1, y1))
        c.polyline(pts, stroke=colour, width=1.4, dash=dash, fill=colour, opacity=0.12)
        med, p99 = percentile(paths[p], 0.5), percentile(paths[p], 0.99)
        c.line(axis(med), y0, axis(med), y1, stroke=colour, width=1, dash="1 2")
        c.text(x1, legend_y, f"{'vDSO' if p == 'vdso' else 'syscall'} {med:.0f} / {p99:.0f} ns",
               size=9, anchor="end", fill=colour)
        legend_y += 11 if p == "vdso" else 0
    c.text(px + 12, (y0 + y1) / 2, "share", size=8, anchor="middle", rotate=-90)


def write(samples: Path, out: Path, title: str) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(draw(read(samples), title))
    return out
