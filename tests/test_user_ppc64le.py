"""powerpc's error convention, run here under qemu-user: the cases built
for ppc64le against its cross libc (make user-ppc64le), the fakes built
for ppc64le (mkfakes.py --abi ppc64le), each fake loaded as the target.
Debian 12's qemu-ppc64le-static maps no vDSO, so the fakes make their
system calls themselves (FAKE_SYSCALL_ONLY) and return through the same
CR0[SO] wrapper as the kernel's vDSO.  callconv must fail exactly the
points each fake's header names; clock_einval, which calls through the
trampoline of lib/case/callfn_ppc.c, must pass on the faithful fake and
on the one that returns -errno without SO (the trampoline hands both over
as -errno).  tbfreq compares __kernel_get_tbfreq with a cpuinfo file
saying 512000000 (qemu-user shows the host's /proc/cpuinfo): the faithful
fake passes, tbfreq_wrong (500 MHz) fails.  About a minute, most of it the cross build."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, build_path

sys.path.insert(0, str(REPO))
from runner.core import ktap  # noqa: E402

CC = "powerpc64le-linux-gnu-gcc"
QEMU = "qemu-ppc64le-static"
SYSROOT = "/usr/powerpc64le-linux-gnu"
CASES = ["callconv", "clock_einval", "tbfreq"]


@pytest.fixture(scope="module")
def built():
    for tool in (CC, QEMU):
        if not shutil.which(tool):
            pytest.skip(f"no {tool} (./install-deps test)")
    if not os.path.exists(f"{SYSROOT}/lib/ld64.so.2"):
        pytest.skip(f"no ppc64le libc in {SYSROOT} (libc6-dev-ppc64el-cross)")
    b = build_path()
    r = subprocess.run(["make", "-s", "-j2", f"B={b}", *[f"{b}/user-ppc64le/cases/{c}" for c in CASES],
                        f"{b}/fakes-ppc64le/manifest.json"],
                       cwd=REPO, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    fakes = json.loads((b / "fakes-ppc64le" / "manifest.json").read_text())
    return b, {f["name"]: f for f in fakes}


def run(b, case, fake, *args):
    env = dict(os.environ, QEMU_LD_PREFIX=SYSROOT, VDSOCONF_TARGET=fake["path"])
    r = subprocess.run([QEMU, str(b / "user-ppc64le" / "cases" / case), *args], capture_output=True, text=True,
                       timeout=120, env=env)
    assert "Bail out" not in r.stdout, r.stdout + r.stderr
    return {n.name: n.status for n in ktap.parse(r.stdout).walk() if n.name}, r.stdout


def test_fakes_built(built):
    assert {"faithful-ppc64le", "callconv_no_so-ppc64le", "callconv_stale_so-ppc64le",
            "callconv_positive_errno-ppc64le"} <= set(built[1])


@pytest.mark.parametrize("name", ["faithful-ppc64le", "callconv_no_so-ppc64le", "callconv_stale_so-ppc64le",
                                  "callconv_positive_errno-ppc64le"])
def test_callconv_catches_exactly_the_named_points(built, name):
    b, fakes = built
    st, out = run(b, "callconv", fakes[name])
    assert set(st) == {"callconv.error.clock_gettime", "callconv.error.clock_getres",
                       "callconv.ok.clock_gettime"}, out
    failed = {p for p, s in st.items() if s == "fail"}
    assert failed == set(fakes[name]["expect"]), out
    assert all(s in ("pass", "fail") for s in st.values()), out


@pytest.mark.parametrize("name", ["faithful-ppc64le", "callconv_no_so-ppc64le"])
def test_other_cases_read_errors_through_the_trampoline(built, name):
    b, fakes = built
    st, out = run(b, "clock_einval", fakes[name])
    assert st and all(s in ("pass", "skip") for s in st.values()), out
    assert st.get("clock.einval.INT_MAX") == "pass", out


@pytest.mark.parametrize("name", ["faithful-ppc64le", "tbfreq_wrong-ppc64le"])
def test_tbfreq_against_a_cpuinfo(built, name, tmp_path):
    b, fakes = built
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\ncpu\t\t: POWER9\ntimebase\t: 512000000\nplatform\t: pSeries\n")
    st, out = run(b, "tbfreq", fakes[name], "--cpuinfo", str(cpuinfo))
    assert set(st) == {"tbfreq.cpuinfo"}, out
    assert {p for p, s in st.items() if s == "fail"} == set(fakes[name]["expect"]), out
