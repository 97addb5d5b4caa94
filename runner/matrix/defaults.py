"""The default matrix: the newest kernel of bookworm, trixie, sid and
experimental for every architecture the suite can boot, as
fixtures/kernels/fetch --list names them (that reads the archive's lists;
a suite with no kernel for an architecture has no cell there)."""

import subprocess
from typing import Iterable, List, Optional

from runner.guest.build import GUEST_ARCHES
from runner.guest.fetch import FETCH

SUITES = ("bookworm", "trixie", "sid", "experimental")

# The newest kernel of each architecture, by QEMU's name: sid's, and
# bookworm's where Debian builds no later one (i386 and mips64el ended with
# Debian 12).  `make test-kernels` boots these (the Makefile's KERNELS).
NEWEST = {"x86_64": "sid-amd64", "aarch64": "sid-arm64", "arm": "sid-armhf",
          "i386": "bookworm-i386", "ppc64": "sid-ppc64el", "s390x": "sid-s390x",
          "riscv64": "sid-riscv64", "loongarch64": "sid-loong64",
          "mips64el": "bookworm-mips64el"}


def parse_list(text: str, arches: Optional[Iterable[str]] = None) -> List[str]:
    """Names from `fetch --list` lines (NAME ARCH PACKAGE VERSION) whose
    package exists and whose QEMU architecture is bootable (and, if arches
    is given, named in it: QEMU or Debian names)."""
    want = set(arches) if arches else None
    out = []
    for line in text.splitlines():
        f = line.split()
        if len(f) < 4 or f[2] == "-" or f[1] not in GUEST_ARCHES:
            continue
        debarch = f[0].split("-")[-1]
        if want is not None and f[1] not in want and debarch not in want:
            continue
        out.append(f[0])
    return out


def default_kernels(arches: Optional[Iterable[str]] = None) -> List[str]:
    r = subprocess.run([str(FETCH), "--list", *SUITES], capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError("cannot list the default kernels: "
                           + (r.stderr.strip().splitlines() or ["fetch --list failed"])[-1])
    return parse_list(r.stdout, arches)
