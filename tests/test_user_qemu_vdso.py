"""The cases against QEMU's own vDSO: QEMU 8.1 and later (bookworm-backports,
fixtures/kernels/fetch-qemu-user) map one into the programs they run, with
signal return trampolines QEMU's signal delivery returns through.  For
s390x and ppc64le, built against the cross libc (make user-ARCH):
sigtramp must find every trampoline in the text and each handler's return
address exactly at it; abi_regs must pass, its harness meeting a vDSO it
did not come with (on ppc64le through the CR0[SO] convention).  QEMU's
ppc64le image gives its functions type STT_NOTYPE, so the cases that
check the type before calling (callconv among them) skip there."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, build_path

sys.path.insert(0, str(REPO))
from runner.core import ktap  # noqa: E402

ARCHES = {
    "s390x": ("s390x-linux-gnu-gcc", "/usr/s390x-linux-gnu"),
    "ppc64le": ("powerpc64le-linux-gnu-gcc", "/usr/powerpc64le-linux-gnu"),
}
CASES = ["sigtramp", "abi_regs"]


@pytest.fixture(scope="module", params=sorted(ARCHES))
def built(request):
    arch = request.param
    cc, prefix = ARCHES[arch]
    if not shutil.which(cc) or not os.path.isdir(f"{prefix}/lib"):
        pytest.skip(f"no {cc} or no {arch} libc in {prefix}")
    b = build_path()
    r = subprocess.run(["make", "-s", "-j2", f"B={b}", *[f"{b}/user-{arch}/cases/{c}" for c in CASES]],
                       cwd=REPO, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    return arch, b


def run(qemu_user, built, case):
    arch, b = built
    env = dict(os.environ, QEMU_LD_PREFIX=ARCHES[arch][1])
    env.pop("VDSOCONF_TARGET", None)
    r = subprocess.run([f"{qemu_user}/qemu-{arch}", str(b / f"user-{arch}" / "cases" / case)],
                       capture_output=True, text=True, timeout=300, env=env)
    assert "Bail out" not in r.stdout, r.stdout + r.stderr
    return {n.name: n.status for n in ktap.parse(r.stdout).walk() if n.name}, r.stdout


def test_sigtramp_against_qemus_trampolines(qemu_user, built):
    st, out = run(qemu_user, built, "sigtramp")
    assert st and all(s == "pass" for s in st.values()), out
    assert any(p.startswith("sigtramp.used.") for p in st), out


def test_harness_against_qemus_vdso(qemu_user, built):
    st, out = run(qemu_user, built, "abi_regs")
    assert list(st.values()).count("pass") >= 4, out
    assert all(s in ("pass", "skip") for s in st.values()), out


@pytest.fixture(scope="module")
def riscv(qemu_user):
    if not shutil.which("riscv64-linux-gnu-gcc") or not os.path.isdir("/usr/riscv64-linux-gnu/lib"):
        pytest.skip("no riscv64-linux-gnu-gcc or no riscv64 libc")
    b = build_path()
    r = subprocess.run(["make", "-s", "-j2", f"B={b}", f"{b}/user-riscv64/cases/hwprobe",
                        f"{b}/fakes-riscv64/manifest.json"], cwd=REPO, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    return b, {f["name"]: f for f in json.loads((b / "fakes-riscv64" / "manifest.json").read_text())}


def test_hwprobe_against_qemus_system_call(qemu_user, riscv):
    """QEMU 10 answers riscv_hwprobe; the fakes' __vdso_riscv_hwprobe is
    judged against it: the faithful one passes, each broken one fails
    exactly the points it names."""
    b, fakes = riscv
    names = ["faithful-riscv64"] + sorted(n for n in fakes if n.startswith("hwprobe_"))
    assert len(names) == 5
    for name in names:
        env = dict(os.environ, QEMU_LD_PREFIX="/usr/riscv64-linux-gnu", VDSOCONF_TARGET=fakes[name]["path"])
        r = subprocess.run([f"{qemu_user}/qemu-riscv64", str(b / "user-riscv64" / "cases" / "hwprobe")],
                           capture_output=True, text=True, timeout=300, env=env)
        st = {n.name: n.status for n in ktap.parse(r.stdout).walk() if n.name}
        assert len(st) == 4 and "skip" not in st.values(), r.stdout
        assert {p for p, s in st.items() if s == "fail"} == set(fakes[name]["expect"]), r.stdout
