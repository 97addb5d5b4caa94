"""The call harnesses of the foreign architectures through the abi cases,
under qemu-user: each case built against the cross libc (make user-ARCH),
run against the faithful fake and abi_clobber built for that ABI
(mkfakes.py --abi ARCH, whose fakes make their system calls themselves:
Debian 12's QEMU maps no vDSO).  abi_regs must pass on the faithful fake
and fail exactly the points abi_clobber names; abi_stack must pass on
both (the clobber is a register, not the stack) and report a high-water
mark under its bound.  getrandom_chacha, bit for bit, against the C
model of the kernel's algorithm the foreign fakes carry
(fake_vgetrandom.h): it passes on the faithful fake, on big-endian s390x
as on the little-endian ones, and fails where getrandom_chacha8 (ChaCha8)
and, on s390x, getrandom_key_le (the key read in the wrong byte order)
say it must.  About 2 minutes on a fresh build, most of it the
four cross builds."""

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, build_path

sys.path.insert(0, str(REPO))
from runner.core import ktap  # noqa: E402

# arch: (compiler, libc prefix, extra environment)
ARCHES = {
    "ppc64le": ("powerpc64le-linux-gnu-gcc", "/usr/powerpc64le-linux-gnu", {}),
    "s390x": ("s390x-linux-gnu-gcc", "/usr/s390x-linux-gnu", {}),
    "riscv64": ("riscv64-linux-gnu-gcc", "/usr/riscv64-linux-gnu", {}),
    # QEMU 7.2's default mips64el model (5KEf) drops writes to FCSR's
    # rounding mode, the harness's canary; a release 2 model keeps them
    "mips64el": ("mips64el-linux-gnuabi64-gcc", "/usr/mips64el-linux-gnuabi64", {"QEMU_CPU": "MIPS64R2-generic"}),
}
CASES = ["abi_regs", "abi_stack", "getrandom_chacha"]


@pytest.fixture(scope="module", params=sorted(ARCHES))
def built(request):
    arch = request.param
    cc, prefix, env = ARCHES[arch]
    for tool in (cc, f"qemu-{arch}-static"):
        if not shutil.which(tool):
            pytest.skip(f"no {tool} (./install-deps test)")
    if not os.path.isdir(f"{prefix}/lib"):
        pytest.skip(f"no {arch} libc in {prefix}")
    b = build_path()
    r = subprocess.run(["make", "-s", "-j2", f"B={b}", *[f"{b}/user-{arch}/cases/{c}" for c in CASES],
                        f"{b}/fakes-{arch}/manifest.json"],
                       cwd=REPO, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    fakes = {f["name"]: f for f in json.loads((b / f"fakes-{arch}" / "manifest.json").read_text())}
    return arch, b, fakes


def run(built, case, fake):
    arch, b, fakes = built
    _, prefix, extra = ARCHES[arch]
    env = dict(os.environ, QEMU_LD_PREFIX=prefix, VDSOCONF_TARGET=fakes[f"{fake}-{arch}"]["path"], **extra)
    r = subprocess.run([f"qemu-{arch}-static", str(b / f"user-{arch}" / "cases" / case)], capture_output=True,
                       text=True, timeout=300, env=env)
    assert "Bail out" not in r.stdout, r.stdout + r.stderr
    return {n.name: n.status for n in ktap.parse(r.stdout).walk() if n.name}, r.stdout


def test_faithful_passes(built):
    for case in ("abi_regs", "abi_stack"):
        st, out = run(built, case, "faithful")
        assert st and all(s in ("pass", "skip") for s in st.values()), out
        assert list(st.values()).count("pass") >= 3, out


def test_clobber_is_caught_by_name(built):
    arch, _, fakes = built
    st, out = run(built, "abi_regs", "abi_clobber")
    failed = {p for p, s in st.items() if s == "fail"}
    assert failed == set(fakes[f"abi_clobber-{arch}"]["expect"]), out
    for line in re.findall(r"^# after .*$", out, re.M):
        assert ": expected 0xca11ab1e" in line and "seen 0x7" in line, line


def test_stack_is_measured(built):
    st, out = run(built, "abi_stack", "abi_clobber")
    assert all(s in ("pass", "skip") for s in st.values()), out
    marks = [int(m) for m in re.findall(r"high-water mark (\d+) bytes", out)]
    assert marks and max(marks) < 752, out


def test_getrandom_bit_for_bit(built):
    arch, _, fakes = built
    st, out = run(built, "getrandom_chacha", "faithful")
    # mips has no vDSO getrandom; riscv64's arrived in 6.16 (lib/expect)
    if arch == "mips64el":
        assert "1..0 # SKIP no getrandom" in out, out
        return
    assert st and all(s == "pass" for s in st.values()), out
    bugs = [n for n, f in fakes.items() if any(e.startswith("getrandom.chacha.") for e in f["expect"])]
    if arch in ("s390x", "ppc64le"):
        assert f"getrandom_chacha8-{arch}" in bugs
    for name in bugs:
        st, out = run(built, "getrandom_chacha", name[:-len(arch) - 1])
        assert {p for p, s in st.items() if s == "fail"} == set(fakes[name]["expect"]), out
