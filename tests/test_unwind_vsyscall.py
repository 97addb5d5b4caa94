"""abi_unwind's second shape of known defect vdso32-c-no-cfi: a sample in
the i386 vDSO's __kernel_vsyscall, whose FDE is right, returning into a C
function without CFI, where the walk stops.  The fake unwind_vsyscall_lying
(fixtures/fakes) is built here in three ways: with the kernel's FDE (the
known defect, XFAIL), with its own lying FDE (a return address one word
off, inside the function but after no call of __kernel_vsyscall: FAIL),
and with the kernel's FDE but a Linux note older than the defect (FAIL)."""

import re
import subprocess

from conftest import REPO, build_i386_fake, i386_case

SOURCE = REPO / "fixtures" / "fakes" / "unwind_vsyscall_lying.c"
HONEST = ("cflags", "-DUNWIND_VSYSCALL_HONEST")
POINT = re.compile(r"^(ok|not ok) \d+ abi\.unwind\.clock_gettime(?: # (.*))?$", re.M)


def run(tmp_path, name, *directives):
    so = build_i386_fake(SOURCE, tmp_path, name, *directives)
    r = subprocess.run([str(i386_case("abi_unwind"))], env={"VDSOCONF_TARGET": so}, capture_output=True, text=True,
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
