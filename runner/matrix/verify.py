"""Did the suite really run in each guest of a matrix?  (`make test-kernels`)

`vdsoconf matrix` fails on a failed point; this catches what it would let
pass in silence: a guest whose cases all skipped, a column labelled with
one kernel while another one answered, a case built for the architecture
that never reached the report.  Per guest column of matrix.json:

* the guest reached its results, `guest.*` passed, and points passed;
* the release the guest reported (report.json `kernel`) is the one its
  image carries (the column's label, read by runner/guest/kimage.py);
* every case built for its architecture (build/static-ARCH/cases) is in
  the report.

    python3 -m runner.matrix.verify MATRIX.json    (exit 1 on any problem)
"""

import json
import sys
from pathlib import Path
from typing import Iterable, List, Optional

from runner.core.discover import find_cases
from runner.guest.suite import is_current_case
from runner.paths import BUILD


def built_cases(arch: str, build: Path = BUILD) -> List[str]:
    """The cases the guest of arch was packed with (as runner/guest/suite.py chooses)."""
    return sorted(p.name for p in find_cases(build / f"static-{arch}" / "cases") if is_current_case(p.name))


def problems(col: dict, built: Optional[Iterable[str]] = None) -> List[str]:
    """What is wrong with one guest column; [] when the suite ran there."""
    if col.get("kind") != "guest":
        return []
    name = col.get("spec") or col.get("id")
    if not col.get("reached_results"):
        return [f"{name}: the guest never reported its results: {col.get('problem') or '?'}"]
    out = []
    if not col.get("ok"):
        out.append(f"{name}: guest.* failed: {col.get('problem') or '?'}")
    if not col.get("totals", {}).get("pass"):
        out.append(f"{name}: no point passed")
    try:
        report = json.loads(Path(col["report"]).read_text())
    except (KeyError, OSError, ValueError) as e:
        return out + [f"{name}: no readable report.json ({e})"]
    if report.get("kernel") != col.get("label"):
        out.append(f"{name}: the guest ran {report.get('kernel')!r}, the image is "
                   f"{col.get('label')!r}")
    have = set(col.get("cases", {}))
    missing = sorted(set(built if built is not None else built_cases(col.get("arch") or "?"))
                     - have)
    if missing:
        out.append(f"{name}: {len(missing)} case(s) built for {col.get('arch')} missing from "
                   f"the report: {', '.join(missing)}")
    return out


def verify(matrix: dict, build: Path = BUILD) -> List[str]:
    out = []
    guests = [c for c in matrix.get("columns", []) if c.get("kind") == "guest"]
    if not guests:
        return ["the matrix has no guest column"]
    for col in guests:
        out += problems(col, built_cases(col["arch"], build) if col.get("arch") else [])
    return out


def main(argv: List[str]) -> int:
    if len(argv) != 1:
        print("usage: python3 -m runner.matrix.verify MATRIX.json", file=sys.stderr)
        return 2
    try:
        matrix = json.loads(Path(argv[0]).read_text())
    except (OSError, ValueError) as e:
        print(f"verify: cannot read {argv[0]}: {e}", file=sys.stderr)
        return 2
    found = verify(matrix)
    for line in found:
        print(f"verify: {line}", file=sys.stderr)
    if not found:
        n = sum(c.get("kind") == "guest" for c in matrix.get("columns", []))
        print(f"verify: the suite ran in all {n} guests")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
