"""Each architecture's kernel image format as runner/guest/kimage.py must
recognize it (its architecture, and its release where it can be read), on
small synthetic headers laid out as the kernel's boot code lays them out;
and the EFI zboot image unwrapped for QEMU's loongarch64 loader."""

import gzip
import lzma
import shutil
import struct
import subprocess

import pytest
import runner_helpers  # noqa: F401  (puts the repository on sys.path)

from runner.guest import kimage, qemu

BANNER = b"Linux version %s (debian-kernel@lists.debian.org) #1 SMP Debian\n\0"


def _banner(release: str) -> bytes:
    return BANNER.replace(b"%s", release.encode())


def _bzimage(release: str, x86_64: bool) -> bytes:
    data = bytearray(0x1000)
    data[0x202:0x206] = b"HdrS"
    data[0x206:0x208] = (0x20f).to_bytes(2, "little")      # boot protocol 2.15
    data[0x20e:0x210] = (0x400 - 0x200).to_bytes(2, "little")
    data[0x236] = 0x7f if x86_64 else 0x00                  # xloadflags: XLF_KERNEL_64 ...
    text = release.encode() + b" (debian-kernel@lists.debian.org) #1\0"
    data[0x400:0x400 + len(text)] = text
    return bytes(data)


def _pe(machine: int, head: bytes = b"") -> bytearray:
    data = bytearray(0x200)
    data[:2] = b"MZ"
    data[2:2 + len(head)] = head
    data[0x3c:0x40] = (0x40).to_bytes(4, "little")
    data[0x40:0x44] = b"PE\0\0"
    data[0x44:0x46] = machine.to_bytes(2, "little")
    return data


def _elf(cls: int, order: int, machine: int, body: bytes = b"") -> bytes:
    data = bytearray(0x40)
    data[:4] = b"\x7fELF"
    data[4], data[5], data[6] = cls, order, 1
    data[18:20] = machine.to_bytes(2, "little" if order == 1 else "big")
    return bytes(data) + body


def _zimage(release: str) -> bytes:
    data = bytearray(0x200)
    data[0x24:0x28] = (0x016F2818).to_bytes(4, "little")
    # the decompressor holds the xz magic as a constant before the stream
    decoy = b"\xfd7zXZ\0 not a stream"
    stream = lzma.compress(b"\0" * 4096 + _banner(release), format=lzma.FORMAT_XZ,
                           check=lzma.CHECK_CRC32)
    return bytes(data) + decoy + b"\0" * 13 + stream + b"\0" * 64


def _s390(release: str) -> bytes:
    data = bytearray(0x200)
    data[:8] = bytes.fromhex("0008000080000200")
    data[8:28] = kimage.S390_IPL
    # the decompressor's own format string, then the release it carries
    return (bytes(data) + b"Linux version %s\0" + release.encode()
            + b" (debian-kernel@lists.debian.org) #1 SMP Debian 7.2.13-1\0")


def _riscv(release: str) -> bytes:
    data = bytearray(0x100)
    data[:2] = b"MZ"
    data[0x30:0x38] = b"RISCV\0\0\0"
    data[0x38:0x3c] = b"RSC\x05"
    return bytes(data) + _banner(release)


def _zboot(machine: int, method: bytes, payload: bytes, trailer: bytes = b"") -> bytes:
    data = _pe(machine, b"\0\0zimg")
    data[0x18:0x18 + len(method)] = method
    data[8:16] = struct.pack("<II", len(data), len(payload))
    return bytes(data) + payload + trailer + b"\0" * 16


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


FORMATS = {
    "x86_64": lambda: _bzimage("7.2.13+deb14-cloud-amd64", True),
    "i386": lambda: _bzimage("6.1.0-57-686-pae", False),
    "arm": lambda: _zimage("7.2.13+deb14-armmp"),
    "ppc64": lambda: _elf(2, 1, 21, _banner("7.2.13+deb14-powerpc64le")),
    "s390x": lambda: _s390("7.2.13+deb14-s390x"),
    "riscv64": lambda: _riscv("7.2.13+deb14-riscv64"),
    "mips64el": lambda: _elf(2, 1, 8, b"\x1f\x8b\x08 decoy" + gzip.compress(
        _banner("6.1.0-50-5kc-malta"))),
    "loongarch64": lambda: _zboot(0x6264, b"gzip", gzip.compress(
        bytes(_pe(0x6264)) + _banner("7.2.13+deb14-loong64"))),
}
RELEASES = {"x86_64": "7.2.13+deb14-cloud-amd64", "i386": "6.1.0-57-686-pae",
            "arm": "7.2.13+deb14-armmp", "ppc64": "7.2.13+deb14-powerpc64le",
            "s390x": "7.2.13+deb14-s390x", "riscv64": "7.2.13+deb14-riscv64",
            "mips64el": "6.1.0-50-5kc-malta", "loongarch64": "7.2.13+deb14-loong64"}


@pytest.mark.parametrize("arch", sorted(FORMATS))
def test_each_architecture_and_release(tmp_path, arch):
    image = _write(tmp_path, "vmlinuz", FORMATS[arch]())
    assert kimage.arch(image) == arch
    assert kimage.release(image) == RELEASES[arch]


def test_every_machine_has_a_format():
    # aarch64 is covered by tests/runner/test_qemu_image.py
    assert set(qemu.MACHINES) == set(FORMATS) | {"aarch64"}


def test_pe_and_elf_of_other_machines(tmp_path):
    assert kimage.arch(_write(tmp_path, "arm64.efi", bytes(_pe(0xaa64)))) == "aarch64"
    assert kimage.arch(_write(tmp_path, "arm64.zboot", _zboot(0xaa64, b"gzip", b""))) == "aarch64"
    assert kimage.arch(_write(tmp_path, "x.efi", bytes(_pe(0x1234)))) is None
    # ppc64 big-endian is ppc64 too; 32-bit MIPS and big-endian MIPS are not bootable
    assert kimage.arch(_write(tmp_path, "be", _elf(2, 2, 21))) == "ppc64"
    assert kimage.arch(_write(tmp_path, "s390", _elf(2, 2, 22))) == "s390x"
    assert kimage.arch(_write(tmp_path, "mips32", _elf(1, 1, 8))) is None
    assert kimage.arch(_write(tmp_path, "mipsbe", _elf(2, 2, 8))) is None
    assert kimage.arch(_write(tmp_path, "bad", b"\x7fELF\x09\x09" + b"\0" * 60)) is None


def test_old_bzimage_without_xloadflags(tmp_path):
    data = bytearray(_bzimage("2.6.32", True))
    data[0x206:0x208] = (0x20a).to_bytes(2, "little")
    assert kimage.arch(_write(tmp_path, "old", bytes(data))) == "x86_64"


def test_truncated_and_corrupt_images(tmp_path):
    for n in (0, 10, 0x30, 0x203):
        assert kimage.arch(_write(tmp_path, f"t{n}", FORMATS["i386"]()[:n])) is None
    # "HdrS" and no room for the version after it, or for xloadflags
    for n in (0x206, 0x207, 0x236):
        assert kimage.arch(_write(tmp_path, f"h{n}", FORMATS["i386"]()[:n])) == "x86_64"
    broken = bytearray(FORMATS["loongarch64"]())
    broken[8:16] = struct.pack("<II", 0x100, 1 << 30)      # payload beyond the file
    path = _write(tmp_path, "zb", bytes(broken))
    assert kimage.zboot_payload(path) is None and kimage.release(path) is None
    garbage = _zboot(0x6264, b"gzip", b"\x1f\x8b\x08 not gzip")
    assert kimage.zboot_payload(_write(tmp_path, "zg", garbage)) is None
    assert kimage.zboot_payload(_write(tmp_path, "zu", _zboot(0x6264, b"lz4", b"x"))) is None


def test_loongarch_zboot_is_unwrapped_once(tmp_path):
    image = _write(tmp_path, "vmlinuz-7.2-loong64", FORMATS["loongarch64"]())
    work = tmp_path / "work"
    inner = qemu.bootable(image, "loongarch64", work)
    assert inner.parent == work and inner.read_bytes().startswith(bytes(_pe(0x6264)))
    mtime = inner.stat().st_mtime_ns
    assert qemu.bootable(image, "loongarch64", work) == inner
    assert inner.stat().st_mtime_ns == mtime
    # the other machines boot the image as it is
    assert qemu.bootable(image, "aarch64", work) == image
    bad = _write(tmp_path, "vmlinuz-bad", _zboot(0x6264, b"gzip", b"junk"))
    with pytest.raises(ValueError, match="does not unwrap"):
        qemu.bootable(bad, "loongarch64", work)


@pytest.mark.skipif(shutil.which("zstd") is None, reason="zstd(1) not installed")
def test_zstd_zboot_as_debian_builds_it(tmp_path):
    inner = bytes(_pe(0x6264)) + _banner("7.3-loong64")
    packed = subprocess.run(["zstd", "-q", "-c"], input=inner, capture_output=True,
                            check=True).stdout
    # Makefile.zboot appends the uncompressed size (zstd22_with_size),
    # outside the payload size the header gives
    image = _write(tmp_path, "vmlinuz", _zboot(0x6264, b"zstd22", packed,
                                               len(inner).to_bytes(4, "little")))
    assert kimage.arch(image) == "loongarch64"
    assert kimage.zboot_payload(image) == inner
    assert kimage.release(image) == "7.3-loong64"
