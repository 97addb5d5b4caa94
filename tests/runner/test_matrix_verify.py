"""`make test-kernels`' check that the suite really ran in each guest
(runner/matrix/verify.py), on matrix columns written by hand."""

import json
import subprocess

import runner_helpers  # noqa: F401  (puts the repository on sys.path)

from runner.matrix import verify
from runner.paths import REPO


def _column(tmp_path, kernel="7.2.13+deb14-riscv64", **kw):
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"kernel": kernel}))
    col = {"kind": "guest", "spec": "sid-riscv64", "id": "x", "arch": "riscv64",
           "label": "7.2.13+deb14-riscv64", "ok": True, "reached_results": True,
           "problem": None, "totals": {"pass": 300, "fail": 2},
           "cases": {"guest": {}, "symbols": {}, "pc": {}}, "report": str(report)}
    col.update(kw)
    return col


def test_a_guest_where_the_suite_ran(tmp_path):
    assert verify.problems(_column(tmp_path), ["pc", "symbols"]) == []
    # the host column is not a guest's
    assert verify.problems({"kind": "host"}, ["pc"]) == []


def test_each_way_the_suite_did_not_run(tmp_path):
    (p,) = verify.problems(_column(tmp_path, reached_results=False, problem="boot timeout"), [])
    assert "never reported its results: boot timeout" in p
    (p,) = verify.problems(_column(tmp_path, totals={"skip": 80}), [])
    assert p == "sid-riscv64: no point passed"
    (p,) = verify.problems(_column(tmp_path, kernel="6.1.0-fake"), [])
    assert "ran '6.1.0-fake', the image is '7.2.13+deb14-riscv64'" in p
    (p,) = verify.problems(_column(tmp_path), ["pc", "symbols", "timens", "warp"])
    assert p.endswith("2 case(s) built for riscv64 missing from the report: timens, warp")
    (p,) = verify.problems(_column(tmp_path, ok=False, problem="no vDSO"), [])
    assert "guest.* failed: no vDSO" in p
    (p,) = verify.problems(_column(tmp_path, report=str(tmp_path / "none.json")), [])
    assert "no readable report.json" in p


def test_built_cases_are_the_packed_ones(tmp_path):
    cases = tmp_path / "static-riscv64" / "cases"
    cases.mkdir(parents=True)
    for name in ("pc", "symbols", "clocks"):     # clocks: a case removed long ago
        (cases / name).write_bytes(b"\x7fELF")
        (cases / name).chmod(0o755)
    assert verify.built_cases("riscv64", tmp_path) == ["pc", "symbols"]
    assert verify.built_cases("nosuch", tmp_path) == []


def test_command_line(tmp_path):
    matrix = tmp_path / "matrix.json"
    matrix.write_text(json.dumps({"columns": [{"kind": "host"}]}))
    run = ["/usr/bin/python3", "-m", "runner.matrix.verify"]
    r = subprocess.run(run + [str(matrix)], cwd=REPO, capture_output=True, text=True)
    assert r.returncode == 1 and "the matrix has no guest column" in r.stderr
    r = subprocess.run(run + [str(tmp_path / "missing.json")], cwd=REPO, capture_output=True,
                       text=True)
    assert r.returncode == 2 and r.stderr.startswith("verify: cannot read")
    r = subprocess.run(run, cwd=REPO, capture_output=True, text=True)
    assert r.returncode == 2 and "usage" in r.stderr
