"""The guest's programs: /init and the cases, static, for one architecture.

The initramfs has no libc, so they are built apart from the host's cases
(the Makefile's guest-ARCH target) into build/static-ARCH.
"""

import subprocess
from pathlib import Path

from runner.paths import BUILD, REPO, need_source

# the architectures the Makefile has a guest-ARCH target for
GUEST_ARCHES = ("x86_64", "aarch64")


def static_build(arch: str) -> Path:
    """make the static cases and /init for arch; returns the build directory."""
    need_source("booting a kernel with the suite")
    if arch not in GUEST_ARCHES:
        raise RuntimeError(f"no guest build for {arch} kernels yet: the suite boots "
                           f"{' and '.join(GUEST_ARCHES)} guests")
    r = subprocess.run(["make", "-s", "-C", str(REPO), f"guest-{arch}"],
                       capture_output=True, text=True)
    if r.returncode:
        tail = "\n".join((r.stdout + r.stderr).strip().splitlines()[-15:])
        hint = " (./install-deps qemu installs the cross compiler)" if arch != "x86_64" else ""
        raise RuntimeError(f"building the static {arch} cases failed (make guest-{arch}){hint}:"
                           f"\n{tail}")
    return BUILD / f"static-{arch}"
