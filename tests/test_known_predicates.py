"""Known kernel defects whose shape no fake can show
(tests/c/known_predicates_test.c against lib/case/known.c): the time
syscall's race with the timekeeper, and the unwind tables of the riscv,
mips, powerpc and loongarch vDSOs, recognised only in their own shape."""

import os
import subprocess

from conftest import REPO, build_path


def test_only_each_defects_shape_is_recognised(tmp_path):
    prog = tmp_path / "known_predicates_test"
    b = build_path() / "native"
    r = subprocess.run([os.environ.get("CC", "cc"), "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror",
                        f"-I{REPO / 'lib'}", "-o", str(prog), str(REPO / "tests" / "c" / "known_predicates_test.c"),
                        str(b / "libcase.a"), str(b / "libexpect.a"), str(b / "libvdso.a"), "-ldl", "-lpthread"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(prog)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout
    assert r.stdout.count("\nok ") == 32, r.stdout
