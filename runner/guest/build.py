"""The guest's programs: /init and the cases, static, for one architecture.

The initramfs has no libc, so they are built apart from the host's cases
(the Makefile's guest-ARCH target) into build/static-ARCH.
"""

import subprocess
from pathlib import Path

from runner.paths import BUILD, REPO


def static_build(arch: str) -> Path:
    """make the static cases and /init for arch; returns the build directory."""
    r = subprocess.run(["make", "-s", "-C", str(REPO), f"guest-{arch}"],
                       capture_output=True, text=True)
    if r.returncode:
        tail = "\n".join((r.stdout + r.stderr).strip().splitlines()[-15:])
        hint = " (./install-deps qemu installs the cross compiler)" if arch != "x86_64" else ""
        raise RuntimeError(f"building the static {arch} cases failed (make guest-{arch}){hint}:"
                           f"\n{tail}")
    return BUILD / f"static-{arch}"
