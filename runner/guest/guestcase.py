"""A boot's case runs, plus the boot itself as a case named `guest`.

Whatever went wrong with the machine (a panic, a hang, no vDSO) must be
one clear failure in the same results as the test points, not a log line
beside them.  So the boot becomes a case of its own whose KTAP is written
here, with three points:

  guest.boot     the kernel came up and started /init
  guest.vdso     the guest kernel maps a vDSO (with vdso=0 every case skips
                 with "no vDSO", and that must not look like a clean run)
  guest.finish   /init ran every case and the machine went down cleanly

Cases the guest never reached are skips pointing at guest.finish; the case
it was running when it died fails with what happened.
"""

import shlex
from typing import List, Optional

from runner.core.caserun import CaseRun
from runner.guest.qemu import Boot

NAME = "guest"
TAIL_LINES = 25
# kernel lines that mean the kernel itself broke while the cases ran
BROKEN = ("BUG:", "Oops:", "general protection fault", "Unable to handle kernel")


def runs(boot: Boot, expected: List[str], case_timeout: float,
         reproduce: str) -> List[CaseRun]:
    """The guest case first, then one run per expected case, in order."""
    got = {r.name: r for r in boot.log.cases}
    out = [_guest(boot, expected, reproduce)]
    for name in expected:
        run = got.get(name)
        if run is None:
            run = CaseRun(name=name, path=f"/cases/{name}")
            point = "guest.finish" if boot.log.hello else "guest.boot"
            run.exec_skip = f"not run: {boot.detail}; see {point}"
        elif run.exit_code is None and run.signal is None and not run.timed_out \
                and not run.exec_error and not run.exec_skip:
            run.exec_error = f"the guest stopped while this case ran: {boot.detail}"
        run.timeout_s = case_timeout
        run.reproduce = f"{reproduce} {shlex.quote(name)}"
        out.append(run)
    return out


def _guest(boot: Boot, expected: List[str], reproduce: str) -> CaseRun:
    hello = boot.log.hello or {}
    lines = ["KTAP version 1",
             f"# {NAME}: {boot.kernel} ({boot.arch}) under "
             f"{boot.argv[0] if boot.argv else 'QEMU'} {boot.qemu_version} (TCG)",
             f"# command line: {boot.cmdline}",
             "1..3"]
    tail = [f"# console (last {TAIL_LINES} lines):"] + [f"# | {t}" for t in boot.tail(TAIL_LINES)]
    tail += _old_qemu(boot)
    if boot.qemu_stderr.strip():
        tail += ["# QEMU said:"] + [f"# | {t}" for t in boot.qemu_stderr.strip().splitlines()[-10:]]
    booted = boot.log.hello is not None
    if booted:
        lines.append(f"# {hello.get('release', '?')} {hello.get('machine', '?')}, "
                     f"{hello.get('cpus', '?')} CPUs, clocksource {hello.get('clocksource', '?')}; "
                     f"/init started after {boot.boot_s or 0:.1f} s")
        lines.append("ok 1 guest.boot")
    else:
        lines += tail
        lines.append(f"not ok 1 guest.boot # {boot.detail}")
    lines += _vdso(booted, hello.get("vdso"), boot.cmdline)
    lines += _finish(boot, booted, expected, tail)
    doc = "\n".join(lines) + "\n"
    failed = any(line.startswith("not ok") for line in lines)
    return CaseRun(name=NAME, path=boot.kernel, stdout=doc, exit_code=1 if failed else 0,
                   duration_s=boot.total_s, reproduce=reproduce)


def _old_qemu(boot: Boot) -> List[str]:
    """Debian 12's QEMU 7.2 crashes newer x86 kernels under TCG by itself,
    and has no LoongArch machine Debian's loong64 kernel boots on."""
    if boot.arch == "loongarch64" and boot.qemu_version.startswith("7.") \
            and boot.log.hello is None:
        return [f"# note: QEMU {boot.qemu_version} cannot boot Debian's loong64 kernels; "
                "use QEMU 10 from bookworm-backports: "
                "VDSOCONF_QEMU_DIR=$(fixtures/kernels/fetch-qemu)"]
    broke = boot.outcome == "kernel panic" or any(b in p for p in boot.problems() for b in BROKEN)
    if not broke or boot.arch != "x86_64" or not boot.qemu_version.startswith("7."):
        return []
    return [f"# note: QEMU {boot.qemu_version} mis-emulates x86 enough to crash 6.12 kernels at "
            "random under TCG; retry with QEMU 10 from bookworm-backports: "
            "VDSOCONF_QEMU_DIR=$(fixtures/kernels/fetch-qemu)"]


def _vdso(booted: bool, vdso: Optional[str], cmdline: str) -> List[str]:
    if not booted:
        return ["ok 2 guest.vdso # SKIP the guest did not boot"]
    if vdso and vdso != "none":
        return [f"# AT_SYSINFO_EHDR {vdso}", "ok 2 guest.vdso"]
    why = " (the command line has vdso=0)" if "vdso=0" in cmdline.split() else ""
    return ["# every case can only skip with \"no vDSO\": nothing was checked",
            f"not ok 2 guest.vdso # guest has no vDSO{why}: AT_SYSINFO_EHDR absent, "
            "every case skipped"]


def _finish(boot: Boot, booted: bool, expected: List[str], tail: List[str]) -> List[str]:
    if not booted:
        return ["ok 3 guest.finish # SKIP the guest did not boot"]
    problems = boot.problems()
    broken = [p for p in problems if any(b in p for b in BROKEN)]
    diag = [f"# kernel: {p}" for p in problems]
    ran = len(boot.log.cases)
    if not boot.ok:
        return diag + tail + [f"not ok 3 guest.finish # {boot.detail}"]
    if broken:
        return diag + tail + [f"not ok 3 guest.finish # the kernel broke while the cases ran: "
                              f"{broken[0]}"]
    missing = [n for n in expected if n not in {r.name for r in boot.log.cases}]
    if missing:
        return diag + [f"not ok 3 guest.finish # /init did not run {', '.join(missing)}"]
    note = f"; {boot.detail}" if boot.detail else ""
    return diag + [f"# {ran} case{'s' if ran != 1 else ''} ran; QEMU ended after "
                   f"{boot.total_s:.1f} s{note}",
                   "ok 3 guest.finish"]
