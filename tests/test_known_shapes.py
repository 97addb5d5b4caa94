"""Known kernel defects are recognised by shape and version on every entry
point where they show, here getres-clock-aux on the time64 clock_getres of
a 32-bit vDSO (7.0+).  The fake getres_time64_aux_early (fixtures/fakes),
whose note says 6.10 and which `make test` holds to FAIL, is built here
with a 7.2 note (the known defect: XFAIL with its label, which the runner
collects per kernel) and with a 4 ms resolution instead of 1 ns (not the
defect's shape: FAIL)."""

import re
import subprocess
import sys

import pytest

from conftest import REPO, build_i386_fake, i386_case

sys.path.insert(0, str(REPO))
from runner.core import known  # noqa: E402

SOURCE = REPO / "fixtures" / "fakes" / "getres_time64_aux_early.c"
KERNEL_7_2 = ("kernel", "0x070200")


def build(tmp_path, name, *directives):
    # the header's own note (6.10) first: a later kernel= directive wins
    return build_i386_fake(SOURCE, tmp_path, name, *directives)


def point(out, name):
    m = re.search(rf"^\s*(ok|not ok) \d+ {re.escape(name)}(?: # (.*))?$", out, re.M)
    assert m, out
    return m.group(1), m.group(2) or ""


def run(name, so):
    r = subprocess.run([str(i386_case(name))], env={"VDSOCONF_TARGET": str(so)}, capture_output=True,
                       text=True, timeout=120)
    return r.stdout + r.stderr


@pytest.mark.parametrize("case_name, name", [
    ("clock_getres", "clock.getres_time64.16"),
    ("fault", "fault.einval.clock_getres_time64.CLOCK_AUX"),
])
def test_the_defect_on_a_kernel_that_has_it_is_known(tmp_path, case_name, name):
    out = run(case_name, build(tmp_path, "known72", KERNEL_7_2))
    status, reason = point(out, name)
    assert status == "ok" and reason.startswith("XFAIL known kernel defect getres-clock-aux"), out
    assert known.parse(reason)[:2] == ("getres-clock-aux", "6.17.0")


@pytest.mark.parametrize("case_name, name", [
    ("clock_getres", "clock.getres_time64.16"),
    ("fault", "fault.einval.clock_getres_time64.CLOCK_AUX"),
])
def test_the_same_shape_before_the_defect_fails(tmp_path, case_name, name):
    out = run(case_name, build(tmp_path, "early"))
    assert point(out, name) == ("not ok", ""), out


def test_another_resolution_is_not_the_defect(tmp_path):
    """The fault point cannot see the value written (the vDSO dies writing
    it), clock_getres can: 4 ms is not the defect's 1 ns."""
    out = run("clock_getres", build(tmp_path, "aux4ms", KERNEL_7_2, ("cflags", "-DAUX_NSEC=4000000")))
    assert point(out, "clock.getres_time64.16") == ("not ok", ""), out
