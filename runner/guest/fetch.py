"""Kernels by name: fixtures/kernels/fetch says which names it can download
(`--check`, offline), downloads them once (`NAME ARCH PATH` on stdout) and
describes a cached image (`--info`: package, version, archive, sha256)."""

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional

from runner.paths import REPO, need_source

FETCH = REPO / "fixtures" / "kernels" / "fetch"
NAMES = "SUITE-ARCH[-FLAVOUR], e.g. sid-arm64, experimental-s390x, bookworm-i386"


@dataclass
class Kernel:
    path: Path
    arch: Optional[str] = None              # QEMU's name, when the fetcher knows it
    info: Dict[str, str] = field(default_factory=dict)   # package, version, archive, ...


def _fetch(*args: str) -> subprocess.CompletedProcess:
    need_source("fetching a Debian kernel")
    return subprocess.run([str(FETCH), *args], capture_output=True, text=True)


def qemu_arch(name: str) -> Optional[str]:
    """The QEMU architecture of a fetchable name; None if it is not one."""
    r = _fetch("--check", name)
    fields = r.stdout.split()
    return fields[1] if r.returncode == 0 and len(fields) > 1 else None


def info(image: Path) -> Dict[str, str]:
    """What the fetcher recorded of a cached image ({} for any other file)."""
    r = _fetch("--info", str(image))
    if r.returncode:
        return {}
    return dict(line.split("=", 1) for line in r.stdout.splitlines() if "=" in line)


def resolve(spec: str, progress=None) -> Kernel:
    """A file, or a name fixtures/kernels/fetch downloads (once).  A spec
    that is neither comes back as a path that does not exist.  progress:
    anything with the start(), step() and done() of
    runner/report/progress.py, shown while the fetcher runs (a download
    can take minutes, a cached kernel a moment)."""
    path = Path(spec).expanduser()
    if path.exists():
        return Kernel(path, info=info(path))
    arch = qemu_arch(spec)
    if arch is None:
        return Kernel(path)
    if progress:
        progress.start(1, f"fetching {spec}")
    try:
        r = _fetch(spec)
        if progress and not r.returncode:
            progress.step()
    finally:
        if progress:
            progress.done()
    if r.returncode:
        raise RuntimeError(f"cannot fetch kernel '{spec}': "
                           + (r.stderr.strip().splitlines() or ["fetch failed"])[-1])
    image = Path(r.stdout.split()[-1])
    return Kernel(image, arch, info(image))

