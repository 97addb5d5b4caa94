"""What is read from a kernel image before booting it
(runner/guest/kimage.py) and the initramfs written for it
(runner/guest/initramfs.py), checked against the formats rather than
against our own reader."""

import gzip
import shutil
import stat
import subprocess

import pytest
import runner_helpers  # noqa: F401  (puts the repository on sys.path)

from runner.guest import initramfs, kimage


def _bzimage(release: bytes) -> bytes:
    data = bytearray(0x400)
    data[0x202:0x206] = b"HdrS"
    data[0x20e:0x210] = (0x300 - 0x200).to_bytes(2, "little")
    banner = release + b" (builder@host) #1 SMP\0"
    data[0x300:0x300 + len(banner)] = banner
    return bytes(data)


def test_arch_and_release(tmp_path):
    bz = tmp_path / "bzImage"
    bz.write_bytes(_bzimage(b"6.1.0-56-cloud-amd64"))
    arm = tmp_path / "Image"
    head = bytearray(0x1000)
    head[0x38:0x3c] = b"ARM\x64"
    arm.write_bytes(bytes(head) + b"\0Linux version 6.12.1-arm64 (x@y) #1\0")
    armgz = tmp_path / "Image.gz"
    armgz.write_bytes(gzip.compress(arm.read_bytes()))
    junk = tmp_path / "junk"
    junk.write_bytes(b"\x00" * 5000)
    assert (kimage.arch(bz), kimage.release(bz)) == ("x86_64", "6.1.0-56-cloud-amd64")
    assert (kimage.arch(arm), kimage.release(arm)) == ("aarch64", "6.12.1-arm64")
    assert kimage.arch(armgz) == "aarch64"
    assert kimage.arch(junk) is None and kimage.release(junk) is None
    assert kimage.arch(tmp_path / "missing") is None


def _newc(data: bytes):
    """[(name, mode, rdevmajor, rdevminor, body)] by the format's definition."""
    out, pos = [], 0
    while True:
        assert data[pos:pos + 6] == b"070701" and pos % 4 == 0
        f = [int(data[pos + 6 + 8 * i:pos + 14 + 8 * i], 16) for i in range(13)]
        namesize, filesize = f[11], f[6]
        name = data[pos + 110:pos + 110 + namesize - 1].decode()
        pos += 110 + namesize
        pos += -pos % 4
        body = data[pos:pos + filesize]
        pos += filesize
        pos += -pos % 4
        if name == initramfs.TRAILER:
            assert pos == len(data)
            return out
        out.append((name, f[1], f[9], f[10], body))


def test_initramfs_members(tmp_path):
    init = tmp_path / "init"
    init.write_bytes(b"\x7fELF init")
    case = tmp_path / "symbols"
    case.write_bytes(b"\x7fELF case" * 3)
    out = tmp_path / "initramfs.cpio"
    sizes = initramfs.write(out, init, [case])
    members = {m[0]: m for m in _newc(out.read_bytes())}
    assert sizes == {"init": 9, "cases/symbols": 27}
    assert members["init"][4] == b"\x7fELF init" and members["init"][1] & 0o111
    assert members["cases/symbols"][4] == case.read_bytes()
    console = members["dev/console"]
    assert stat.S_ISCHR(console[1]) and console[2:4] == (5, 1)
    assert all(stat.S_ISDIR(members[d][1]) for d in ("dev", "cases", "proc", "sys", "tmp"))


@pytest.mark.skipif(shutil.which("cpio") is None, reason="cpio(1) not installed")
def test_initramfs_reads_with_cpio(tmp_path):
    init = tmp_path / "init"
    init.write_bytes(b"x")
    out = tmp_path / "i.cpio"
    initramfs.write(out, init, [])
    r = subprocess.run(["cpio", "-it"], input=out.read_bytes(), capture_output=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().split() == ["dev", "cases", "proc", "sys", "tmp", "dev/console", "init"]


def test_guest_packs_only_current_cases():
    # a program left in the build directory by a removed or renamed case
    # (a 7.3-rc guest once reported a stale "clocks") is not the suite's
    from runner.guest import suite
    assert suite.is_current_case("rollover") and suite.is_current_case("rollover-i386")
    assert suite.is_current_case("nolibc-x32")
    assert not suite.is_current_case("clocks") and not suite.is_current_case("clocks-i386")
