"""`vdsotool extract`: the vDSOs embedded in a kernel image come back
byte for byte, whatever the kernel's compression.

A synthetic "kernel" is random bytes with fixture images embedded at odd
offsets, a decoy ELF executable header and stray ELF magics, compressed
(gzip, xz with the kernel's BCJ filter, lzma, bzip2 with Python's modules;
zstd and lz4, frame and the kernel's legacy format, with Debian's command
line tools when they are installed) and wrapped in more random bytes, as a
bzImage wraps its payload.  Truncated and corrupted kernels, and every
malformed fixture, must not crash the sanitizer build.
"""

import bz2
import gzip
import json
import lzma
import random
import shutil
import subprocess
import zlib

import pytest

from conftest import describe, generated, run, sanitizer_report

# fixture -> the name extract gives it (ARCH-CLASS-SONAME.so)
X86 = {"x86_64-both.so": "x86_64-64-linux-vdso.so.1.so",
       "x32-both.so": "x32-32-linux-vdso.so.1.so",
       "i386-both.so": "i386-32-linux-gate.so.1.so"}
MIPS = {"mips64el-sysv.so": "mips64-64-linux-vdso.so.1.so",
        "mipsel-o32-sysv.so": "mipso32-32-linux-vdso.so.1.so",
        "mips64el-n32-sysv.so": "mipsn32-32-linux-vdso.so.1.so"}
S390 = {"s390x-both.so": "s390x-64-linux-vdso64.so.1.so",
        "s390-both.so": "s390-32-linux-vdso32.so.1.so"}
ARM64 = {"aarch64-sysv.so": "aarch64-64-linux-vdso.so.1.so",
         "arm-sysv.so": "arm-32-linux-vdso.so.1.so"}


def images(names):
    valid = {e["file"]: e["path"] for e in generated()[0]}
    return {want: open(valid[f], "rb").read() for f, want in names.items() if f in valid}


def payload(imgs, seed=1):
    """A vmlinux stand-in: an ELF executable header, random bytes, stray
    '\\x7fELF' magics, and the images at unaligned offsets."""
    rnd = random.Random(seed)
    parts = [b"\x7fELF\x02\x01\x01" + bytes(9) + b"\x02\x00\x3e\x00" + rnd.randbytes(3000)]
    for img in imgs:
        parts += [rnd.randbytes(rnd.randrange(500, 5000)), b"\x7fELF" + rnd.randbytes(60),
                  rnd.randbytes(rnd.randrange(1, 64)), img]
    parts.append(rnd.randbytes(4000))
    return b"".join(parts)


def cli(tool, args, data):
    if not shutil.which(tool):
        pytest.skip(f"{tool} not installed (Debian package {tool})")
    return subprocess.run([tool] + args, input=data, capture_output=True, check=True).stdout


COMPRESS = {
    "raw": lambda d: d,
    "gzip": lambda d: gzip.compress(d, 9),
    "xz": lambda d: lzma.compress(d, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32,
                                  filters=[{"id": lzma.FILTER_X86}, {"id": lzma.FILTER_LZMA2}]),
    "lzma": lambda d: lzma.compress(d, format=lzma.FORMAT_ALONE),
    "bzip2": lambda d: bz2.compress(d, 9),
    "zstd": lambda d: cli("zstd", ["-19", "-q", "-c"], d),
    "lz4": lambda d: cli("lz4", ["-9", "-q", "-c"], d),
    "lz4-legacy": lambda d: cli("lz4", ["-l", "-9", "-q", "-c"], d),
}


def kernel(stream, seed=2):
    """The compressed payload inside a boot wrapper, with the size the
    kernel appends after it."""
    rnd = random.Random(seed)
    return rnd.randbytes(7000) + stream + len(stream).to_bytes(4, "little") + rnd.randbytes(900)


def extract(tool, path, out, *extra, sanitized=False):
    argv = [tool, "extract", "--json", str(path), "-o", str(out), *extra]
    r = run(argv, sanitized=sanitized)
    return argv, r


@pytest.mark.parametrize("fmt", list(COMPRESS))
def test_extract_gives_back_the_images(vdsotool, asan_vdsotool, tmp_path, fmt):
    imgs = images(X86)
    data = payload(imgs.values())
    k = tmp_path / f"vmlinuz.{fmt}"
    k.write_bytes(kernel(COMPRESS[fmt](data)) if fmt != "raw" else data)
    for tool, san in ((vdsotool, False), (asan_vdsotool, True)):
        out = tmp_path / f"out-{san}"
        argv, r = extract(tool, k, out, sanitized=san)
        assert r.returncode == 0 and not sanitizer_report(r.stderr), describe(argv, r)
        got = {p.name: p.read_bytes() for p in out.iterdir()}
        assert got == imgs, f"{fmt}: extracted {sorted(got)}, embedded {sorted(imgs)}"
    doc = json.loads(r.stdout)
    assert {i["name"] for i in doc["images"]} == set(imgs)
    for i in doc["images"]:
        assert data[i["offset"]:i["offset"] + i["size"]] == imgs[i["name"]]
        assert i["container"] == ("file" if fmt == "raw" else f"{fmt} stream at 0x1b58")
        assert i["soname"] in ("linux-vdso.so.1", "linux-gate.so.1")


@pytest.mark.parametrize("names", [MIPS, S390, ARM64], ids=["mips", "s390", "arm64"])
def test_extract_names_every_abi(vdsotool, tmp_path, names):
    imgs = images(names)
    if len(imgs) < 2:
        pytest.skip("cross compilers for these fixtures are not installed")
    k = tmp_path / "vmlinuz"
    k.write_bytes(kernel(COMPRESS["xz"](payload(imgs.values(), seed=5))))
    argv, r = extract(vdsotool, k, tmp_path / "out")
    assert r.returncode == 0, describe(argv, r)
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == imgs


def test_nested_stream(vdsotool, tmp_path):
    """An EFI zboot image is a PE file around a compressed Image: a
    stream found inside a decoded stream is decoded too."""
    imgs = images({"aarch64-sysv.so": "aarch64-64-linux-vdso.so.1.so"})
    inner = kernel(gzip.compress(payload(imgs.values())), seed=7)
    k = tmp_path / "zboot"
    k.write_bytes(kernel(COMPRESS["xz"](inner), seed=8))
    argv, r = extract(vdsotool, k, tmp_path / "out")
    assert r.returncode == 0, describe(argv, r)
    assert json.loads(r.stdout)["images"][0]["container"].startswith("xz stream at 0x1b58 > gzip stream")


def test_duplicate_image_written_once(vdsotool, tmp_path):
    img = images({"x86_64-both.so": "x86_64-64-linux-vdso.so.1.so"})
    k = tmp_path / "vmlinux"
    k.write_bytes(payload(list(img.values()) * 2))
    argv, r = extract(vdsotool, k, tmp_path / "out")
    assert r.returncode == 0, describe(argv, r)
    assert [p.name for p in (tmp_path / "out").iterdir()] == list(img)


def test_output_is_bounded(vdsotool, tmp_path):
    """--max-output caps what one stream may decode to: an image past the
    cap is not reached, and that is said, not crashed on."""
    img = images({"x86_64-both.so": "x86_64-64-linux-vdso.so.1.so"})
    data = bytes(3 << 20) + payload(img.values())
    k = tmp_path / "vmlinuz"
    k.write_bytes(kernel(gzip.compress(data)))
    argv, r = extract(vdsotool, k, tmp_path / "a", "--max-output", "1")
    assert r.returncode == 1 and len(r.stderr.splitlines()) == 1, describe(argv, r)
    argv, r = extract(vdsotool, k, tmp_path / "b", "--max-output", "8")
    assert r.returncode == 0, describe(argv, r)


def test_no_vdso_is_an_error(vdsotool, tmp_path):
    k = tmp_path / "random"
    k.write_bytes(kernel(gzip.compress(random.Random(3).randbytes(100000))))
    argv, r = extract(vdsotool, k, tmp_path / "out")
    assert r.returncode == 1 and r.stdout == "", describe(argv, r)
    assert r.stderr.startswith(f"vdsotool: {k}: no vDSO found") and len(r.stderr.splitlines()) == 1


@pytest.mark.parametrize("case", ["missing", "directory", "empty", "option", "no-kernel"])
def test_bad_input_one_line(asan_vdsotool, tmp_path, case):
    (tmp_path / "empty").write_bytes(b"")
    argv = {"missing": [asan_vdsotool, "extract", str(tmp_path / "nope")],
            "directory": [asan_vdsotool, "extract", str(tmp_path)],
            "empty": [asan_vdsotool, "extract", str(tmp_path / "empty")],
            "option": [asan_vdsotool, "extract", "--bogus", str(tmp_path / "empty")],
            "no-kernel": [asan_vdsotool, "extract", "-o", str(tmp_path / "o")]}[case]
    r = run(argv, sanitized=True)
    assert not sanitizer_report(r.stderr), describe(argv, r)
    assert r.returncode == (2 if case in ("option", "no-kernel") else 1), describe(argv, r)
    assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith("vdsotool: "), describe(argv, r)


@pytest.mark.parametrize("fmt", [f for f in COMPRESS if f != "raw"])
def test_truncated_and_corrupt_streams(asan_vdsotool, tmp_path, fmt):
    imgs = images(X86)
    stream = COMPRESS[fmt](payload(imgs.values(), seed=11))
    rnd = random.Random(12)
    variants = {"cut": stream[:len(stream) // 2], "head": stream[:40]}
    flipped = bytearray(stream)
    for _ in range(20):
        flipped[rnd.randrange(20, len(flipped))] ^= 1 << rnd.randrange(8)
    variants["flipped"] = bytes(flipped)
    for name, s in variants.items():
        k = tmp_path / f"{fmt}-{name}"
        k.write_bytes(kernel(s))
        argv, r = extract(asan_vdsotool, k, tmp_path / f"out-{name}", sanitized=True)
        assert not sanitizer_report(r.stderr), describe(argv, r)
        assert r.returncode in (0, 1), describe(argv, r)
        if r.returncode == 1:
            assert len(r.stderr.splitlines()) == 1, describe(argv, r)
        for p in (tmp_path / f"out-{name}").iterdir():
            assert p.read_bytes() in imgs.values(), f"{name}: {p.name} is not an embedded image"


# Where each format can first hand out output: a block format decodes a
# whole block or nothing (bzip2 -9: 900 kB blocks; zstd: at most 128 KiB;
# lz4 -9 frames: 4 MiB; the kernel's lz4 -l: 8 MiB), the others byte by
# byte.  The padding puts the end of the first block before the cut.
FIRST_BLOCK = {"bzip2": 900_000, "zstd": 128 << 10, "lz4": 4 << 20, "lz4-legacy": 8 << 20}


def reference_prefix(fmt, cut):
    """What an independent decoder makes of a truncated stream."""
    if fmt == "gzip":
        return zlib.decompressobj(31).decompress(cut)
    if fmt in ("xz", "lzma"):
        return lzma.LZMADecompressor(lzma.FORMAT_XZ if fmt == "xz" else lzma.FORMAT_ALONE).decompress(cut)
    if fmt == "bzip2":
        return bz2.BZ2Decompressor().decompress(cut)
    tool = "zstd" if fmt == "zstd" else "lz4"
    return subprocess.run([tool, "-d", "-q", "-c"], input=cut, capture_output=True).stdout


@pytest.mark.parametrize("fmt", [f for f in COMPRESS if f != "raw"])
def test_truncated_stream_keeps_the_images_before_the_cut(vdsotool, tmp_path, fmt):
    """A kernel cut short still gives back every image that decoded before
    the cut: two images, then more than a block of random bytes, then the
    third and the cut, 1500 bytes before the stream's end."""
    imgs = images(X86)
    first, later = list(imgs.items())[:2], list(imgs.items())[2:]
    rnd = random.Random(21)
    data = payload([img for _, img in first], seed=21) + rnd.randbytes(FIRST_BLOCK.get(fmt, 0) + 50_000) + \
        b"".join(img for _, img in later) + rnd.randbytes(4000)
    stream = COMPRESS[fmt](data)
    cut = stream[:len(stream) - 1500]
    prefix = reference_prefix(fmt, cut)
    want = {name: img for name, img in imgs.items() if img in prefix}
    assert {name for name, _ in first} <= set(want), f"{fmt}: the fixture's cut falls before the first block"
    k = tmp_path / "vmlinuz"
    k.write_bytes(kernel(cut))
    argv, r = extract(vdsotool, k, tmp_path / "out")
    assert r.returncode == 0, describe(argv, r)
    got = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    assert got == want, f"{fmt}: extracted {sorted(got)}, decoded before the cut {sorted(want)}"


def test_malformed_fixtures_in_a_kernel(asan_vdsotool, tmp_path):
    """Every malformed image, back to back and compressed: every ELF magic
    in them is a candidate, none may crash the scan."""
    blob = b"".join(open(e["path"], "rb").read() + b"\0" * 7 for e in generated()[1])
    for name, data in (("raw", blob), ("xz", kernel(COMPRESS["xz"](blob)))):
        k = tmp_path / name
        k.write_bytes(data)
        argv, r = extract(asan_vdsotool, k, tmp_path / f"out-{name}", sanitized=True, )
        assert not sanitizer_report(r.stderr), describe(argv, r)
        assert r.returncode in (0, 1), describe(argv, r)
