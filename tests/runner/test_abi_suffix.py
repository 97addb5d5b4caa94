"""Which cases can load a fake target of an ABI, on which machine: the
compat ABIs' programs carry a suffix (-i386, -x32 on x86_64; -arm on
aarch64), and a 32-bit machine's uname names its CPU, not its ABI."""

import os
from collections import namedtuple

from runner.core import target
from runner.core.discover import cases_by_abi

Uname = namedtuple("Uname", "sysname nodename release version machine")


def on(monkeypatch, machine):
    monkeypatch.setattr(target.os, "uname", lambda: Uname("Linux", "h", "6.1", "#1", machine))


def test_compat_suffixes(monkeypatch):
    on(monkeypatch, "x86_64")
    assert [target.case_suffix(a) for a in ("x86_64", "i386", "x32", "arm")] == ["", "-i386", "-x32", None]
    on(monkeypatch, "aarch64")
    assert [target.case_suffix(a) for a in ("aarch64", "arm", "i386")] == ["", "-arm", None]


def test_uname_names_the_abi(monkeypatch):
    for machine, abi in (("armv7l", "arm"), ("i686", "i386"), ("ppc64le", "ppc64"), ("s390x", "s390x"),
                         ("riscv64", "riscv64"), ("loongarch64", "loongarch64")):
        on(monkeypatch, machine)
        assert target.native_abi() == abi and target.case_suffix(abi) == ""


def test_arm_cases_beside_aarch64_ones(tmp_path):
    for name in ("clock_gettime", "clock_gettime-arm", "symbols-arm"):
        p = tmp_path / name
        p.write_text("#!/bin/sh\n")
        os.chmod(p, 0o755)
    assert sorted(cases_by_abi(tmp_path, "-arm")) == ["clock_gettime", "symbols"]
    assert sorted(cases_by_abi(tmp_path, "")) == ["clock_gettime"]
