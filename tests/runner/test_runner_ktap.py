"""The KTAP parser, on text: what each construct becomes, what counts as malformed."""

import pytest

from runner_helpers import ktap_doc  # first: it makes `runner` importable
from runner.core import ktap


def test_results_carry_name_number_status_and_the_diagnostics_before_them():
    d = ktap_doc("KTAP version 1", "1..2",
            "# looking at __vdso_time",
            "ok 1 symbols.bind.__vdso_time",
            "# expected STT_FUNC, got STT_NOTYPE",
            "# second line",
            "not ok 2 symbols.type.__vdso_getcpu")
    assert d.version == "KTAP version 1" and d.plan == 2
    assert [(p.number, p.name, p.status) for p in d.children] == [
        (1, "symbols.bind.__vdso_time", "pass"), (2, "symbols.type.__vdso_getcpu", "fail")]
    assert d.children[0].diagnostics == ["looking at __vdso_time"]
    assert d.children[1].diagnostics == ["expected STT_FUNC, got STT_NOTYPE", "second line"]
    assert ktap.problems(d) == []


@pytest.mark.parametrize("line, status, directive, reason", [
    ("ok 1 a.b # SKIP no alias on this arch", "skip", "SKIP", "no alias on this arch"),
    ("not ok 1 a.b # SKIP not root", "skip", "SKIP", "not root"),
    ("ok 1 a.b # skipped: old kernel", "skip", "SKIP", "old kernel"),
    ("ok 1 a.b # XFAIL known bug", "xfail", "XFAIL", "known bug"),
    ("not ok 1 a.b # XFAIL known bug", "xfail", "XFAIL", "known bug"),
    ("not ok 1 a.b # TODO later", "xfail", "TODO", "later"),
    ("ok 1 a.b # todo later", "xfail", "TODO", "later"),
    ("ok 1 a.b # XPASS fixed", "xpass", "XPASS", "fixed"),
    ("not ok 1 a.b # TIMEOUT 45 seconds", "fail", "TIMEOUT", "45 seconds"),
    ("not ok 1 a.b # error could not read", "fail", None, "error could not read"),
    ("ok 1 a.b # just a remark", "pass", None, "just a remark"),
])
def test_directives(line, status, directive, reason):
    p = ktap_doc("KTAP version 1", "1..1", line).children[0]
    assert (p.name, p.status, p.directive, p.reason) == ("a.b", status, directive, reason)


def test_kselftest_style_lines_without_a_name():
    d = ktap_doc("TAP version 13", "1..2", "ok 1 # SKIP not root", "ok 2 # XFAIL known")
    assert d.version == "TAP version 13"
    assert [(p.name, p.status, p.reason) for p in d.children] == [
        ("", "skip", "not root"), ("", "xfail", "known")]


def test_tap_dash_and_hash_inside_a_name():
    d = ktap_doc("TAP version 14", "1..2", "ok 1 - a.dashed", "ok 2 a.b#2")
    assert [p.name for p in d.children] == ["a.dashed", "a.b#2"]


def test_nested_two_levels():
    d = ktap_doc("KTAP version 1", "1..2",
            "  KTAP version 1", "  1..2",
            "    KTAP version 1", "    1..1",
            "    ok 1 pc.sample.inner.x",
            "  ok 1 pc.sample.inner",
            "  # about the next one",
            "  not ok 2 pc.sample.time",
            "# parent diagnostic",
            "not ok 1 pc.sample",
            "ok 2 pc.maps")
    assert ktap.problems(d) == []
    outer = d.children[0]
    assert (outer.name, outer.status, outer.plan, outer.has_subtest) == ("pc.sample", "fail", 2, True)
    assert outer.diagnostics == ["parent diagnostic"]
    inner = outer.children[0]
    assert (inner.name, inner.plan) == ("pc.sample.inner", 1)
    assert [c.name for c in inner.children] == ["pc.sample.inner.x"]
    assert outer.children[1].diagnostics == ["about the next one"]
    assert not d.children[1].has_subtest
    # output order: a parent comes after its children
    assert [p.name for p in d.walk()] == [
        "pc.sample.inner.x", "pc.sample.inner", "pc.sample.time", "pc.sample", "pc.maps"]


def test_whole_case_skip():
    d = ktap_doc("KTAP version 1", "1..0 # SKIP no vDSO (booted with vdso=0)")
    assert (d.plan, d.skip_reason, d.children) == (0, "no vDSO (booted with vdso=0)", [])
    assert ktap.problems(d) == []


def test_stray_lines_are_kept_as_diagnostics_and_do_not_open_subtests():
    d = ktap_doc("some banner from a library",
            "KTAP version 1", "1..2",
            "ok 1 a.one",
            "    at frame #3 (indented junk)",
            "ok 2 a.two",
            "# Totals: pass:2 fail:0")
    assert ktap.problems(d) == []
    assert d.children[0].diagnostics == ["some banner from a library"]
    assert d.children[1].diagnostics == ["at frame #3 (indented junk)"]
    assert d.trailing == ["Totals: pass:2 fail:0"]


def test_plan_at_the_end_and_crlf():
    d = ktap.parse("TAP version 13\r\nok 1 a\r\nok 2 b\r\n1..2\r\n")
    assert ktap.problems(d) == [] and d.plan == 2


@pytest.mark.parametrize("lines, expected", [
    (("1..1", "ok 1 a"), "no KTAP version line"),
    (("KTAP version 1", "ok 1 a"), "no plan"),
    (("KTAP version 1", "1..3", "ok 1 a", "ok 2 b"), "planned 3 test points, got 2"),
    (("KTAP version 1", "1..2", "ok 2 a", "ok 1 b"), "test point 2 out of order (expected 1)"),
    (("KTAP version 1", "1..1", "1..1", "ok 1 a"), "second plan"),
    (("KTAP version 1", "1..1", "ok 1 a", "KTAP version 1"), "unexpected version line"),
    (("KTAP version 1", "1..1", "  KTAP version 1", "  1..1", "  ok 1 x"),
     "nested subtest has no result line"),
    (("KTAP version 1", "1..1", "  KTAP version 1", "  1..2", "  ok 1 x", "ok 1 a"),
     "subtest a: planned 2 test points, got 1"),
    (("KTAP version 1", "1..2", "ok 1 a", "Bail out! no target"), "Bail out! no target"),
    ((), "no KTAP version line"),
])
def test_malformed(lines, expected):
    found = ktap.problems(ktap_doc(*lines))
    assert any(expected in p for p in found), found


def test_one_skipped_number_is_one_error():
    found = ktap.problems(ktap_doc("KTAP version 1", "1..4", "ok 1 a", "ok 3 b", "ok 4 c", "ok 5 d"))
    assert len([p for p in found if "out of order" in p]) == 1


def test_a_short_plan_can_be_excused_but_a_long_one_cannot():
    short = ktap_doc("KTAP version 1", "1..3", "ok 1 # SKIP not root")
    assert ktap.problems(short, short_plan_ok=True) == []
    assert ktap.problems(short) == ["planned 3 test points, got 1"]
    long = ktap_doc("KTAP version 1", "1..1", "ok 1 a", "ok 2 b")
    assert ktap.problems(long, short_plan_ok=True) == ["planned 1 test points, got 2"]


def test_bail_out_is_recorded_and_can_be_left_out_of_problems():
    d = ktap_doc("KTAP version 1", "1..1", "Bail out! cannot open /x")
    assert d.bail == "cannot open /x"
    assert ktap.problems(d, short_plan_ok=True, bail=False) == []
