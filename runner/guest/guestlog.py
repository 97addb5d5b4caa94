"""Read what the guest's /init (runner/guest/init.c) printed on the console.

The console carries the kernel's messages too, interleaved with ours and
even inside our lines (printk writes to the UART between two characters of
a tty write).  `printk.time=1` puts "[    1.234567] " in front of every
kernel line, so such a line is cut out wherever it sits and the two halves
of ours join again; then only tagged lines count.

Output of the firmware or of the kernel's earliest console has no
timestamp and need not end its line (pseries' prom_init leaves "#1 SMP
PREEMPT D" hanging), so /init's first line can follow it on the same
line: a marker counts wherever it starts in a line that is not a case's
output (those begin with a tag, ':' or '!').
"""

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from runner.core.caserun import CaseRun, signal_name

KERNEL_LINE = re.compile(r"\[ *\d+\.\d{6}\][^\n]*\n")
HELLO = "vdsoconf-guest "
BEGIN = "vdsoconf-case-begin "
END = "vdsoconf-case-end "
DONE = "vdsoconf-done "
MARKERS = (HELLO, BEGIN, END, DONE)


@dataclass
class GuestLog:
    hello: Optional[Dict[str, str]] = None       # release, machine, cpus, clocksource, vdso
    cases: List[CaseRun] = field(default_factory=list)
    running: Optional[str] = None                # begun, never ended
    done: bool = False
    kernel: List[str] = field(default_factory=list)   # the kernel's own lines


def clean(text: str) -> str:
    """The transcript without carriage returns and without kernel lines."""
    text = text.replace("\r\n", "\n").replace("\r", "")
    return KERNEL_LINE.sub("", text)


def parse(text: str, guest_dir: str = "/cases") -> GuestLog:
    log = GuestLog()
    text = text.replace("\r\n", "\n").replace("\r", "")
    log.kernel = [m.group(0).rstrip("\n") for m in KERNEL_LINE.finditer(text)]
    out: List[str] = []
    err: List[str] = []
    for line in KERNEL_LINE.sub("", text).split("\n"):
        line = _from_marker(line)
        if line.startswith(HELLO):
            log.hello = _fields(line[len(HELLO):])
        elif line.startswith(BEGIN):
            log.running = line[len(BEGIN):].strip()
            out, err = [], []
        elif line.startswith(END) and log.running:
            name, _, rest = line[len(END):].partition(" ")
            log.cases.append(_ended(name, f"{guest_dir}/{name}", out, err, _fields(rest)))
            log.running = None
        elif line.startswith(DONE):
            log.done = True
        elif log.running and line[:1] == ":":
            out.append(line[1:])
        elif log.running and line[:1] == "!":
            err.append(line[1:])
    if log.running:
        # the kernel died under it: what it printed so far is all there is
        run = CaseRun(name=log.running, path=f"{guest_dir}/{log.running}")
        run.stdout, run.stderr = _join(out), _join(err)
        log.cases.append(run)
    return log


def _from_marker(line: str) -> str:
    """line from its first marker on, unless it is a case's output."""
    if line[:1] in (":", "!"):
        return line
    at = [i for i in (line.find(m) for m in MARKERS) if i > 0]
    return line[min(at):] if at else line


def _ended(name: str, path: str, out: List[str], err: List[str], f: Dict[str, str]) -> CaseRun:
    run = CaseRun(name=name, path=path, stdout=_join(out), stderr=_join(err))
    run.duration_s = _int(f.get("ms")) / 1000.0
    errno_ = _int(f.get("errno"))
    if errno_:
        # judged by whoever knows the program's ABI (suite.py), by the same
        # rule as a local run's
        run.exec_errno = errno_
    elif f.get("timeout") == "1":
        run.timed_out = True
    elif _int(f.get("signal")):
        run.signal = signal_name(_int(f.get("signal")))
    else:
        run.exit_code = _int(f.get("exit"))
    return run


def _fields(text: str) -> Dict[str, str]:
    return dict(w.split("=", 1) for w in text.split() if "=" in w)


def _int(text: Optional[str]) -> int:
    try:
        return int(text or "0")
    except ValueError:
        return 0


def _join(lines: List[str]) -> str:
    return "".join(line + "\n" for line in lines)
