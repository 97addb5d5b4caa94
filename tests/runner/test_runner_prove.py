"""Perl's prove must accept what our cases print: KTAP header, directives, nesting."""

import shutil
import subprocess

import pytest

from runner_helpers import describe

# Exactly the shapes lib/case/case.h and lib/case/kselftest.h emit.
CASE_OUTPUT = """\
KTAP version 1
# symbols: live vDSO, x86_64
1..5
ok 1 symbols.bind.__vdso_time
ok 2 symbols.alias.time # SKIP no alias on this arch
ok 3 symbols.type.__vdso_getcpu # XFAIL known kernel bug
  KTAP version 1
  1..2
  # diagnostic inside a subtest
  ok 1 pc.sample.clock_gettime
  ok 2 pc.sample.time # SKIP not supported
ok 4 pc.sample
ok 5 # SKIP not root
# Totals: pass:2 fail:0 xfail:1 xpass:0 skip:2 error:0
"""


@pytest.mark.skipif(shutil.which("prove") is None, reason="prove (perl TAP::Harness) not installed")
def test_prove_passes_a_passing_case(tmp_path):
    stub = tmp_path / "case"
    stub.write_text(f"#!/bin/sh\ncat <<'EOF'\n{CASE_OUTPUT}EOF\n")
    stub.chmod(0o755)
    r = subprocess.run(["prove", "-v", "--exec", "/bin/sh", str(stub)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, describe(r)
    assert "Result: PASS" in r.stdout
    assert "Tests=5" in r.stdout
