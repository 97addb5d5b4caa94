"""The tools kernel CI already has accept the cases: Perl's TAP::Harness
(prove) and a kselftest-style install run by run_vdsoconf.sh."""

import shutil
import subprocess
import sys

import pytest

from conftest import REPO, build_path, whole_case_skips

sys.path.insert(0, str(REPO))
from runner.core import ktap  # noqa: E402

CASES = sorted(p.stem for p in (REPO / "cases").glob("*.c"))


def test_prove_accepts_every_case():
    if not shutil.which("prove"):
        pytest.skip("prove (perl) is not installed")
    skips = whole_case_skips(build_path() / "cases", CASES)
    cases = [str(build_path() / "cases" / c) for c in CASES if c not in skips]
    r = subprocess.run(["prove", "--exec", "", "-v"] + cases, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0 and "Result: PASS" in r.stdout, r.stdout[-4000:] + r.stderr[-2000:]
    # a whole-case skip is TAP's skip_all; only its exit status (4) is
    # not prove's
    for c in skips:
        r = subprocess.run(["prove", "--exec", "", "-v", str(build_path() / "cases" / c)], capture_output=True,
                           text=True, timeout=60)
        assert "skipped: " in r.stdout and "Non-zero exit status: 4" in r.stdout, r.stdout


def test_install_and_run_vdsoconf_sh(tmp_path):
    dest = tmp_path / "kselftest"
    r = subprocess.run(["make", "-s", f"B={build_path()}", "install", f"INSTALL_PATH={dest}"],
                       cwd=REPO, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    listed = subprocess.run([str(dest / "run_vdsoconf.sh"), "-l"], capture_output=True, text=True)
    assert listed.stdout.split() == CASES
    run = subprocess.run([str(dest / "run_vdsoconf.sh")], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-4000:]
    doc = ktap.parse(run.stdout)
    assert doc.plan == len(CASES) and not ktap.problems(doc)
    assert [c.name for c in doc.children] == [f"vdsoconf:{c}" for c in CASES]
    skips = whole_case_skips(build_path() / "cases", CASES)
    assert all(c.status == ("skip" if c.name[len("vdsoconf:"):] in skips else "pass") for c in doc.children), \
        [(c.name, c.status) for c in doc.children]
    one = subprocess.run([str(dest / "run_vdsoconf.sh"), "-t", "symbols"], capture_output=True,
                         text=True, timeout=300)
    assert ktap.parse(one.stdout).plan == 1
