"""`vdsoconf run --kernel IMAGE`: the run inside another kernel, under QEMU.

The guest options belong to `run`; this module adds them to its parser and
runs it when --kernel is given: boot (runner/guest/suite.py), then replay
the recording through the ordinary session, labelled with the guest.
"""

import argparse
import dataclasses
import sys

from runner.cli.parser import count, seconds
from runner.cli.run import run_options
from runner.core import recording
from runner.guest import fetch, kimage, qemu, suite
from runner.report.files import shown
from runner.report.progress import Progress
from runner.session import run


def add_arguments(p: argparse.ArgumentParser) -> None:
    guest = p.add_argument_group("another kernel, booted under QEMU (TCG) with the suite")
    guest.add_argument("--kernel", metavar="IMAGE",
                       help="kernel image to boot, or a Debian kernel fixtures/kernels/fetch "
                            f"downloads: {fetch.NAMES}")
    guest.add_argument("--arch", choices=qemu.ARCHES,
                       help="the image's architecture (default: read from the image)")
    guest.add_argument("--smp", type=count, default=2, metavar="N",
                       help="guest CPUs (default: 2, so that cross-CPU checks mean something)")
    guest.add_argument("--boot-timeout", type=seconds, default=None, metavar="S",
                       help="give up when /init has not started after S seconds "
                            "(default: 60 x86_64, 180 the others)")
    guest.add_argument("--append", default="", metavar="ARGS",
                       help="extra kernel command line arguments (e.g. vdso=0)")


def refuse_without_kernel(p: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.arch or args.append or args.boot_timeout or args.smp != 2:
        p.error("--arch, --smp, --boot-timeout and --append need --kernel")


def main(p: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.target:
        p.error("--target and --kernel cannot be combined: a fake vDSO is a host object")
    if args.repeat > 1:
        p.error("--repeat and --kernel cannot be combined (boot again instead)")
    # the usage errors above come before any progress line
    progress = Progress()
    try:
        fetched = fetch.resolve(args.kernel, progress)
    except RuntimeError as e:
        print(f"vdsoconf: {e}", file=sys.stderr)
        return 1
    kernel = fetched.path
    if not kernel.is_file():
        p.error(f"--kernel {args.kernel}: no such file, nor a kernel to fetch ({fetch.NAMES})")
    arch = args.arch or fetched.arch or kimage.arch(kernel)
    print(f"vdsoconf: booting {kernel} ({arch or 'unknown architecture'}) under QEMU TCG, "
          f"{args.smp} CPUs", file=sys.stderr, flush=True)
    try:
        g = suite.boot(kernel, arch=arch, cases=args.cases or None, smp=args.smp,
                       boot_timeout=args.boot_timeout, case_timeout=args.timeout,
                       append=args.append or "", progress=progress, kernel_info=fetched.info)
    except RuntimeError as e:
        progress.done()
        print(f"vdsoconf: {e}", file=sys.stderr)
        return 1
    finally:
        progress.done()
    print(suite.headline(g), flush=True)
    options = dataclasses.replace(run_options(args, g.directory / recording.CASES, g.records),
                                  recorded=g.directory, suite_name=f"vdsoconf {g.label}")
    code = run(options)
    print(f"{'Console log:':<13}{shown(str(g.directory / 'console.log'))}")
    return code
