"""What a kernel image file says about itself before it is booted: its
architecture (to choose the QEMU, as qemu-system-ARCH names it) and its
release (to name its column in a matrix even when it never boots); and,
for an EFI zboot image, the kernel inside it (QEMU's loongarch64 loader
takes no zboot).

Every architecture's boot format marks itself near the start of the file;
where it does not say the release in plain text, the release is read from
the "Linux version" banner of the compressed kernel inside.
"""

import functools
import lzma
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Optional

# (a digit first: the s390 decompressor holds "Linux version %s" as a format)
_BANNER = re.compile(rb"Linux version (\d\S*)")
# UTS_RELEASE " (" LINUX_COMPILE_BY "@" LINUX_COMPILE_HOST ") #": the
# s390 boot loader carries only this string, not the banner
_VERSION = re.compile(rb"(\d+\.\d+[\w.+~-]*) \([\w.+-]+@[\w.+-]+\) #\d")
SCAN = 64 << 20              # how much of an image (or its payload) is read

# ELF e_machine -> QEMU architecture, by ELF class and byte order
_ELF = {
    (2, 1, 62): "x86_64", (1, 1, 3): "i386", (2, 1, 183): "aarch64", (1, 1, 40): "arm",
    (2, 1, 21): "ppc64", (2, 2, 21): "ppc64", (2, 2, 22): "s390x", (2, 1, 243): "riscv64",
    (2, 1, 8): "mips64el", (2, 1, 258): "loongarch64",
}
# PE/COFF machine of an EFI stub or zboot image -> QEMU architecture
_PE = {0x8664: "x86_64", 0x14c: "i386", 0xaa64: "aarch64", 0x1c2: "arm",
       0x5064: "riscv64", 0x6264: "loongarch64"}
ZIMAGE_MAGIC = 0x016F2818    # arch/arm/boot/compressed/head.S, at 0x24
# arch/s390/boot/ipl_parm: the IPL PSW and the two CCWs that start a raw image
S390_IPL = bytes.fromhex("0200001860000050020000686000005040404040")
XLF_KERNEL_64 = 1            # x86 boot protocol 2.12 xloadflags


def head(image: Path, size: int = 4096) -> bytes:
    """The first bytes of an image (of what it holds, if it is gzip'd)."""
    return _head(image, size)


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


def _u16(data: bytes, at: int) -> Optional[int]:
    return struct.unpack_from("<H", data, at)[0] if len(data) >= at + 2 else None


def _u32(data: bytes, at: int) -> Optional[int]:
    return struct.unpack_from("<I", data, at)[0] if len(data) >= at + 4 else None


def _pe_machine(head: bytes) -> Optional[int]:
    pe = _u32(head, 0x3c)
    if pe is None or head[pe:pe + 4] != b"PE\0\0":
        return None
    return _u16(head, pe + 4)


def is_zboot(head: bytes) -> bool:
    return head[:2] == b"MZ" and head[4:8] == b"zimg"


def arch(image: Path) -> Optional[str]:
    """x86 bzImage (i386 or x86_64), ARM zImage, arm64 and RISC-V Image,
    raw s390 image, EFI zboot or PE, ELF vmlinux; None for anything else."""
    head = _head(image, 4096)
    if head[0x202:0x206] == b"HdrS":
        version = _u16(head, 0x206) or 0
        if version >= 0x20c and len(head) > 0x236:
            return "x86_64" if head[0x236] & XLF_KERNEL_64 else "i386"
        return _PE.get(_pe_machine(head) or 0, "x86_64")
    if _u32(head, 0x24) == ZIMAGE_MAGIC:
        return "arm"
    if head[0x38:0x3c] == b"ARM\x64":
        return "aarch64"
    if head[0x30:0x38] == b"RISCV\0\0\0" or head[0x38:0x3c] == b"RSC\x05":
        return "riscv64"
    if head[8:28] == S390_IPL:
        return "s390x"
    if head[:2] == b"MZ":
        machine = _pe_machine(head)
        if machine in _PE:
            return _PE[machine]
        # an arm64 zboot of a kernel older than its PE header
        return "aarch64" if is_zboot(head) else None
    if head[:4] == b"\x7fELF" and len(head) > 20 and head[4] in (1, 2) and head[5] in (1, 2):
        order = "<" if head[5] == 1 else ">"
        machine = struct.unpack_from(order + "H", head, 18)[0]
        return _ELF.get((head[4], head[5], machine))
    return None


def zboot_payload(image: Path) -> Optional[bytes]:
    """The kernel an EFI zboot image wraps (drivers/firmware/efi/libstub/
    zboot-header.S: payload offset and size at 8 and 12, the compression
    named at 0x18), decompressed; None if it is no zboot image or the
    payload does not decompress (zstd needs the zstd program)."""
    try:
        with open(image, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if not is_zboot(data) or len(data) < 0x20:
        return None
    offset, size = struct.unpack_from("<II", data, 8)
    if offset + size > len(data):
        return None
    payload = data[offset:offset + size]
    method = data[0x18:0x20].split(b"\0", 1)[0]
    try:
        if method == b"gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(payload)
        if method in (b"xzkern", b"xz", b"lzma"):
            return lzma.decompress(payload)
        if method == b"zstd22" or method == b"zstd":
            if not shutil.which("zstd"):
                return None
            r = subprocess.run(["zstd", "-dcq"], input=payload, capture_output=True,
                               timeout=120)
            return r.stdout if r.returncode == 0 and r.stdout else None
    except (zlib.error, lzma.LZMAError, OSError, subprocess.TimeoutExpired):
        return None
    return None


def _banner(data: bytes) -> Optional[str]:
    m = _BANNER.search(data) or _VERSION.search(data)
    return m.group(1).decode("ascii", "replace") if m else None


def _embedded(data: bytes) -> Optional[str]:
    """The banner of a kernel compressed inside a self-decompressing image
    (ARM zImage, MIPS vmlinuz): try each xz or gzip stream start in turn;
    the decompressor's own copies of the magic fail at once."""
    for magic in (b"\xfd7zXZ\0", b"\x1f\x8b\x08"):
        at = data.find(magic)
        for _ in range(16):
            if at < 0:
                break
            try:
                if magic[0] == 0xfd:
                    out = lzma.LZMADecompressor(lzma.FORMAT_XZ).decompress(data[at:], SCAN)
                else:
                    out = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[at:], SCAN)
                found = _banner(out)
                if found:
                    return found
            except (lzma.LZMAError, zlib.error):
                pass
            at = data.find(magic, at + 1)
    return None


def release(image: Path) -> Optional[str]:
    """The release string (`uname -r` to be) the image carries, if it is readable."""
    try:
        st = Path(image).stat()
    except OSError:
        return None
    # a compressed kernel takes a second or two to read: once per file version
    return _release(str(image), st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _release(path: str, _size: int, _mtime: int) -> Optional[str]:
    image = Path(path)
    head = _head(image, 1024)
    if head[0x202:0x206] == b"HdrS":
        # boot protocol: kernel_version is an offset from 0x200 to a C string
        offset = int.from_bytes(head[0x20e:0x210], "little") + 0x200
        data = _head(image, offset + 256)[offset:]
        text = data.split(b"\0", 1)[0].split(b" ", 1)[0]
        return text.decode("ascii", "replace") or None
    if is_zboot(head):
        payload = zboot_payload(image)
        return _banner(payload) if payload else None
    data = _head(image, SCAN)
    return _banner(data) or _embedded(data)
