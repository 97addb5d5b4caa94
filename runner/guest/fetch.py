"""Kernels by name: what fixtures/kernels/fetch can download, and the download."""

import re
import subprocess
from pathlib import Path
from typing import List

from runner.paths import REPO

FETCH = REPO / "fixtures" / "kernels" / "fetch"


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
