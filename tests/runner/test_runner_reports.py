"""One `vdsoconf run` over every terminating stub; its table, JUnit, JSON and KTAP log."""

import json
import platform
import xml.etree.ElementTree as ET

import pytest

from runner_helpers import MIXED, describe, run_in, summary_rows, write_stubs
from runner.core import ktap  # after runner_helpers, which makes it importable


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    out = tmp_path_factory.mktemp("mixed")
    cases_dir = write_stubs(out / "cases", MIXED)
    r = run_in(out, cases_dir, "--timeout", "10")
    return out, r


def test_exit_code_and_summary_rows(mixed):
    out, r = mixed
    assert r.returncode == 1, describe(r)
    rows = summary_rows(r.stdout)
    assert rows == {**MIXED, "total": tuple(sum(c) for c in zip(*MIXED.values()))}, r.stdout
    for label in ("KTAP log:", "JUnit XML:", "JSON report:"):
        assert label in r.stdout


def test_failure_text_names_expectation_and_reproduce_line(mixed):
    out, r = mixed
    assert "stub.fail.bad: not ok" in r.stdout
    assert "expected 42, got 41" in r.stdout
    assert "reproduce: " in r.stdout and "cases/fail" in r.stdout


def junit_cases(out):
    root = ET.parse(out / "junit.xml").getroot()
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    assert suite.get("name") == "vdsoconf"
    return {(tc.get("classname"), tc.get("name")): tc for tc in suite.iter("testcase")}


def test_junit(mixed):
    out, _ = mixed
    tcs = junit_cases(out)
    assert len(tcs) == sum(sum(c) for c in MIXED.values())
    bad = tcs[("fail", "stub.fail.bad")].find("failure")
    assert "expected 42, got 41" in bad.text and "reproduce:" in bad.text
    assert tcs[("fail", "stub.fail.good")].find("failure") is None
    assert tcs[("skipall", "skipall.run")].find("skipped").get("message") == "no vDSO on this machine"
    assert tcs[("directives", "dir.xfail")].find("skipped").get("type") == "pytest.xfail"
    assert "XPASS" in tcs[("directives", "dir.xpass")].find("failure").text
    for (case, name), expected in {
            ("crash", "crash.run"): "killed by SIGSEGV",
            ("noversion", "noversion.run"): "no KTAP version line",
            ("noplan", "noplan.run"): "no plan",
            ("shortplan", "shortplan.run"): "planned 3 test points, got 2",
            ("bailout", "bailout.run"): "Bail out! cannot open the target"}.items():
        assert expected in tcs[(case, name)].find("failure").text
    assert ("nested", "nest.outer/plain") in tcs


def test_json_report(mixed):
    out, _ = mixed
    rep = json.loads((out / "report.json").read_text())
    assert rep["version"] == 1
    assert rep["kernel"] == platform.release() and rep["machine"] == platform.machine()
    assert "clocksource" in rep and rep["target"] is None
    assert rep["started"] and rep["duration_s"] >= 0
    assert rep["totals"] == {"pass": 16, "fail": 6, "skip": 3, "xfail": 2, "xpass": 1}
    cases = {c["name"]: c for c in rep["cases"]}
    assert set(cases) == set(MIXED)
    crash = cases["crash"]
    assert (crash["signal"], crash["exit_code"], crash["timed_out"]) == ("SIGSEGV", None, False)
    assert cases["skipall"]["exit_code"] == 4
    assert "planned 3 test points, got 2" in cases["shortplan"]["malformed"]
    tests = {t["name"]: t for t in cases["fail"]["tests"]}
    assert tests["stub.fail.bad"] == {"name": "stub.fail.bad", "status": "fail", "reason": "",
                                      "diagnostics": ["expected 42, got 41"]}
    statuses = {t["name"]: t["status"] for t in cases["directives"]["tests"]}
    assert statuses == {"dir.pass": "pass", "dir.skip": "skip", "dir.xfail": "xfail",
                        "dir.todo": "xfail", "dir.xpass": "xpass"}
    assert {t["name"] for t in cases["nested"]["tests"]} == {
        "nest.outer.inner.a", "nest.outer.inner.b", "nest.outer.inner",
        "nest.outer/plain", "nest.outer", "nest.flat"}


def test_ktap_log_is_one_clean_document(mixed):
    out, _ = mixed
    log = ktap.parse((out / "ktap.log").read_text())
    assert ktap.problems(log) == []
    assert log.plan == len(MIXED)
    status = {p.name: p.status for p in log.children}
    assert status == {"pass": "pass", "fail": "fail", "skipall": "skip", "skipexit4": "skip",
                      "directives": "fail", "nested": "pass", "crash": "fail",
                      "noversion": "fail", "noplan": "fail", "shortplan": "fail",
                      "bailout": "fail"}
    nested = next(p for p in log.children if p.name == "nested")
    # the case's own output is the subtest, two levels of it intact
    assert [c.name for c in nested.children] == ["nest.outer", "nest.flat"]
    assert nested.children[0].children[0].children[1].name == "nest.outer.inner.b"


def test_ktap_log_skipped_case_is_a_leaf(mixed):
    # nested, a 1..0 plan is a subtest with no tests: the kernel's kunit
    # parser reports "0 tests run!" as an error; the case's lines stay as
    # diagnostics and its result line is a skipped leaf
    out, _ = mixed
    text = (out / "ktap.log").read_text()
    log = ktap.parse(text)
    skipall = next(p for p in log.children if p.name == "skipall")
    assert skipall.children == [] and skipall.plan is None
    assert "# 1..0 # SKIP no vDSO on this machine" in text
    assert "  1..0" not in text
