"""A fake vDSO target, checked once before any case runs: a readable ELF
shared object of an ABI the cases are built for.  Every case would
otherwise bail out on its own with the same complaint.

ABI names are the ones the build gives case programs, QEMU's names of the
architectures: the machine's own for cases without a suffix, `i386` and
`x32` for NAME-i386 and NAME-x32 on x86_64, `arm` for NAME-arm on aarch64."""

import os
import struct
from typing import Optional

ET_DYN = 3
# (EI_CLASS, e_machine) -> ABI name; ELFCLASS32 = 1, ELFCLASS64 = 2
_ABIS = {
    (2, 62): "x86_64", (1, 62): "x32", (1, 3): "i386",
    (2, 183): "aarch64", (1, 40): "arm",
    (2, 21): "ppc64", (2, 22): "s390x", (2, 8): "mips64", (1, 8): "mips",
    (2, 243): "riscv64", (1, 243): "riscv32", (2, 258): "loongarch64",
}


class TargetError(Exception):
    """Why a file cannot be a target, in one line."""


# `uname -m` where it differs from the ABI name: the 32-bit ARM and x86
# machines name their CPU generation, ppc64 and mips64 their byte order
_MACHINES = {"armv6l": "arm", "armv7l": "arm", "armv8l": "arm", "i486": "i386",
             "i586": "i386", "i686": "i386", "ppc64le": "ppc64", "mips64el": "mips64"}

# the other ABIs whose cases the build makes for a machine, by suffix
COMPAT_ABIS = {"x86_64": ("i386", "x32"), "aarch64": ("arm",)}


def native_abi() -> str:
    m = os.uname().machine
    return _MACHINES.get(m, m)


def abi_of(path: str) -> str:
    """The ABI of a target shared object, or TargetError saying what is wrong."""
    try:
        with open(path, "rb") as f:
            head = f.read(20)
    except OSError as e:
        raise TargetError(f"cannot read it: {e.strerror}") from None
    if head[:4] != b"\x7fELF":
        raise TargetError("not an ELF file")
    if len(head) < 20 or head[4] not in (1, 2) or head[5] not in (1, 2):
        raise TargetError("truncated or unknown ELF identification (class, byte order)")
    order = "<" if head[5] == 1 else ">"
    e_type, e_machine = struct.unpack_from(order + "HH", head, 16)
    if e_type != ET_DYN:
        raise TargetError(f"not a shared object (e_type {e_type}, want ET_DYN)")
    abi = _ABIS.get((head[4], e_machine))
    if abi is None:
        raise TargetError(f"no cases for its ABI (ELF class {32 * head[4]}, e_machine {e_machine})")
    return abi


def case_suffix(abi: str) -> Optional[str]:
    """The suffix of the case programs that can load a target of this ABI
    on this machine: '' for the native ABI, '-i386'/'-x32'/'-arm' for the
    others the build makes, None when no case is built for it here."""
    native = native_abi()
    if abi == native:
        return ""
    return f"-{abi}" if abi in COMPAT_ABIS.get(native, ()) else None
