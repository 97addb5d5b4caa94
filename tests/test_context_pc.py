"""Which sampled PCs pc.sample counts as "just after a system call"
(lib/case/context_pc.h, tests/c/context_pc_test.c): on this machine, and
for 32-bit ARM under QEMU's user mode, where a Thumb-2 counter read in
arm64's compat vDSO once read as an ARM svc and made every sample a system
call."""

import os
import shutil
import subprocess

import pytest

from conftest import REPO

SRC = REPO / "tests" / "c" / "context_pc_test.c"
FLAGS = ["-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror", "-O2", f"-I{REPO / 'lib'}"]


def run(cc, out, prefix=()):
    r = subprocess.run([cc, *FLAGS, "-static", "-o", str(out), str(SRC)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([*prefix, str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "\nok " in r.stdout and "not ok" not in r.stdout, r.stdout


def test_native(tmp_path):
    run(os.environ.get("CC", "cc"), tmp_path / "context_pc_test")


@pytest.mark.skipif(not (shutil.which("arm-linux-gnueabihf-gcc") and shutil.which("qemu-arm-static")),
                    reason="no arm-linux-gnueabihf-gcc or qemu-arm-static (./install-deps qemu)")
@pytest.mark.parametrize("mode", ["-mthumb", "-marm"])
def test_arm(tmp_path, mode):
    FLAGS.append(mode)
    try:
        run("arm-linux-gnueabihf-gcc", tmp_path / "context_pc_test", ["qemu-arm-static"])
    finally:
        FLAGS.remove(mode)
