"""--repeat runs the suite again and names the test points that changed."""

import json

from runner_helpers import describe, run_in, stub_dir


def test_flaky_point_is_reported(tmp_path):
    d = stub_dir(tmp_path, "flaky", "pass")
    r = run_in(tmp_path, d, "--repeat", "3")
    assert r.returncode == 1, describe(r)
    assert "flaky: 1 test point(s) changed result over 3 runs" in r.stdout
    assert "flaky: flaky.coin: pass fail pass" in r.stdout
    rep = json.loads((tmp_path / "report.json").read_text())
    assert rep["repeat"] == 3
    assert rep["flaky"] == [{"case": "flaky", "name": "flaky.coin",
                             "statuses": ["pass", "fail", "pass"]}]


def test_stable_suite_repeats_clean(tmp_path):
    r = run_in(tmp_path, stub_dir(tmp_path, "pass", "nested"), "--repeat", "2")
    assert r.returncode == 0, describe(r)
    assert "flaky: 0 test point(s)" in r.stdout
