"""Which test points nothing trips: the live run's points against the points
the fakes and the library mutants declare.

A point is covered when a fake's `expect:` line or a mutant's list names a
point of the same family.  A family is the point's name with one detail
abstracted where the case runs the very same check code for every value
of that detail, so that one value failing proves the code can fail:

  symbol names    symbols.bind.__vdso_time, symbols.bind.time, ...: the
                  case loops over the names with one check
  version names   versions.vd_hash.LINUX_2.6, symbols.verdef.LINUX_2.5
  named clocks    by the path the vDSO takes for them (clock.h's flags):
                  <hres> (read from the clocksource), <coarse> (the last
                  tick's time), <syscall> (passed to the kernel: the CPU
                  clocks, and the alarm clocks where an RTC with alarms
                  makes them valid) and, in the points of rejected ids
                  (*.einval.*), <rejected> (the alarm clocks without such
                  an RTC, and the removed SGI clock); a bug in one path can
                  hide from the others, so each path needs its own fake
  CPU numbers     getcpu.cpu.0, getcpu.node.1: the CPU pinned to

Everything else is its own family: an invalid clock id (-1 and INT_MIN
probe the sign of the range check, 12 and 16 its upper end), a getrandom
length or flag combination, a time-namespace offset, a faulting pointer.
A point with subtests is covered through its children.
"""

import re
from typing import Dict, Iterable, List, Set

HRES = {"CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_MONOTONIC_RAW", "CLOCK_BOOTTIME", "CLOCK_TAI"}
COARSE = {"CLOCK_REALTIME_COARSE", "CLOCK_MONOTONIC_COARSE"}
CPUTIME = {"CLOCK_PROCESS_CPUTIME_ID", "CLOCK_THREAD_CPUTIME_ID", "process_cpuclock", "thread_cpuclock"}
# valid or not by the machine (an RTC with alarm support), so a point of
# theirs is a rejected id's on one machine and a served clock's on another
ALARM = {"CLOCK_REALTIME_ALARM", "CLOCK_BOOTTIME_ALARM"}
CLOCK_CLASS = {**{c: "<hres>" for c in HRES}, **{c: "<coarse>" for c in COARSE},
               **{c: "<syscall>" for c in CPUTIME | ALARM}, "CLOCK_SGI_CYCLE": "<rejected>"}

# areas whose last part names a symbol (a hidden one as NAME@VERSION)
_SYMBOL_LAST = re.compile(r"^(symbols\.(?!soname$|verdef\.)\w+|versions\.(?!vd_hash\.|defined\.)\w+|"
                          r"pc\.symbol|pc\.sample)\.[\w@.]+$")
# areas whose last part names a version definition
_VERSION_LAST = re.compile(r"^(versions\.vd_hash|versions\.defined|symbols\.verdef)\.[\w.-]+$")
_CPU_LAST = re.compile(r"^(getcpu\.(?:cpu|node))\.\d+$")


def family(point: str) -> str:
    """The family a point belongs to (see the module's comment)."""
    m = _VERSION_LAST.match(point)
    if m:
        return m.group(1) + ".<version>"
    m = _SYMBOL_LAST.match(point)
    if m:
        return m.group(1) + ".<symbol>"
    m = _CPU_LAST.match(point)
    if m:
        return m.group(1) + ".<n>"
    parts = point.split(".")
    rejected = "einval" in parts
    return ".".join("<rejected>" if rejected and part in ALARM else CLOCK_CLASS.get(part, part)
                    for part in parts)


def uncovered(printed: Dict[str, Set[str]], parents: Iterable[str], tripping: Iterable[str]) -> List[str]:
    """The points of printed ({point: statuses seen}) whose family nothing
    in tripping names, one per family, sorted.  Points that only ever
    skipped checked nothing on this machine and are not asked for, nor
    are the '<case>.run' pseudo points of a run that went wrong; a parent
    counts as covered when any child is."""
    covered = {family(p) for p in tripping}
    parents = set(parents)
    out: Dict[str, str] = {}
    for point, statuses in sorted(printed.items()):
        if statuses <= {"skip"} or point.endswith(".run"):
            continue
        if point in parents:
            kids = [p for p in printed if p.startswith(point + ".")]
            if any(family(k) in covered for k in kids):
                continue
        f = family(point)
        if f not in covered:
            out.setdefault(f, point)
    return sorted(out.values())
