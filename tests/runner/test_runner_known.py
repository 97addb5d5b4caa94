"""Known kernel defects: the XFAIL label the cases write (lib/case/known.h)
is found in a run, listed per kernel in report.json and on the terminal;
an XFAIL without the label is not counted as a known defect."""

import json

from runner_helpers import run_in
from runner.core import known  # after runner_helpers, which makes it importable

LABEL = ("known kernel defect getres-clock-aux (since 6.17.0, lib/vdso/gettimeofday.c, "
         "__cvdso_clock_getres_common())")

STUB = f"""#!/bin/sh
echo 'TAP version 13'
echo '1..4'
echo 'ok 1 clock.einval.16 # XFAIL {LABEL}: clock_getres(16) returned 0'
echo 'ok 2 fault.einval.clock_getres.CLOCK_AUX # XFAIL {LABEL}: SIGSEGV'
echo 'ok 3 other.thing # XFAIL some expected failure of no known defect'
echo 'ok 4 clock.einval.17 # XFAIL {LABEL}: again'
exit 0
"""


def test_parse_label_with_parentheses_in_the_source():
    assert known.parse(LABEL + ": detail") == (
        "getres-clock-aux", "6.17.0", "lib/vdso/gettimeofday.c, __cvdso_clock_getres_common()")
    assert known.parse("known kernel bug: no label") is None
    assert known.parse("") is None


def test_shown_groups_by_defect_and_ignores_other_statuses():
    got = known.shown([("a", "xfail", LABEL), ("b", "fail", LABEL), ("a", "xfail", LABEL),
                       ("c", "xfail", "nothing known"), ("d", "xfail", LABEL + ": x")])
    assert [(d["id"], d["points"]) for d in got] == [("getres-clock-aux", ["a", "d"])]
    assert known.render([]) == "known kernel defects shown: none"


def test_run_reports_known_defects(tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    stub = cases / "known"
    stub.write_text(STUB)
    stub.chmod(0o755)
    r = run_in(tmp_path, cases)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "known kernel defects shown: getres-clock-aux (since 6.17.0: 3 points)" in r.stdout
    report = json.loads((tmp_path / "report.json").read_text())
    [d] = report["known_defects"]
    assert d["id"] == "getres-clock-aux" and d["since"] == "6.17.0"
    assert d["points"] == ["known: clock.einval.16", "known: fault.einval.clock_getres.CLOCK_AUX",
                           "known: clock.einval.17"]
