"""The guest's initramfs: a cpio "newc" archive, written here.

Written by hand rather than with cpio(1) so that device nodes need no root
and no mknod on the host, and the archive does not depend on what the
build directory holds besides the files named (format: the kernel's
Documentation/driver-api/early-userspace/buffer-format.rst).
"""

import os
import stat
from pathlib import Path
from typing import BinaryIO, Dict, Iterable, Tuple

TRAILER = "TRAILER!!!"
# /dev/console (5, 1): the kernel opens it for init's stdin/stdout/stderr
# before any devtmpfs can be mounted
CONSOLE = ("dev/console", stat.S_IFCHR | 0o600, (5, 1))


class _Writer:
    def __init__(self, out: BinaryIO):
        self.out = out
        self.ino = 0

    def entry(self, name: str, mode: int, data: bytes = b"", rdev: Tuple[int, int] = (0, 0)):
        self.ino += 1
        raw = name.encode() + b"\0"
        fields = (self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(raw), 0)
        head = b"070701" + b"".join(b"%08X" % f for f in fields)
        self.out.write(head + raw + _pad(len(head) + len(raw)))
        self.out.write(data + _pad(len(data)))


def _pad(n: int) -> bytes:
    return b"\0" * (-n % 4)


def write(path: Path, init: Path, cases: Iterable[Path], extra_dirs=("proc", "sys", "tmp")) -> Dict[str, int]:
    """/init and /cases/<name> for each case; returns {member: size}."""
    files = [("init", Path(init).read_bytes(), 0o755)]
    files += [(f"cases/{c.name}", Path(c).read_bytes(), 0o755) for c in cases]
    return write_tree(path, ("dev", "cases", *extra_dirs), files)


def write_tree(path: Path, dirs: Iterable[str], files: Iterable[Tuple[str, bytes, int]]) -> Dict[str, int]:
    """dirs (parents first), /dev/console, then each (member, data, mode)
    as a regular file; returns {member: size}."""
    sizes: Dict[str, int] = {}
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        w = _Writer(f)
        for d in dirs:
            w.entry(d, stat.S_IFDIR | 0o755)
        name, mode, rdev = CONSOLE
        w.entry(name, mode, rdev=rdev)
        for member, data, perm in files:
            w.entry(member, stat.S_IFREG | perm, data)
            sizes[member] = len(data)
        w.entry(TRAILER, 0)
    os.replace(tmp, path)
    return sizes
