"""`vdsoconf matrix`: the suite on several kernels, one table.

Each kernel is booted under QEMU with the suite (runner/guest/suite.py) and
its recording replayed into the usual reports, one directory per kernel;
with --host the running kernel is checked too.  The table is read back
from the JSON reports: per case pass/fail/skip counts per kernel, then
every test point whose result is not the same everywhere
(runner/matrix/table.py).  A kernel that did not boot, died, or has no
vDSO is named with what happened and left out of the comparison; the
others go on.

Exit status: 0 when every kernel booted and nothing failed, 1 otherwise,
2 on usage errors.
"""

import argparse
import concurrent.futures
import json
import os
from pathlib import Path

from runner.cli.parser import count, seconds
from runner.guest.fetch import NAMES
from runner.matrix import html, junit
from runner.matrix.columns import OUT, MatrixOptions, guest_column, host_column, one_line
from runner.matrix.defaults import default_kernels
from runner.matrix.render import render, render_bench
from runner.matrix.table import build
from runner.paths import help_path, need_source
from runner.plots import boot
from runner.report.files import shown
from runner.report.progress import Progress


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("matrix",
                       help="run the suite on several kernels under QEMU; print kernel x case",
                       description="Boot each kernel under QEMU (TCG) with the suite; print one "
                                   "table, kernel x case, and every test point whose result "
                                   "differs.")
    p.add_argument("cases", nargs="*", metavar="CASE",
                   help="only these cases (default: every case built for each architecture)")
    p.add_argument("--kernel", action="append", default=[], metavar="IMAGE",
                   help="a kernel image, or a Debian kernel fixtures/kernels/fetch downloads "
                        f"({NAMES}); repeat for more")
    p.add_argument("--kernels", nargs="+", default=[], metavar="NAME",
                   help="more kernels, as --kernel; with neither (and no --host), the newest "
                        "kernel of bookworm, trixie, sid and experimental for every "
                        "architecture the suite boots")
    p.add_argument("--arch", action="append", default=[], metavar="ARCH",
                   help="only the default kernels of this architecture (QEMU or Debian name); "
                        "repeat for more")
    p.add_argument("-j", "--jobs", type=count, default=None, metavar="N",
                   help="guests booted at once (default: the CPU count)")
    p.add_argument("--html", metavar="FILE",
                   help="the page (default: OUT/matrix.html); the merged JUnit file is "
                        "OUT/junit.xml")
    p.add_argument("--host", action="store_true", help="also run the suite on this machine's kernel")
    p.add_argument("--smp", type=count, default=2, metavar="N", help="guest CPUs (default: 2)")
    p.add_argument("--boot-timeout", type=seconds, default=None, metavar="S",
                   help="per kernel (default: 60 x86_64, 180 the others)")
    p.add_argument("--timeout", type=seconds, default=60.0, metavar="S",
                   help="kill a case after S seconds (default: 60)")
    p.add_argument("--append", default="", metavar="ARGS", help="extra kernel command line")
    p.add_argument("--out", type=Path, default=OUT, metavar="DIR",
                   help=f"one directory of reports per kernel (default: {help_path(OUT)})")
    p.add_argument("--json", metavar="FILE", help="the matrix as JSON (default: OUT/matrix.json)")
    p.add_argument("--bench", action="store_true",
                   help="print seconds from QEMU start to /init and to the last result per kernel")
    return p


def main(p: argparse.ArgumentParser, a: argparse.Namespace) -> int:
    kernels = list(dict.fromkeys(a.kernel + a.kernels))    # the same kernel once
    if kernels or not a.host:
        need_source("booting kernels (vdsoconf matrix without --host alone)")
    if not kernels and not a.host:
        try:
            kernels = default_kernels(a.arch or None)
        except RuntimeError as e:
            p.exit(1, f"vdsoconf matrix: {e}\n")
        if not kernels:
            p.error("no default kernel for " + ", ".join(a.arch or ["any architecture"]))
    elif a.arch:
        p.error("--arch chooses among the default kernels: give it without --kernel")
    o = MatrixOptions(out=a.out, cases=a.cases, smp=a.smp, boot_timeout=a.boot_timeout,
                      timeout=a.timeout, append=a.append)
    jobs = a.jobs or os.cpu_count() or 1
    n = len(kernels) + a.host
    columns = _guests(kernels, o, n, jobs)
    if a.host:
        progress = Progress()
        progress.within(f"[{n}/{n}]")
        progress.start(0, "host: the suite on this machine")
        try:
            col = host_column(o)
        finally:
            progress.done()
        columns.append(col)
        print(f"[{n}/{n}] host: {one_line(col)}", flush=True)
    m = build(columns)
    print()
    print(render_bench(m) if a.bench else render(m))
    doc = Path(a.json) if a.json else a.out / "matrix.json"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(json.dumps(m, indent=1) + "\n")
    if a.bench:
        a.out.mkdir(parents=True, exist_ok=True)
        plot = a.out / "boot.svg"
        plot.write_text(boot.draw(m, "Boot to results under QEMU TCG, per architecture"))
        print(f"{'Boot plot:':<13}{shown(str(plot))}")
    page = html.write(m, Path(a.html) if a.html else a.out / "matrix.html")
    merged = junit.merge(m["columns"], a.out / "junit.xml")
    print(f"{'HTML page:':<13}{shown(str(page))}")
    print(f"{'JUnit XML:':<13}{shown(str(merged))}")
    print(f"{'JSON:':<13}{shown(str(doc))}")
    if a.bench:
        return 0 if all(c["reached_results"] for c in columns) else 1
    return 0 if all(c["ok"] and not c["totals"].get("fail") and not c["totals"].get("xpass")
                    for c in columns) else 1


def _guests(kernels, o: MatrixOptions, n: int, jobs: int):
    """One column per kernel, in the order given; up to jobs guests at a
    time.  One at a time, a live progress line follows each; in parallel,
    each kernel's line is printed when it is done."""
    if jobs <= 1 or len(kernels) <= 1:
        columns = []
        progress = Progress()
        # each kernel's line is printed whole once it is done, so that the
        # progress line on stderr never shares a row with half of it
        for i, spec in enumerate(kernels, 1):
            progress.within(f"[{i}/{n}]")
            try:
                col = guest_column(spec, o, taken={c["id"] for c in columns}, progress=progress)
            finally:
                progress.done()
            columns.append(col)
            print(f"[{i}/{n}] {spec}: {one_line(col)}", flush=True)
        return columns
    # distinct names make distinct column ids (and directories) up front
    taken = set()
    results = [None] * len(kernels)
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(guest_column, spec, o, taken): i for i, spec in enumerate(kernels)}
        for done, f in enumerate(concurrent.futures.as_completed(futures), 1):
            i = futures[f]
            results[i] = f.result()
            print(f"[{done}/{n}] {kernels[i]}: {one_line(results[i])}", flush=True)
    return results
