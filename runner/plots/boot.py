"""Boot to results under QEMU, per architecture: from the columns of
`vdsoconf matrix --bench`, one bar per kernel, grouped by architecture, in
three parts: QEMU start to /init, /init to the last result, the last
result to QEMU's end."""

import json
import math
from pathlib import Path
from typing import List

from runner.plots.svg import Canvas

PARTS = (("boot_s", "kernel boot (QEMU start to /init)", "#9ecae1"),
         ("results_s", "the suite (/init to the last result)", "#3182bd"),
         ("total_s", "power-off (to QEMU's end)", "#c6dbef"))
BAR_H, GAP, LABEL_W, PLOT_W, NOTE_W = 18, 6, 220, 420, 200


def columns(matrix: dict) -> List[dict]:
    """The guests, grouped by architecture, in their order within each."""
    guests = [c for c in matrix.get("columns", []) if c.get("kind") == "guest"]
    return sorted(guests, key=lambda c: (c.get("arch") or "?"))


def draw(matrix: dict, title: str) -> str:
    cols = columns(matrix)
    arches = list(dict.fromkeys(c.get("arch") or "?" for c in cols))
    longest = max([c.get("total_s") or c.get("results_s") or 0 for c in cols] + [1])
    step = 5 if longest <= 40 else 10 if longest <= 100 else 30
    top_s = step * math.ceil(longest / step)
    x0, y0 = LABEL_W, 64
    axis_y = y0 + len(arches) * 20 + len(cols) * (BAR_H + GAP) + 4
    c = Canvas(LABEL_W + PLOT_W + NOTE_W, axis_y + 30, title)
    c.text(10, 20, title, size=14, weight="bold")
    x = 10
    for _, label, colour in PARTS:
        c.rect(x, 32, 12, 10, fill=colour)
        c.text(x + 16, 41, label, size=10)
        x += 16 + 5.4 * len(label) + 16
    scale = PLOT_W / top_s
    # the grid first, so that the bars lie over it
    c.line(x0, axis_y, x0 + PLOT_W, axis_y, stroke="#666")
    for s in range(0, int(top_s) + 1, step):
        c.line(x0 + s * scale, y0 - 4, x0 + s * scale, axis_y, stroke="#eee")
        c.text(x0 + s * scale, axis_y + 14, f"{s} s", size=9, anchor="middle")
    y = y0
    for arch in arches:
        c.text(10, y + 12, arch, size=12, weight="bold")
        y += 20
        for col in (k for k in cols if (k.get("arch") or "?") == arch):
            c.text(20, y + BAR_H - 5, col.get("label") or col.get("spec") or "?", size=10)
            start = 0.0
            for key, label, colour in PARTS:
                end = col.get(key)
                if end is None:
                    continue
                c.rect(x0 + start * scale, y, (end - start) * scale, BAR_H, fill=colour,
                       title=f"{label}: {start:.1f} to {end:.1f} s")
                start = end
            note = (f"/init {col['boot_s']:.1f} s, results {col['results_s']:.1f} s"
                    if col.get("results_s") and col.get("boot_s")
                    else f"no results: {col.get('problem') or 'did not finish'}")
            c.text(x0 + start * scale + 6, y + BAR_H - 5, note, size=9)
            y += BAR_H + GAP
    return c.render()


def write(matrix_json: Path, out: Path, title: str) -> Path:
    matrix = json.loads(Path(matrix_json).read_text())
    if not columns(matrix):
        raise ValueError(f"{matrix_json}: no guest kernel in the matrix")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(draw(matrix, title))
    return out
