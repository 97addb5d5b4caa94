"""The FDE reader the loongarch ChaCha20 defect is recognised by
(lib/case/cfi.c, tests/c/cfi_test.c), under AddressSanitizer and
UndefinedBehaviorSanitizer: an out-of-bounds read fails the run."""

import os
import subprocess

from conftest import REPO


def test_fde_program_empty_and_bounded(tmp_path):
    prog = tmp_path / "cfi_test"
    r = subprocess.run([os.environ.get("CC", "cc"), "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror",
                        "-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-g",
                        f"-I{REPO / 'lib'}", "-o", str(prog), str(REPO / "tests" / "c" / "cfi_test.c"),
                        str(REPO / "lib" / "case" / "cfi.c")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(prog)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count("ok ") - r.stdout.count("not ok ") == 11, r.stdout
