"""A case's verdict as a whole, and the names its test points get."""

import pytest

from runner_helpers import ktap_doc  # first: it makes `runner` importable
from runner.core.caserun import CaseRun
from runner.core.points import flatten
from runner.core.verdict import judge

OK = "KTAP version 1\n1..1\nok 1 a.one\n"


def verdict(stdout, exit_code=0, **kw):
    run = CaseRun(name="c", path="/x/c", stdout=stdout, exit_code=exit_code,
                  timeout_s=kw.pop("timeout_s", 60.0), **kw)
    return judge(run, ktap_doc(stdout))


def test_clean_pass():
    v = verdict(OK)
    assert (v.status, v.failures, v.skip_reason) == ("pass", [], None)


@pytest.mark.parametrize("kw, expected", [
    (dict(exit_code=None, signal="SIGSEGV"), "killed by SIGSEGV"),
    (dict(exit_code=None, timed_out=True, timeout_s=1.0), "timed out after 1 s"),
    (dict(exit_code=None, timed_out=True, timeout_s=2.5), "timed out after 2.5 s"),
    (dict(exit_code=139), "exit code 139 (128+SIGSEGV)"),
    (dict(exit_code=7), "exit code 7"),
    (dict(exit_code=1), "exit code 1 (fail) but no test point failed"),
    (dict(exit_code=3), "exit code 3 (xpass) but no test point passed unexpectedly"),
])
def test_run_level_failures(kw, expected):
    v = verdict(OK, **kw)
    assert v.status == "fail" and expected in v.failures


def test_a_crash_does_not_also_report_its_short_plan_as_a_failure():
    v = verdict("KTAP version 1\n1..3\nok 1 a\n", exit_code=None, signal="SIGABRT")
    assert v.failures == ["killed by SIGABRT"]
    assert v.malformed == ["planned 3 test points, got 1"]


def test_bail_out():
    v = verdict("KTAP version 1\n1..2\nok 1 a\nBail out! no target\n", exit_code=1)
    assert v.failures == ["Bail out! no target"]


def test_malformed_output_fails_the_case():
    v = verdict("ok 1 a\n")
    assert v.failures == ["malformed KTAP: no KTAP version line; no plan"]


@pytest.mark.parametrize("stdout, exit_code, reason", [
    ("KTAP version 1\n1..0 # SKIP no vDSO\n", 4, "no vDSO"),
    ("KTAP version 1\n# not root\n", 4, "not root"),
    ("KTAP version 1\n", 4, "exit code 4 (skip)"),
])
def test_whole_case_skip(stdout, exit_code, reason):
    v = verdict(stdout, exit_code)
    assert (v.status, v.skip_reason, v.failures) == ("skip", reason, [])


def test_exit_4_after_a_plan_excuses_the_missing_points():
    v = verdict("KTAP version 1\n1..5\nok 1 # SKIP not root\n", 4)
    assert (v.status, v.failures, v.skip_reason) == ("skip", [], None)


def test_failing_point_fails_the_case_without_a_run_level_failure():
    v = verdict("KTAP version 1\n1..1\nnot ok 1 a\n", 1)
    assert (v.status, v.failures) == ("fail", [])


def names(text, case="c"):
    return [p.name for p in flatten(ktap_doc(text), case)]


def test_names_of_nested_points():
    text = ("KTAP version 1\n1..3\n"
            "  KTAP version 1\n  1..3\n"
            "  ok 1 pc.sample.clock_gettime\n"      # dotted, unique: kept
            "  ok 2 check\n"                        # bare: joined
            "  ok 3 dup.name\n"                     # dotted but not unique: joined
            "ok 1 pc.sample\n"
            "  KTAP version 1\n  1..1\n  ok 1 dup.name\n"
            "ok 2 pc.other\n"
            "ok 3 # SKIP nameless\n")
    assert names(text) == ["pc.sample.clock_gettime", "pc.sample/check", "pc.sample/dup.name",
                           "pc.sample", "pc.other/dup.name", "pc.other", "c.3"]


def test_duplicate_names_are_numbered():
    assert names("KTAP version 1\n1..3\nok 1 a.x\nok 2 a.x\nok 3 a.x\n") == ["a.x", "a.x#2", "a.x#3"]
