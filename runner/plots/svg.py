"""A few SVG elements and a logarithmic axis: all the plots need."""

import math
from html import escape
from typing import List, Sequence

FONT = "font-family:sans-serif"
# two paths told apart by colour and by dash, so that the plots survive
# printing in grey
VDSO, SYSCALL = "#1f77b4", "#d62728"


class Canvas:
    def __init__(self, width: int, height: int, title: str):
        self.width, self.height = width, height
        self.items: List[str] = [f'<title>{escape(title)}</title>',
                                 f'<rect width="{width}" height="{height}" fill="white"/>']

    def text(self, x, y, s, size=11, anchor="start", weight="normal", rotate=None, fill="#222"):
        turn = f' transform="rotate({rotate} {x:.1f} {y:.1f})"' if rotate else ""
        self.items.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
                          f'font-weight="{weight}" fill="{fill}" style="{FONT}"{turn}>'
                          f'{escape(str(s))}</text>')

    def line(self, x1, y1, x2, y2, stroke="#999", width=1.0, dash=None):
        d = f' stroke-dasharray="{dash}"' if dash else ""
        self.items.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                          f'stroke="{stroke}" stroke-width="{width}"{d}/>')

    def rect(self, x, y, w, h, fill, stroke="none", title=None):
        t = f"<title>{escape(title)}</title>" if title else ""
        self.items.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" '
                          f'height="{max(h, 0):.1f}" fill="{fill}" stroke="{stroke}">{t}</rect>')

    def polyline(self, points: Sequence, stroke, width=1.5, dash=None, fill="none", opacity=1.0):
        d = f' stroke-dasharray="{dash}"' if dash else ""
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        self.items.append(f'<polyline points="{pts}" fill="{fill}" fill-opacity="{opacity}" '
                          f'stroke="{stroke}" stroke-width="{width}"{d}/>')

    def render(self) -> str:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" '
                f'height="{self.height}" viewBox="0 0 {self.width} {self.height}">\n'
                + "\n".join(self.items) + "\n</svg>\n")


class LogAxis:
    """Values lo..hi (powers of ten) onto pixels x0..x1."""

    def __init__(self, lo: float, hi: float, x0: float, x1: float):
        self.lo, self.hi, self.x0, self.x1 = math.log10(lo), math.log10(hi), x0, x1

    def __call__(self, v: float) -> float:
        v = min(max(v, 10 ** self.lo), 10 ** self.hi)
        return self.x0 + (math.log10(v) - self.lo) / (self.hi - self.lo) * (self.x1 - self.x0)

    def decades(self) -> List[float]:
        return [10.0 ** e for e in range(int(self.lo), int(self.hi) + 1)]


def ns_label(v: float) -> str:
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if v >= scale:
            return f"{v / scale:g} {unit}"
    return f"{v:g} ns"
