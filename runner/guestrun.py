"""`vdsoconf run --kernel IMAGE`: the suite inside another kernel, under QEMU.

Boot the kernel with the suite (runner/guest/suite.py), then replay the
recording through the ordinary run, so every report is the one a local
run writes, labelled with the guest's kernel.
"""

import argparse
import sys

from runner.core import recording
from runner.guest import fetch, kimage, suite


def main(p: argparse.ArgumentParser, args) -> int:
    """`run --kernel`: called by runner/cli.py with its parsed arguments."""
    from runner import cli
    if args.target:
        p.error("--target and --kernel cannot be combined: a fake vDSO is a host object")
    if args.repeat > 1:
        p.error("--repeat and --kernel cannot be combined (boot again instead)")
    try:
        kernel = fetch.resolve(args.kernel)
    except RuntimeError as e:
        print(f"vdsoconf: {e}", file=sys.stderr)
        return 1
    if not kernel.is_file():
        known = ", ".join(fetch.fetchable())
        p.error(f"--kernel {args.kernel}: no such file (or a name to fetch: {known})")
    arch = args.arch or kimage.arch(kernel)
    print(f"vdsoconf: booting {kernel} ({arch or 'unknown architecture'}) under QEMU TCG, "
          f"{args.smp} CPUs", file=sys.stderr, flush=True)
    try:
        g = suite.boot(kernel, arch=arch, cases=args.cases or None, smp=args.smp,
                       boot_timeout=args.boot_timeout, case_timeout=args.timeout,
                       append=args.append or "", progress=_progress)
    except RuntimeError as e:
        print(f"\nvdsoconf: {e}", file=sys.stderr)
        return 1
    print(file=sys.stderr)
    print(suite.headline(g), flush=True)
    args.recorded = str(g.directory)
    args.suite_name = f"vdsoconf {g.label}"
    code = cli._run(args, g.directory / recording.CASES, g.records)
    print(f"{'Console log:':<13}{cli._shown(str(g.directory / 'console.log'))}")
    return code


def _progress(name: str) -> None:
    print(f"  {name}", end="", file=sys.stderr, flush=True)
