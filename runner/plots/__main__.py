"""python3 -m runner.plots: the SVG plots of `make bench`.

  python3 -m runner.plots --out DIR [--latency SAMPLES] [--boot MATRIX_JSON]

--latency: bench_calls --samples output -> DIR/latency.svg; --boot: the
JSON of `vdsoconf matrix --bench` (make bench-kernels) -> DIR/boot.svg.  A
--boot file that does not exist is passed over, saying so (bench-kernels
is optional); a malformed input is an error.  Exit status: 0 when every
plot asked for was written or passed over, 1 otherwise, 2 on usage errors.
"""

import argparse
import platform
import sys
from pathlib import Path

from runner.plots import boot, latency


def main() -> int:
    p = argparse.ArgumentParser(prog="python3 -m runner.plots")
    p.add_argument("--out", type=Path, required=True, metavar="DIR")
    p.add_argument("--latency", type=Path, metavar="SAMPLES")
    p.add_argument("--boot", type=Path, metavar="MATRIX_JSON")
    a = p.parse_args()
    if not a.latency and not a.boot:
        p.error("nothing to plot: give --latency, --boot or both")
    code = 0
    host = f"{platform.machine()}, Linux {platform.release().split('-')[0]}"
    jobs = []
    if a.latency:
        jobs.append((latency.write, a.latency, a.out / "latency.svg",
                     f"clock_gettime latency, vDSO against system call ({host})"))
    if a.boot:
        if a.boot.exists():
            jobs.append((boot.write, a.boot, a.out / "boot.svg",
                         "Boot to results under QEMU TCG, per architecture"))
        else:
            print(f"plots: no {a.boot} (make bench-kernels writes it): no boot plot")
    for write, src, dst, title in jobs:
        try:
            print(f"plot: {write(src, dst, title)}")
        except (OSError, ValueError) as e:
            print(f"plots: {e}", file=sys.stderr)
            code = 1
    return code


if __name__ == "__main__":
    sys.exit(main())
