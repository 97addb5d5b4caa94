"""The suite inside another kernel, under QEMU: build, pack, boot, record.

Build the cases static for the image's architecture, pack them with our
/init into an initramfs, boot it, and record what came back over the
console as case runs (runner/core/recording.py); a session then replays
the recording through pytest, so every report is the one a local run
writes, labelled with the guest's kernel.
"""

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

from runner.core import recording
from runner.core.caserun import judge_exec_failure
from runner.core.discover import ABI_SUFFIXES, find_cases
from runner.guest import guestcase, initramfs, kimage, qemu
from runner.guest.build import static_build
from runner.paths import REPO, RESULTS

GUEST_RESULTS = RESULTS / "guest"
DEFAULT_BOOT_TIMEOUT = {arch: m.boot_timeout for arch, m in qemu.MACHINES.items()}


@dataclass
class Guest:
    kernel: Path
    arch: str
    label: str
    boot: qemu.Boot
    directory: Path              # console.log, initramfs, the recording
    records: List[Path]
    system: dict


def label_of(kernel: Path) -> str:
    return kimage.release(kernel) or kernel.name


def boot(kernel: Path, *, arch: Optional[str] = None, cases: Optional[List[str]] = None,
         smp: int = 2, boot_timeout: Optional[float] = None, case_timeout: float = 60.0,
         append: str = "", out: Optional[Path] = None, progress=None,
         strict: bool = True, kernel_info: Optional[Dict[str, str]] = None) -> Guest:
    """Boot kernel with the suite and record the result; raises RuntimeError
    only for what is wrong on this side (no compiler, unknown case).  Not
    strict: cases not built for this architecture are left out silently.
    kernel_info (the fetcher's package, version, archive, sha256) goes into
    every report of the run.  progress: anything with the start(),
    running() and step() of runner/report/progress.py, told of the boot
    and of each case as it begins and ends."""
    arch = arch or kimage.arch(kernel)
    label = label_of(kernel)
    directory = out or GUEST_RESULTS / re.sub(r"[^\w.+-]", "_", label)
    directory.mkdir(parents=True, exist_ok=True)
    reproduce = _reproduce(kernel, arch, smp, append)
    if arch is None:
        b = qemu.Boot(kernel=str(kernel), arch="?", outcome="not a kernel",
                      detail=f"{kernel} is not a kernel image vdsoconf can boot (no boot header of "
                             "an architecture it knows, no ELF header); give --arch to try anyway")
        return _record(kernel, "?", label, b, directory, [], 60.0, reproduce, kernel_info)
    static = static_build(arch)
    available = {p.name: p for p in find_cases(static / "cases") if is_current_case(p.name)}
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
                  console_log=directory / "console.log",
                  progress=progress and follow(progress, len(chosen), f"guest {label}"))
    for run in b.log.cases:
        if run.exec_errno:
            judge_exec_failure(run, run.exec_errno, str(static / "cases" / run.name), str(static / "init"),
                               "the guest kernel")
    return _record(kernel, arch, label, b, directory, chosen, case_timeout, reproduce, kernel_info)


def is_current_case(name: str) -> bool:
    """A program of a case the checkout still has (cases/NAME.c or the
    directory cases/NAME), whatever its ABI suffix: the build directory
    keeps the programs of renamed and removed cases, which must not be
    packed into a guest and reported as if they were the suite's."""
    cases = REPO / "cases"
    if not cases.is_dir():
        return True     # installed: only current cases were installed
    base = next((name[:-len(x)] for x in ABI_SUFFIXES if name.endswith(x)), name)
    return (cases / f"{base}.c").is_file() or (cases / base).is_dir()


def follow(progress, total: int, what: str):
    """qemu.boot's callback, turning what /init has said so far into steps."""
    progress.start(total, what)
    progress.running("booting")
    counted = 0

    def seen(log) -> None:
        nonlocal counted
        # the case still running is in log.cases too, as far as it got
        ended = log.cases[:-1] if log.running else log.cases
        for run in ended[counted:]:
            progress.step(run.name)
        counted = len(ended)
        progress.running(log.running or ("booting" if log.hello is None else
                                         "powering off" if log.done else ""))
    return seen


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
            chosen: List[str], case_timeout: float, reproduce: str,
            kernel_info: Optional[Dict[str, str]]) -> Guest:
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
            **{k: v for k, v in (kernel_info or {}).items()
               if k in ("package", "version", "archive", "sha256")},
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
