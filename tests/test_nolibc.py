"""The nolibc case: one program without any C library, built for every
architecture the suite knows a cross compiler for (Debian 12 has none for
loongarch64).  Each build must be static and freestanding: no program
interpreter, no dynamic section, no undefined symbol.  The machine's own
build and the i386 one run here: against the live vDSO, with
AT_SYSINFO_EHDR hidden (it must skip, as under vdso=0), with a fake target
of the suite (it has no ld.so to load one: it must skip), and with each of
its own fake vDSO images (fixtures/nolibc), which must fail the points
their headers name.  About 15 s, most of it the nine builds."""

import os
import re
import subprocess
import sys

import pytest

from conftest import REPO, build_path

sys.path.insert(0, str(REPO))
from runner.core import ktap  # noqa: E402

# readelf's Machine line per build
ARCHES = {
    "x86_64": "X86-64", "i386": "80386", "x32": "X86-64", "aarch64": "AArch64", "arm": "ARM",
    "s390x": "S/390", "ppc64le": "PowerPC64", "riscv64": "RISC-V", "mips64el": "MIPS",
}
RUNNABLE = {"x86_64": "", "i386": "-i386"}
FAKES = sorted(p.stem for p in (REPO / "fixtures" / "nolibc").glob("*.c"))


@pytest.fixture(scope="module")
def built():
    b = build_path()
    r = subprocess.run(["make", "-s", "-j2", f"B={b}", "nolibc-all", "nolibc-fakes",
                        f"{b}/cases/nolibc", f"{b}/cases/nolibc-i386"],
                       cwd=REPO, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    return b


def run(path, *args, env=None):
    e = dict(os.environ)
    e.pop("VDSOCONF_TARGET", None)
    e.update(env or {})
    return subprocess.run([str(path), *args], capture_output=True, text=True, timeout=60, env=e)


def statuses(out):
    return {n.name: n.status for n in ktap.parse(out).walk()}


def readelf(args, path):
    r = subprocess.run(["readelf", *args, str(path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize("arch", sorted(ARCHES))
def test_static_and_freestanding(built, arch):
    path = built / "nolibc" / arch / "nolibc"
    assert path.exists(), f"{path} not built"
    head = readelf(["-hlW"], path)
    assert ARCHES[arch] in re.search(r"Machine:\s*(.*)", head).group(1), head
    assert "Type:                              EXEC" in head, "not a static, non-PIE executable"
    assert "INTERP" not in head, "has a program interpreter"
    assert "DYNAMIC" not in head, "has a dynamic section"
    syms = readelf(["-sW"], path)
    undefined = [l.split()[-1] for l in syms.splitlines()
                 if re.match(r"\s*\d+:", l) and " UND " in l and l.split()[-1] not in ("UND",)
                 and "nolibc_fake_image" not in l]
    assert not undefined, f"undefined symbols: {undefined}"
    # nothing of a C library came in (libgcc's helpers may)
    for libc_name in ("__libc_start_main", "printf", "malloc", "__stack_chk_fail"):
        assert not re.search(rf"\s{libc_name}$", syms, re.M), f"{libc_name} linked in"


@pytest.mark.parametrize("abi", sorted(RUNNABLE))
def test_live_vdso(built, abi):
    r = run(built / "cases" / f"nolibc{RUNNABLE[abi]}")
    got = statuses(r.stdout)
    assert r.returncode == 0, r.stdout[-3000:]
    for point in ("nolibc.resolve", "nolibc.clock_gettime.CLOCK_REALTIME",
                  "nolibc.clock_gettime.CLOCK_MONOTONIC", "nolibc.clock_gettime.CLOCK_BOOTTIME",
                  "nolibc.gettimeofday", "nolibc.time", "nolibc.getcpu"):
        assert got.get(point) == "pass", f"{point}: {got.get(point)}\n{r.stdout[-3000:]}"
    if abi == "i386":
        assert got.get("nolibc.clock_gettime64.CLOCK_REALTIME") == "pass", r.stdout[-3000:]
    assert not [p for p, s in got.items() if s == "fail"], r.stdout


@pytest.mark.parametrize("abi", sorted(RUNNABLE))
def test_no_sysinfo_ehdr_skips(built, abi):
    r = run(built / "cases" / f"nolibc{RUNNABLE[abi]}", "--hide-sysinfo-ehdr")
    assert r.returncode == 4, r.stdout
    assert "1..0 # SKIP no vDSO: AT_SYSINFO_EHDR hidden" in r.stdout


def test_suite_fake_target_skips(built):
    r = run(built / "cases" / "nolibc", env={"VDSOCONF_TARGET": str(built / "fakes" / "faithful.so")})
    assert r.returncode == 4, r.stdout
    assert "needs a dynamic loader" in r.stdout


def test_bad_argument(built):
    r = run(built / "cases" / "nolibc", "--bogus")
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "unknown argument '--bogus'" in r.stderr
    assert r.stdout == ""


# QEMU 10 maps a vDSO of its own for these, and libvdso reads it; its
# aarch64 image has a malformed note and its riscv64 image is changed as
# QEMU maps it (docs/cases.md), and there is none for mips64el
QEMU_VDSO = ("arm", "ppc64le", "s390x")
CROSS = ("aarch64", "arm", "mips64el", "ppc64le", "riscv64", "s390x")


@pytest.mark.parametrize("arch", CROSS)
def test_cross_build_starts_and_skips(built, qemu_user, arch):
    """_start, the initial stack, write and exit_group of each build."""
    r = run(f"{qemu_user}/qemu-{arch}", str(built / "nolibc" / arch / "nolibc"), "--hide-sysinfo-ehdr")
    assert r.returncode == 4, r.stdout + r.stderr
    assert r.stdout == "KTAP version 1\n1..0 # SKIP no vDSO: AT_SYSINFO_EHDR hidden (--hide-sysinfo-ehdr)\n"
    r = run(f"{qemu_user}/qemu-{arch}", str(built / "nolibc" / arch / "nolibc"), "--bogus")
    assert r.returncode == 2 and "unknown argument '--bogus'" in r.stderr


@pytest.mark.parametrize("arch", QEMU_VDSO)
def test_cross_build_against_qemu_vdso(built, qemu_user, arch):
    r = run(f"{qemu_user}/qemu-{arch}", str(built / "nolibc" / arch / "nolibc"))
    got = statuses(r.stdout)
    assert r.returncode == 0, r.stdout[-3000:]
    for point in ("nolibc.resolve", "nolibc.clock_gettime.CLOCK_REALTIME",
                  "nolibc.clock_gettime.CLOCK_MONOTONIC", "nolibc.gettimeofday"):
        assert got.get(point) == "pass", f"{point}: {got.get(point)}\n{r.stdout[-3000:]}"
    if arch == "arm":
        assert got.get("nolibc.clock_gettime64.CLOCK_REALTIME") == "pass", r.stdout[-3000:]


def expectations(fake, abi):
    text = (REPO / "fixtures" / "nolibc" / f"{fake}.c").read_text()
    want = re.findall(r"expect:\s*(\S+)", text)
    # clock_gettime64 is a function of 32-bit ABIs only
    return [p for p in want if abi == "i386" or not p.startswith("nolibc.clock_gettime64.")]


@pytest.mark.parametrize("abi", sorted(RUNNABLE))
@pytest.mark.parametrize("fake", FAKES)
def test_fake_image(built, fake, abi):
    r = run(built / "nolibc" / "fakes" / f"nolibc-{fake}{RUNNABLE[abi]}")
    assert "a fake vDSO image linked into this program" in r.stdout
    got = statuses(r.stdout)
    failed = sorted(p for p, s in got.items() if s == "fail")
    if fake == "faithful":
        assert r.returncode == 0 and not failed, r.stdout
        assert got.get("nolibc.resolve") == "pass"
        return
    want = expectations(fake, abi)
    assert want, f"{fake} names no expected point"
    missed = [p for p in want if got.get(p) != "fail"]
    assert not missed, f"{fake} was not caught at {missed}:\n{r.stdout[-3000:]}"
    assert r.returncode == 1
