"""What a kernel image file says about itself before it is booted: its
architecture (to choose the QEMU) and its release (to name its column in
a matrix even when it never boots)."""

import re
import zlib
from pathlib import Path
from typing import Optional

_BANNER = re.compile(rb"Linux version (\S+)")


def _head(image: Path, size: int) -> bytes:
    try:
        with open(image, "rb") as f:
            data = f.read(size)
    except OSError:
        return b""
    if data[:2] == b"\x1f\x8b":
        try:
            data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, size)
        except zlib.error:
            return b""
    return data


def arch(image: Path) -> Optional[str]:
    """x86 bzImage, arm64 Image (also gzip-compressed or EFI zboot), ELF vmlinux."""
    head = _head(image, 4096)
    if head[0x202:0x206] == b"HdrS":
        return "x86_64"
    if head[0x38:0x3c] == b"ARM\x64":
        return "aarch64"
    if head[:2] == b"MZ" and head[4:8] == b"zimg":
        return "aarch64"
    if head[:4] == b"\x7fELF" and len(head) > 20 and head[5] == 1:
        return {62: "x86_64", 183: "aarch64"}.get(int.from_bytes(head[18:20], "little"))
    return None


def release(image: Path) -> Optional[str]:
    """The release string (`uname -r` to be) the image carries, if it is readable."""
    head = _head(image, 1024)
    if head[0x202:0x206] == b"HdrS":
        # boot protocol: kernel_version is an offset from 0x200 to a C string
        offset = int.from_bytes(head[0x20e:0x210], "little") + 0x200
        data = _head(image, offset + 256)[offset:]
        text = data.split(b"\0", 1)[0].split(b" ", 1)[0]
        return text.decode("ascii", "replace") or None
    try:
        # an uncompressed arm64 Image carries the banner as plain text
        with open(image, "rb") as f:
            m = _BANNER.search(f.read(64 << 20))
    except OSError:
        return None
    return m.group(1).decode("ascii", "replace") if m else None
