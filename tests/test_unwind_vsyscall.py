"""abi_unwind's second shape of known defect vdso32-c-no-cfi: a sample in
the i386 vDSO's __kernel_vsyscall, whose FDE is right, returning into a C
function without CFI, where the walk stops.  The fake unwind_vsyscall_lying
(fixtures/fakes) is built here in three ways: with the kernel's FDE (the
known defect, XFAIL), with its own lying FDE (a return address one word
off, inside the function but after no call of __kernel_vsyscall: FAIL),
and with the kernel's FDE but a Linux note older than the defect (FAIL)."""

import re
import subprocess
import sys

import pytest

from conftest import REPO, build_path

sys.path.insert(0, str(REPO / "fixtures" / "fakes"))
import mkfakes  # noqa: E402

SOURCE = REPO / "fixtures" / "fakes" / "unwind_vsyscall_lying.c"
HONEST = ("cflags", "-DUNWIND_VSYSCALL_HONEST")
POINT = re.compile(r"^(ok|not ok) \d+ abi\.unwind\.clock_gettime(?: # (.*))?$", re.M)


def case():
    path = build_path() / "cases" / "abi_unwind-i386"
    if not path.exists():
        pytest.skip("no abi_unwind-i386 built here (no 32-bit libc)")
    if not mkfakes.can_build("cc", "i386"):
        pytest.skip("cc cannot build i386 shared objects")
    return path


def run(tmp_path, name, *directives):
    fake = mkfakes.parse_header(SOURCE)
    fake = dict(fake, name=name, directives=fake["directives"] + list(directives))
    so = mkfakes.build(fake, tmp_path, "cc", "i386")["path"]
    r = subprocess.run([str(case())], env={"VDSOCONF_TARGET": so}, capture_output=True, text=True,
                       timeout=60)
    m = POINT.search(r.stdout)
    assert m, r.stdout + r.stderr
    return m.group(1), m.group(2) or "", r.stdout


def test_kernel_fde_is_the_known_defect(tmp_path):
    status, reason, out = run(tmp_path, "honest", HONEST)
    assert status == "ok" and reason.startswith("XFAIL known kernel defect vdso32-c-no-cfi"), out
    # the new shape, not only samples inside the function itself
    assert re.search(r"^# [1-9]\d* in __kernel_vsyscall, whose return address is in a C function", out, re.M), out


def test_lying_fde_fails(tmp_path):
    status, reason, out = run(tmp_path, "lying")
    assert status == "not ok" and not reason, out
    assert "from PC __kernel_vsyscall+" in out and "the walk went __vdso_clock_gettime+" in out, out


def test_kernel_before_the_defect_fails(tmp_path):
    status, reason, out = run(tmp_path, "early", HONEST, ("kernel", "0x030e00"))
    assert status == "not ok" and not reason, out
