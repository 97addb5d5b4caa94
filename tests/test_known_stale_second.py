"""The shape of the known defect time-syscall-stale-second
(tests/c/known_stale_second_test.c against lib/case/known.c): the kernel's
own race, and nothing a vDSO could do wrong on its own, is recognised."""

import os
import subprocess

from conftest import REPO, build_path


def test_only_the_defects_shape_is_recognised(tmp_path):
    prog = tmp_path / "known_stale_second_test"
    b = build_path() / "native"
    r = subprocess.run([os.environ.get("CC", "cc"), "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror",
                        f"-I{REPO / 'lib'}", "-o", str(prog), str(REPO / "tests" / "c" / "known_stale_second_test.c"),
                        str(b / "libcase.a"), str(b / "libexpect.a"), str(b / "libvdso.a"), "-ldl", "-lpthread"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(prog)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout
    assert r.stdout.count("\nok ") == 7, r.stdout
