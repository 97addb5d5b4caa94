"""`vdsoconf run --kernel IMAGE`: the suite inside another kernel, under QEMU.

Build the cases static for the image's architecture, pack them with our
/init into an initramfs, boot it, and record what came back over the
console as case runs (runner/recording.py); the ordinary run then replays
the recording through pytest, so every report is the one a local run
writes, labelled with the guest's kernel.
"""

import argparse
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from runner import guestcase, initramfs, kimage, qemu
from runner.core import recording
from runner.core.discover import find_cases
from runner.paths import REPO

GUEST_RESULTS = REPO / "build" / "results" / "guest"
FETCH = REPO / "fixtures" / "kernels" / "fetch"
DEFAULT_BOOT_TIMEOUT = {"x86_64": 60.0, "aarch64": 180.0}


@dataclass
class Guest:
    kernel: Path
    arch: str
    label: str
    boot: qemu.Boot
    directory: Path              # console.log, initramfs, the recording
    records: List[Path]
    system: dict


def fetchable() -> List[str]:
    """The kernel names fixtures/kernels/fetch knows, from its header."""
    try:
        text = FETCH.read_text()
    except OSError:
        return []
    return re.findall(r"^#   (\S+) {2,}\S", text, re.M)


def resolve(spec: str) -> Path:
    """A file, or a name fixtures/kernels/fetch downloads (once)."""
    path = Path(spec).expanduser()
    if path.exists() or spec not in fetchable():
        return path
    r = subprocess.run([str(FETCH), spec], capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"cannot fetch kernel '{spec}': "
                           + (r.stderr.strip().splitlines() or ["fetch failed"])[-1])
    return Path(r.stdout.split()[-1])


def build(arch: str) -> Path:
    """make the static cases and /init for arch; returns the build directory."""
    r = subprocess.run(["make", "-s", "-C", str(REPO), f"guest-{arch}"],
                       capture_output=True, text=True)
    if r.returncode:
        tail = "\n".join((r.stdout + r.stderr).strip().splitlines()[-15:])
        hint = " (./install-deps qemu installs the cross compiler)" if arch != "x86_64" else ""
        raise RuntimeError(f"building the static {arch} cases failed (make guest-{arch}){hint}:"
                           f"\n{tail}")
    return REPO / "build" / f"static-{arch}"


def label_of(kernel: Path) -> str:
    return kimage.release(kernel) or kernel.name


def boot(kernel: Path, *, arch: Optional[str] = None, cases: Optional[List[str]] = None,
         smp: int = 2, boot_timeout: Optional[float] = None, case_timeout: float = 60.0,
         append: str = "", out: Optional[Path] = None, progress=None,
         strict: bool = True) -> Guest:
    """Boot kernel with the suite and record the result; raises RuntimeError
    only for what is wrong on this side (no compiler, unknown case).  Not
    strict: cases not built for this architecture are left out silently."""
    arch = arch or kimage.arch(kernel)
    label = label_of(kernel)
    directory = out or GUEST_RESULTS / re.sub(r"[^\w.+-]", "_", label)
    directory.mkdir(parents=True, exist_ok=True)
    reproduce = _reproduce(kernel, arch, smp, append)
    if arch is None:
        b = qemu.Boot(kernel=str(kernel), arch="?", outcome="not a kernel",
                      detail=f"{kernel} is not a kernel image vdsoconf can boot (no x86 bzImage, "
                             "arm64 Image or ELF header); give --arch to try anyway")
        return _record(kernel, "?", label, b, directory, [], 60.0, reproduce)
    static = build(arch)
    available = {p.name: p for p in find_cases(static / "cases")}
    chosen = cases or sorted(available)
    if not strict:
        chosen = [c for c in chosen if c in available]
    unknown = [c for c in chosen if c not in available]
    if unknown:
        raise RuntimeError(f"unknown case(s) for {arch}: {', '.join(unknown)} "
                           f"(known: {', '.join(sorted(available))})")
    initrd = directory / "initramfs.cpio"
    initramfs.write(initrd, static / "init", [available[c] for c in chosen])
    b = qemu.boot(kernel, initrd, arch, smp=smp,
                  boot_timeout=boot_timeout or DEFAULT_BOOT_TIMEOUT[arch],
                  case_timeout=case_timeout, append=append,
                  console_log=directory / "console.log", progress=progress)
    return _record(kernel, arch, label, b, directory, chosen, case_timeout, reproduce)


def _reproduce(kernel: Path, arch: Optional[str], smp: int, append: str) -> str:
    line = f"runner/vdsoconf run --kernel {shlex.quote(str(kernel))}"
    if arch:
        line += f" --arch {arch}"
    if smp != 2:
        line += f" --smp {smp}"
    if append:
        line += f" --append {shlex.quote(append)}"
    return line


def _record(kernel: Path, arch: str, label: str, b: qemu.Boot, directory: Path,
            chosen: List[str], case_timeout: float, reproduce: str) -> Guest:
    hello = b.log.hello or {}
    release = hello.get("release") or label
    system = {
        "kernel": release,
        "machine": hello.get("machine") or arch,
        "clocksource": hello.get("clocksource"),
        "duration_s": b.total_s,
        "guest": {
            "image": str(kernel), "arch": arch, "qemu": b.argv, "cmdline": b.cmdline,
            "outcome": b.outcome, "detail": b.detail, "cpus": hello.get("cpus"),
            "vdso": hello.get("vdso"), "boot_s": _round(b.boot_s),
            "total_s": _round(b.total_s), "powered_off": b.powered_off,
            "console_log": str(directory / "console.log"),
        },
    }
    runs = guestcase.runs(b, chosen, case_timeout, reproduce)
    records = recording.write(directory, runs, system)
    return Guest(kernel, arch, release, b, directory, records, system)


def _round(x: Optional[float]) -> Optional[float]:
    return None if x is None else round(x, 2)


def headline(g: Guest) -> str:
    """One line for the terminal before the results."""
    b, hello = g.boot, g.boot.log.hello or {}
    if b.log.hello is None:
        return f"guest {g.label}: {b.detail}"
    what = (f"guest {g.label} ({hello.get('machine')}, {hello.get('cpus')} CPUs, clocksource "
            f"{hello.get('clocksource')}): /init after {b.boot_s or 0:.1f} s, "
            f"{len(b.log.cases)} cases, done after {b.total_s:.1f} s")
    return what if b.ok else f"{what}; {b.detail}"


def main(p: argparse.ArgumentParser, args) -> int:
    """`run --kernel`: called by runner/cli.py with its parsed arguments."""
    from runner import cli
    if args.target:
        p.error("--target and --kernel cannot be combined: a fake vDSO is a host object")
    if args.repeat > 1:
        p.error("--repeat and --kernel cannot be combined (boot again instead)")
    try:
        kernel = resolve(args.kernel)
    except RuntimeError as e:
        print(f"vdsoconf: {e}", file=sys.stderr)
        return 1
    if not kernel.is_file():
        known = ", ".join(fetchable())
        p.error(f"--kernel {args.kernel}: no such file (or a name to fetch: {known})")
    arch = args.arch or kimage.arch(kernel)
    print(f"vdsoconf: booting {kernel} ({arch or 'unknown architecture'}) under QEMU TCG, "
          f"{args.smp} CPUs", file=sys.stderr, flush=True)
    try:
        g = boot(kernel, arch=arch, cases=args.cases or None, smp=args.smp,
                 boot_timeout=args.boot_timeout, case_timeout=args.timeout,
                 append=args.append or "", progress=_progress)
    except RuntimeError as e:
        print(f"\nvdsoconf: {e}", file=sys.stderr)
        return 1
    print(file=sys.stderr)
    print(headline(g), flush=True)
    args.recorded = str(g.directory)
    args.suite_name = f"vdsoconf {g.label}"
    code = cli._run(args, g.directory / recording.CASES, g.records)
    print(f"{'Console log:':<13}{cli._shown(str(g.directory / 'console.log'))}")
    return code


def _progress(name: str) -> None:
    print(f"  {name}", end="", file=sys.stderr, flush=True)
