"""The guest's programs: /init and the cases, static, for one architecture.

The initramfs has no libc, so they are built apart from the host's cases
(the Makefile's guest-ARCH target) into build/static-ARCH.
"""

import fcntl
import subprocess
from pathlib import Path

from runner.paths import BUILD, REPO, need_source

# the architectures the Makefile has a guest-ARCH target for, by QEMU's
# names (qemu-system-ARCH; ppc64 is the little-endian ppc64el)
GUEST_ARCHES = ("x86_64", "aarch64", "arm", "i386", "ppc64", "s390x", "riscv64", "mips64el",
                "loongarch64")

# what supplies each one's cross compiler (Debian packages)
_COMPILER = {
    "aarch64": "gcc-aarch64-linux-gnu, libc6-dev-arm64-cross",
    "arm": "gcc-arm-linux-gnueabihf, libc6-dev-armhf-cross",
    "i386": "gcc-i686-linux-gnu, libc6-dev-i386-cross",
    "ppc64": "gcc-powerpc64le-linux-gnu, libc6-dev-ppc64el-cross",
    "s390x": "gcc-s390x-linux-gnu, libc6-dev-s390x-cross",
    "riscv64": "gcc-riscv64-linux-gnu, libc6-dev-riscv64-cross",
    "mips64el": "gcc-mips64el-linux-gnuabi64, libc6-dev-mips64el-cross",
    "loongarch64": "a trixie chroot made by fixtures/cross/loong64-chroot (root, debootstrap, network)",
}


def static_build(arch: str) -> Path:
    """make the static cases and /init for arch; returns the build directory."""
    need_source("booting a kernel with the suite")
    if arch not in GUEST_ARCHES:
        raise RuntimeError(f"no guest build for {arch} kernels: the suite builds for "
                           f"{', '.join(GUEST_ARCHES)} guests")
    # one guest build at a time: the matrix boots guests in parallel, and
    # two makes of the same files (the same architecture, or the 32-bit ARM
    # cases both arm and aarch64 guests carry) race, one linking a case the
    # other is still writing
    BUILD.mkdir(parents=True, exist_ok=True)
    with open(BUILD / ".guest-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        r = subprocess.run(["make", "-s", "-C", str(REPO), f"guest-{arch}"],
                           capture_output=True, text=True)
    if r.returncode:
        tail = "\n".join((r.stdout + r.stderr).strip().splitlines()[-15:])
        hint = f" (the cross compiler: {_COMPILER[arch]})" if arch in _COMPILER else ""
        raise RuntimeError(f"building the static {arch} cases failed (make guest-{arch}){hint}:"
                           f"\n{tail}")
    return BUILD / f"static-{arch}"
