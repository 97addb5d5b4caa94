"""A case binary of an ABI the kernel cannot run (x32 on a kernel without
CONFIG_X86_X32_ABI) is a skip with that reason, not a failure; a program
of our own ABI that cannot start (a broken build) is still a failure."""

import json

import runner_helpers as h


def test_exec_format_error_is_a_skip(tmp_path):
    cases = h.stub_dir(tmp_path, "pass")
    foreign = cases / "foreign-x32"
    # an ELF header of a machine nobody runs (e_machine 0xfeed): ENOEXEC
    foreign.write_bytes(b"\x7fELF\x01\x01\x01" + bytes(9) + b"\x02\x00\xed\xfe" + bytes(40))
    foreign.chmod(0o755)
    r = h.run_in(tmp_path, cases)
    assert r.returncode == 0, h.describe(r)
    rep = json.loads((tmp_path / "report.json").read_text())
    case = next(c for c in rep["cases"] if c["name"] == "foreign-x32")
    assert [t["status"] for t in case["tests"]] == ["skip"]
    assert "exec format error" in case["tests"][0]["reason"]


def test_broken_native_binary_fails(tmp_path):
    cases = h.stub_dir(tmp_path, "pass")
    broken = cases / "broken"
    broken.write_bytes(b"\x00not a program at all\n")  # execve: ENOEXEC, no ELF header
    broken.chmod(0o755)
    r = h.run_in(tmp_path, cases)
    assert r.returncode == 1, h.describe(r)
    rep = json.loads((tmp_path / "report.json").read_text())
    case = next(c for c in rep["cases"] if c["name"] == "broken")
    assert [t["status"] for t in case["tests"]] == ["fail"]
