"""`vdsoconf run` end to end: exit codes, selection, timeouts, usage errors."""

import json
import sys
import time

import pytest

from runner_helpers import describe, run_in, stub_dir, summary_rows, vdsoconf


def test_all_good_exits_0(tmp_path):
    d = stub_dir(tmp_path, "pass", "nested", "skipall", "skipexit4")
    r = run_in(tmp_path, d)
    assert r.returncode == 0, describe(r)
    assert summary_rows(r.stdout)["total"] == (8, 0, 2, 0)


def test_hang_is_killed_with_its_process_group(tmp_path):
    d = stub_dir(tmp_path, "hang", "pass")
    start = time.monotonic()
    r = run_in(tmp_path, d, "--timeout", "1")
    # the stub's `sleep 30` holds the pipe: only a group kill ends it in time
    assert time.monotonic() - start < 15
    assert r.returncode == 1, describe(r)
    assert "timed out after 1 s" in r.stdout
    rows = summary_rows(r.stdout)
    assert rows["hang"] == (0, 1, 0, 0) and rows["pass"] == (2, 0, 0, 0)
    case = next(c for c in json.loads((tmp_path / "report.json").read_text())["cases"]
                if c["name"] == "hang")
    assert case["timed_out"] is True and case["signal"] is None


def test_k_filters_test_points(tmp_path):
    d = stub_dir(tmp_path, "pass", "fail", "nested")
    r = run_in(tmp_path, d, "-k", "stub.pass.one or nest.flat")
    assert r.returncode == 0, describe(r)
    rows = summary_rows(r.stdout)
    assert rows == {"pass": (1, 0, 0, 0), "nested": (1, 0, 0, 0), "total": (2, 0, 0, 0)}
    rep = json.loads((tmp_path / "report.json").read_text())
    assert {(c["name"], t["name"]) for c in rep["cases"] for t in c["tests"]} == {
        ("pass", "stub.pass.one"), ("nested", "nest.flat")}


def test_named_cases_only(tmp_path):
    d = stub_dir(tmp_path, "pass", "fail", "nested")
    r = run_in(tmp_path, d, "pass", "nested")
    assert r.returncode == 0, describe(r)
    assert set(summary_rows(r.stdout)) == {"pass", "nested", "total"}


def test_target_is_passed_as_an_absolute_path(tmp_path):
    d = stub_dir(tmp_path, "target")
    _native_so(tmp_path / "fake.so")
    r = run_in(tmp_path, d, "--target", "fake.so", cwd=tmp_path)
    assert r.returncode == 0, describe(r)
    assert json.loads((tmp_path / "report.json").read_text())["target"] == str(tmp_path / "fake.so")


def test_reproduce_line_carries_the_target(tmp_path):
    d = stub_dir(tmp_path, "fail")
    _native_so(tmp_path / "fake.so")
    r = run_in(tmp_path, d, "--target", tmp_path / "fake.so")
    assert r.returncode == 1
    assert f"reproduce: VDSOCONF_TARGET={tmp_path / 'fake.so'} " in r.stdout


def test_zero_cases_is_a_failure(tmp_path):
    (tmp_path / "empty").mkdir()
    r = run_in(tmp_path, tmp_path / "empty")
    assert r.returncode == 1
    assert "no cases found" in r.stderr
    r = run_in(tmp_path, tmp_path / "missing")
    assert r.returncode == 1 and "no such directory" in r.stderr


def test_filter_matching_nothing_is_a_failure(tmp_path):
    r = run_in(tmp_path, stub_dir(tmp_path, "pass"), "-k", "no.such.point")
    assert r.returncode == 1, describe(r)
    assert "no test point ran" in r.stdout


@pytest.mark.parametrize("args, expected", [
    (["run", "--bogus"], "unrecognized arguments: --bogus"),
    (["run", "--timeout", "soon"], "--timeout"),
    (["run", "--timeout", "0"], "positive number of seconds"),
    (["run", "--repeat", "0"], "--repeat"),
    (["run", "--target", "/no/such/fake.so"], "--target /no/such/fake.so: no such file"),
    (["run", "no-such-case"], "unknown case 'no-such-case'"),
    ([], "required"),
    (["walk"], "invalid choice"),
])
def test_usage_errors_exit_2_with_one_line(tmp_path, args, expected):
    d = stub_dir(tmp_path, "pass")
    r = vdsoconf(*args[:1], "--cases-dir", d, *args[1:]) if args[:1] == ["run"] else vdsoconf(*args)
    assert r.returncode == 2, describe(r)
    assert expected in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def _native_so(path):
    """An ELF header of the runner's own ABI (its interpreter's), made a
    shared object (e_type ET_DYN), like a vDSO."""
    with open(sys.executable, "rb") as f:
        head = bytearray(f.read(64))
    head[16:18] = (3).to_bytes(2, "little" if head[5] == 1 else "big")
    path.write_bytes(bytes(head))
    return path


def _file(path, data):
    path.write_bytes(data)
    return path


def _elf(path, elfclass, e_type, machine):
    """A 64-byte ELF header: enough for the runner's one look at a target."""
    path.write_bytes(b"\x7fELF" + bytes([elfclass, 1, 1]) + bytes(9)
                     + e_type.to_bytes(2, "little") + machine.to_bytes(2, "little") + bytes(44))
    return path


@pytest.mark.parametrize("make, expected", [
    (lambda d: _file(d / "text.so", b"not an object\n"), "not an ELF file"),
    (lambda d: _elf(d / "exec.so", 2, 2, 62), "not a shared object (e_type 2"),
    (lambda d: _elf(d / "vax.so", 1, 3, 75), "no cases for its ABI"),
    (lambda d: _elf(d / "ppc.so", 2, 3, 21), "no ppc64 cases are built"),
    (lambda d: _file(d / "short.so", b"\x7fELF\x02"), "truncated"),
], ids=["text", "executable", "unknown-machine", "other-arch", "truncated"])
def test_target_checked_once(tmp_path, make, expected):
    """A target that cannot be one is one error line and exit 2, before any case runs."""
    target = make(tmp_path)
    r = run_in(tmp_path, stub_dir(tmp_path, "pass"), "--target", target)
    assert r.returncode == 2, describe(r)
    assert expected in r.stderr and f"--target {target}: " in r.stderr, describe(r)
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert not (tmp_path / "report.json").exists()


def test_target_runs_only_the_cases_of_its_abi(tmp_path):
    cases = stub_dir(tmp_path, "pass")
    (cases / "pass-x32").write_bytes((cases / "pass").read_bytes())
    (cases / "pass-x32").chmod(0o755)
    target = _elf(tmp_path / "fake-x32.so", 1, 3, 62)
    r = run_in(tmp_path, cases, "--target", target)
    assert "x32 shared object, 1 case(s) of that ABI" in r.stdout, describe(r)
    ran = [c["name"] for c in json.loads((tmp_path / "report.json").read_text())["cases"]]
    assert ran == ["pass-x32"]


def test_named_case_runs_in_the_targets_abi(tmp_path):
    # "pass" against an x32 target is pass-x32; another ABI's build is refused
    cases = stub_dir(tmp_path, "pass")
    for suffix in ("-x32", "-i386"):
        (cases / f"pass{suffix}").write_bytes((cases / "pass").read_bytes())
        (cases / f"pass{suffix}").chmod(0o755)
    target = _elf(tmp_path / "fake-x32.so", 1, 3, 62)
    r = run_in(tmp_path, cases, "--target", target, "pass")
    ran = [c["name"] for c in json.loads((tmp_path / "report.json").read_text())["cases"]]
    assert ran == ["pass-x32"], describe(r)
    r = run_in(tmp_path, cases, "--target", target, "pass-i386")
    assert r.returncode == 2 and "case 'pass-i386' is not of the target's ABI: use 'pass'" in r.stderr
