"""The call harness of the abi cases (lib/case/callabi.h) on itself, on
every architecture it has: a function that changes a callee-saved
register, a d register, the floating-point control state or the
direction flag is caught, naming it; a clean one is not; the stack a
function writes is counted; the stack pointer at the call is aligned as
the psABI says and not to twice that.  The x86 fakes prove it through the
cases; this is what proves the arm64 and arm harnesses on a machine that
cannot run their vDSOs (through qemu-user, when installed), and the
ppc64le, s390x, riscv64 and mips64el ones; loongarch64 has no cross
compiler in Debian 12 and skips."""

import os
import re
import shutil
import subprocess

import pytest

from conftest import REPO

SOURCES = [str(REPO / "tests" / "callabi" / "selftest.c"), str(REPO / "lib" / "case" / "callabi.c")] + \
    sorted(str(p) for p in (REPO / "lib" / "case").glob("callabi_*.c"))


def multiarch():
    r = subprocess.run(["cc", "-print-multiarch"], capture_output=True, text=True)
    return ["-idirafter", f"/usr/include/{r.stdout.strip()}"] if r.returncode == 0 else []


# abi: (compiler argv, runner prefix, register, floating-point register
# reported (None: the harness has none), control register, flag report
# (None: the "flag" function changes nothing there), alignment)
ABIS = {
    "x86_64": (["cc"], [], "r13", None, "MXCSR", "DF: expected clear", 16),
    "i386": (["cc", "-m32", *multiarch()], [], "esi", None, "MXCSR", "DF: expected clear", 16),
    "aarch64": (["aarch64-linux-gnu-gcc"], ["qemu-aarch64-static"], "x21", "d12", "FPCR", None, 16),
    "arm": (["arm-linux-gnueabihf-gcc"], ["qemu-arm-static"], "r5", "d9", "FPSCR", None, 8),
    "ppc64le": (["powerpc64le-linux-gnu-gcc"], ["qemu-ppc64le-static"], "r21", "f20", "FPSCR", "CR fields 2-4",
                16),
    "s390x": (["s390x-linux-gnu-gcc"], ["qemu-s390x-static"], "r9", "f12", "FPC", None, 8),
    "riscv64": (["riscv64-linux-gnu-gcc"], ["qemu-riscv64-static"], "s5", "fs9", "fcsr", None, 16),
    "mips64el": (["mips64el-linux-gnuabi64-gcc"], ["qemu-mips64el-static"], "s3", "f26", "FCSR", None, 16),
    "loongarch64": (["loongarch64-linux-gnu-gcc"], ["qemu-loongarch64-static"], "s3", "fs2", "fcsr0", None, 16),
}


# QEMU 7.2's default mips64el model (5KEf) ignores writes to FCSR's
# rounding mode; a MIPS64 release 2 model keeps them, as hardware does
RUN_ENV = {"mips64el": {"QEMU_CPU": "MIPS64R2-generic"}}


def build_and_run(abi, tmp_path):
    cc, runner = ABIS[abi][0], ABIS[abi][1]
    if not shutil.which(cc[0]):
        pytest.skip(f"no {cc[0]} (./install-deps test)")
    if runner and not shutil.which(runner[0]):
        pytest.skip(f"no {runner[0]} (./install-deps qemu installs qemu-user-static)")
    exe = tmp_path / f"selftest-{abi}"
    r = subprocess.run([*cc, "-static", "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror", "-O2",
                        f"-I{REPO / 'lib'}", "-o", str(exe), *SOURCES], capture_output=True, text=True)
    if r.returncode and abi == "i386" and "cannot find" in r.stderr:
        pytest.skip("no 32-bit static libc (libc6-dev-i386)")
    if r.returncode and abi != "x86_64" and ("cannot find" in r.stderr or "No such file" in r.stderr):
        pytest.skip(f"no static libc for {abi}: {r.stderr.strip().splitlines()[-1]}")
    assert r.returncode == 0, r.stderr
    run = subprocess.run([*runner, str(exe)], capture_output=True, text=True, timeout=60,
                         env={**os.environ, **RUN_ENV.get(abi, {})})
    assert run.returncode == 0, run.stdout + run.stderr
    return {m.group(1): m.group(2) for m in re.finditer(r"^(\w+): (.*)$", run.stdout, re.M)}


@pytest.mark.parametrize("abi", list(ABIS))
def test_harness_catches_each_clobber(abi, tmp_path):
    _, _, reg, fpr, ctl, flag, align = ABIS[abi]
    out = build_and_run(abi, tmp_path)
    assert out["good"].startswith("clean ret=55 "), out
    assert out["gpr"].startswith(f"{reg}: expected "), out
    assert out["fpr"].startswith(f"{fpr}: expected ") if fpr else out["fpr"].startswith("clean"), out
    assert out["ctl"].startswith(f"{ctl}: expected "), out
    assert out["flag"].startswith(flag) if flag else out["flag"].startswith("clean"), out
    for name, line in out.items():
        if name != "register":
            assert "ret=55" in line or name == "uses_stack", line
            assert f"sp%align=0 sp%2align={align}" in line, f"{name}: {line}"


@pytest.mark.parametrize("abi", list(ABIS))
def test_harness_counts_the_stack(abi, tmp_path):
    out = build_and_run(abi, tmp_path)
    used = int(re.search(r"used=(\d+)", out["uses_stack"]).group(1))
    assert out["uses_stack"].startswith("clean ret=15 "), out
    assert 64 <= used < 256, out["uses_stack"]
