"""Boot a kernel under QEMU (TCG) with our initramfs; capture its console.

What the guest printed is read by runner/guest/guestlog.py; here is only the
machine: which QEMU and which options per architecture, the watchdogs, and
what became of the boot, named so that a user knows what to look at:

  ok              /init ran every case and said so
  no output       not one byte on the console within --boot-timeout
  boot timeout    the kernel printed, but /init did not start in time
  kernel panic    "Kernel panic - not syncing" (panic=-1 and -no-reboot
                  end QEMU at once)
  hang            /init stopped reporting for longer than a case may run
  qemu error      QEMU refused the image or the options
  exited          QEMU ended before /init was done, without a panic
"""

import functools
import os
import re
import selectors
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

from runner.guest import guestlog, kimage

# Guest /init reports within a case's timeout plus this: TCG is slow, and
# killing a case and draining its pipes takes a moment.
STALL_MARGIN_S = 30.0
POWEROFF_WAIT_S = 30.0
PANIC = re.compile(r"Kernel panic - not syncing: ?(.*)")
OOPS = re.compile(r"(BUG: .*|Oops: .*|general protection fault.*|"
                  r"Unable to handle kernel .*|WARNING: CPU: .*|watchdog: BUG: .*)")


@dataclass
class Machine:
    qemu: str
    console: str
    args: List[str]
    boot_timeout: float = 180.0     # QEMU start to /init, default of --boot-timeout
    max_smp: Optional[int] = None   # the most CPUs the machine boots with
    append: str = ""                # kernel arguments the machine needs
    unwrap: bool = False            # QEMU takes no EFI zboot: boot the kernel inside


# One machine per architecture, as qemu-system-ARCH names it: the board
# Debian's default flavour (fixtures/kernels/fetch) is built for, a CPU it
# runs on, the firmware QEMU needs (fixtures/kernels/fetch-qemu fetches it)
# and the console its serial port is.  Under TCG on a 2-core machine /init
# started 3-29 s after QEMU (each architecture's figures in docs/qemu.md;
# ppc64 the slowest); the boot timeouts leave room for a machine shared
# with other work.
MACHINES = {
    # TCG offers no invariant TSC, and without one Linux trusts the TSC
    # across CPUs only on Intel; on any other vendor it marks the TSC
    # unstable as soon as there are two CPUs and runs on hpet, which has no
    # vDSO mode, so every clock call would take the system call.
    "x86_64": Machine("qemu-system-x86_64", "ttyS0", ["-cpu", "max,vendor=GenuineIntel"],
                      boot_timeout=60.0),
    # the same PC for the 686-pae kernel (Debian's only i386 kernels are
    # bookworm's), Intel for the same TSC reason; "max" has PAE and NX
    "i386": Machine("qemu-system-i386", "ttyS0",
                    ["-M", "pc", "-cpu", "max,vendor=GenuineIntel"]),
    # pauth-impdef keeps pointer authentication but makes it cheap to emulate
    "aarch64": Machine("qemu-system-aarch64", "ttyAMA0",
                       ["-M", "virt", "-cpu", "max,pauth-impdef=on"]),
    # armmp is a multiplatform ARMv7 kernel with the virt board's pl011;
    # the Cortex-A15 has LPAE and the generic timer, so armmp-lpae boots too.
    # The image is a zImage, which QEMU's loader takes as it is.
    "arm": Machine("qemu-system-arm", "ttyAMA0", ["-M", "virt", "-cpu", "cortex-a15"]),
    # pseries under SLOF (from qemu-system-data), the console its hvterm;
    # POWER10 so that the kernel finds every facility it was built for.
    # The image is a plain ELF vmlinux.
    "ppc64": Machine("qemu-system-ppc64", "hvc0", ["-M", "pseries", "-cpu", "power10"]),
    # the virtio-ccw machine; its SCLP line console is what -serial gives
    "s390x": Machine("qemu-system-s390x", "ttysclp0", ["-M", "s390-ccw-virtio"]),
    # virt under OpenSBI (-bios default: fetch-qemu's opensbi): the kernel
    # starts CPUs, sets timers and sends IPIs through SBI calls
    "riscv64": Machine("qemu-system-riscv64", "ttyS0", ["-M", "virt", "-bios", "default"]),
    # Malta, which 5kc-malta is built for, with the 64-bit 5KEc; the
    # kernel brings up no second CPU on this board (it hangs with -smp 2)
    "mips64el": Machine("qemu-system-mips64el", "ttyS0", ["-M", "malta", "-cpu", "5KEc"],
                        max_smp=1),
    # virt with the LA464 (QEMU 10; 7.2 has no CPU Debian's kernel runs on).
    # The image is an EFI zboot that QEMU's loader refuses: the kernel
    # inside it is unwrapped (runner/guest/kimage.py).  i8042_init is
    # skipped as the board has no i8042 and probing for it oopses
    # (i8042_flush reads a port nothing answers).
    "loongarch64": Machine("qemu-system-loongarch64", "ttyS0", ["-M", "virt", "-cpu", "la464"],
                           append="initcall_blacklist=i8042_init", unwrap=True),
}
ARCHES = tuple(MACHINES)


@dataclass
class Boot:
    kernel: str
    arch: str
    argv: List[str] = field(default_factory=list)
    cmdline: str = ""
    outcome: str = "ok"
    detail: str = ""
    console: str = ""               # everything QEMU's serial port gave us
    qemu_stderr: str = ""
    qemu_version: str = "?"
    returncode: Optional[int] = None
    powered_off: bool = False
    boot_s: Optional[float] = None  # QEMU start to /init's first line
    done_s: Optional[float] = None  # QEMU start to /init's last line
    total_s: float = 0.0
    log: guestlog.GuestLog = field(default_factory=guestlog.GuestLog)

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    def tail(self, lines: int = 25) -> List[str]:
        body = self.console.replace("\r", "").rstrip("\n").split("\n") if self.console else []
        return body[-lines:]

    def problems(self) -> List[str]:
        """Oopses, BUGs and warnings the kernel printed even under `quiet`."""
        return [line for line in self.log.kernel if OOPS.search(line)]


# An unpacked QEMU (fixtures/kernels/fetch-qemu) instead of the one on PATH
QEMU_DIR_ENV = "VDSOCONF_QEMU_DIR"


def fetched_qemu_dir() -> Optional[Path]:
    """Where fixtures/kernels/fetch-qemu unpacks QEMU (its cache, as
    fixtures/kernels/apt.sh places it), if it did."""
    cache = os.environ.get("VDSOCONF_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "vdsoconf")
    path = Path(cache) / "qemu"
    return path if (path / "usr" / "bin").is_dir() else None


def qemu_binary(arch: str) -> Optional[str]:
    # Debian 12's own QEMU 7.2 has no loongarch64 CPU Debian's kernel runs
    # on and crashes 6.12 under TCG at random: once fetched, QEMU 10 is
    # used without VDSOCONF_QEMU_DIR too, as the make targets use it
    unpacked = os.environ.get(QEMU_DIR_ENV) or fetched_qemu_dir()
    if unpacked:
        path = Path(unpacked) / "usr" / "bin" / MACHINES[arch].qemu
        return str(path) if os.access(path, os.X_OK) else None
    return shutil.which(MACHINES[arch].qemu)


@functools.lru_cache(maxsize=None)
def version(binary: str) -> str:
    """"QEMU emulator version 7.2.22 (Debian ...)" -> "7.2.22"."""
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True,
                             timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    m = re.search(r"version (\S+)", out)
    return m.group(1) if m else "?"


def firmware() -> List[str]:
    """An unpacked QEMU still looks for its firmware under /usr/share."""
    unpacked = os.environ.get(QEMU_DIR_ENV)
    if not unpacked:
        return []
    share = Path(unpacked) / "usr" / "share"
    return ["-L", str(share / "qemu"), "-L", str(share / "seabios")]


def command(kernel: Path, initrd: Path, arch: str, smp: int, case_timeout: float,
            append: str = "", memory: str = "512M") -> List[str]:
    m = MACHINES[arch]
    cmdline = " ".join(filter(None, [
        f"console={m.console}", "panic=-1", "quiet",
        # kernel lines get a timestamp, which is how guestlog tells them apart
        "printk.time=1", "rdinit=/init", f"vdsoconf.timeout={int(case_timeout + 0.999)}",
        m.append, append.strip()]))
    smp = min(smp, m.max_smp) if m.max_smp else smp
    return [qemu_binary(arch) or m.qemu, "-accel", "tcg", *m.args, *firmware(), "-smp", str(smp), "-m", memory,
            "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio",
            "-no-reboot", "-kernel", str(kernel), "-initrd", str(initrd), "-append", cmdline]


def bootable(kernel: Path, arch: str, workdir: Path) -> Path:
    """The file to give QEMU's -kernel: the image itself, or the kernel an
    EFI zboot image wraps, written to workdir once (and again when the image
    is newer); raises ValueError if it cannot be unwrapped."""
    if not MACHINES[arch].unwrap or not kimage.is_zboot(kimage.head(kernel)):
        return kernel
    out = workdir / f"{kernel.name}.unwrapped"
    try:
        if out.stat().st_size and out.stat().st_mtime >= kernel.stat().st_mtime:
            return out
    except OSError:
        pass
    payload = kimage.zboot_payload(kernel)
    if payload is None:
        raise ValueError(f"the EFI zboot image {kernel} does not unwrap (a zstd payload "
                         "needs the zstd program)")
    workdir.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".part")
    tmp.write_bytes(payload)
    tmp.replace(out)
    return out


def boot(kernel: Path, initrd: Path, arch: str, *, smp: int = 2, boot_timeout: float = 120.0,
         case_timeout: float = 60.0, append: str = "", console_log: Optional[Path] = None,
         progress=None) -> Boot:
    """Run the guest to its end; never raises for anything the guest does.

    progress(log) is called with the GuestLog read so far whenever /init
    starts, or a case begins or ends, for a display of the run."""
    try:
        image = bootable(kernel, arch, initrd.parent)
    except ValueError as e:
        return Boot(kernel=str(kernel), arch=arch, outcome="qemu error",
                    detail=f"QEMU could not boot {kernel}: {e}")
    argv = command(image, initrd, arch, smp, case_timeout, append)
    b = Boot(kernel=str(kernel), arch=arch, argv=argv, cmdline=argv[-1])
    if qemu_binary(arch) is None:
        where = os.environ.get(QEMU_DIR_ENV)
        b.outcome = "qemu error"
        b.detail = (f"{MACHINES[arch].qemu} not found " +
                    (f"in {QEMU_DIR_ENV}={where}" if where else "(./install-deps qemu)"))
        return b
    b.qemu_version = version(argv[0])
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    raw, err = bytearray(), bytearray()
    sink = open(console_log, "wb") if console_log else None
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    sel.register(proc.stderr, selectors.EVENT_READ)
    last_progress, seen = start, 0
    stall = case_timeout + STALL_MARGIN_S
    try:
        while sel.get_map():
            now = time.monotonic()
            if b.log.done:
                limit = last_progress + POWEROFF_WAIT_S
            elif b.log.hello is None:
                limit = start + boot_timeout
            else:
                limit = last_progress + stall
            if now >= limit:
                _stop(proc)
                _timed_out(b, now - start, boot_timeout, stall, bool(raw))
                break
            for key, _ in sel.select(timeout=min(0.5, limit - now)):
                chunk = os.read(key.fileobj.fileno(), 65536)
                if not chunk:
                    sel.unregister(key.fileobj)
                    continue
                if key.fileobj is proc.stderr:
                    err += chunk
                    continue
                raw += chunk
                if sink:
                    sink.write(chunk)
                    sink.flush()
            if len(raw) != seen:
                seen = len(raw)
                log = guestlog.parse(raw.decode("utf-8", "replace"))
                if (log.hello, len(log.cases), log.running, log.done) != \
                        (b.log.hello, len(b.log.cases), b.log.running, b.log.done):
                    last_progress = time.monotonic()
                    if log.hello and b.boot_s is None:
                        b.boot_s = last_progress - start
                    if log.done and b.done_s is None:
                        b.done_s = last_progress - start
                if progress and (log.hello is None, log.running, len(log.cases)) != \
                        (b.log.hello is None, b.log.running, len(b.log.cases)):
                    progress(log)
                b.log = log
        b.returncode = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        _stop(proc)
        b.returncode = proc.wait()
    finally:
        sel.close()
        if sink:
            sink.close()
        if proc.poll() is None:
            _stop(proc)
            proc.wait()
    b.total_s = time.monotonic() - start
    b.console = raw.decode("utf-8", "replace")
    b.qemu_stderr = err.decode("utf-8", "replace")
    b.log = guestlog.parse(b.console)
    if b.outcome == "ok":
        _judge_exit(b)
    return b


def _stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _timed_out(b: Boot, elapsed: float, boot_timeout: float, stall: float, any_output: bool):
    if b.log.done:
        # every result is in; the machine just would not switch off
        b.detail = f"the guest did not power off within {POWEROFF_WAIT_S:g} s; QEMU was killed"
    elif b.log.hello is None and not any_output:
        b.outcome = "no output"
        b.detail = (f"no output within {boot_timeout:g} s: the kernel printed nothing on "
                    f"{MACHINES[b.arch].console} (wrong architecture or console, no serial "
                    "driver built in, or it hung before the console came up)")
    elif b.log.hello is None:
        b.outcome = "boot timeout"
        b.detail = (f"boot timeout: /init did not start within {boot_timeout:g} s "
                    "(the console tail shows how far the kernel got)")
    else:
        b.outcome = "hang"
        where = f"while running case {b.log.running}" if b.log.running else "between cases"
        b.detail = (f"the guest stopped reporting {where}: nothing for {stall:g} s "
                    f"(case timeout + {STALL_MARGIN_S:g} s); QEMU was killed after {elapsed:.0f} s")


def _judge_exit(b: Boot) -> None:
    panic = next((m for m in map(PANIC.search, b.console.split("\n")) if m), None)
    b.powered_off = b.log.done and b.returncode == 0 and panic is None
    if panic:
        where = f" while running case {b.log.running}" if b.log.running else (
            " after the last case" if b.log.done else
            " before /init started" if b.log.hello is None else " between cases")
        b.outcome = "kernel panic"
        b.detail = f"kernel panic{where}: {panic.group(1).strip()}"
        if b.log.done and "Attempted to kill init" in panic.group(1):
            # /init returned after reboot() failed: the results are whole
            b.outcome, b.detail = "ok", "the guest did not power off (reboot() failed; init exited)"
        return
    if b.log.done:
        return
    first = next((line for line in b.qemu_stderr.splitlines() if line.strip()), "")
    if b.log.hello is None and not b.console.strip() and b.returncode not in (0, None):
        b.outcome = "qemu error"
        b.detail = f"QEMU could not boot {b.kernel}: {first or f'exit status {b.returncode}'}"
    else:
        b.outcome = "exited"
        where = f"while running case {b.log.running}" if b.log.running else (
            "before /init started" if b.log.hello is None else "between cases")
        b.detail = (f"QEMU exited (status {b.returncode}) {where}, without a kernel panic"
                    + (f": {first}" if first else ""))

