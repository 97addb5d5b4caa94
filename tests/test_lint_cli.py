"""`vdsotool lint` as a command: KTAP that the runner's parser accepts
(one nested subtest per image, one point per rule, lint.<image>.<rule>),
JSON, exit codes, bad input, and every malformed fixture under ASan+UBSan.
"""

import json
import re

import pytest

from conftest import REPO, describe, generated, run, sanitizer_report
from test_lint_rules import lint_fixtures

import sys
sys.path.insert(0, str(REPO))
from runner.core import ktap  # noqa: E402


def fixture(name):
    return next(e["path"] for e in lint_fixtures() if e["file"] == name)


def test_ktap_nested_per_image(vdsotool):
    paths = [fixture("clean-x86_64.so"), fixture("rule-plt.so"), fixture("rule-runpath.so")]
    argv = [vdsotool, "lint"] + paths
    r = run(argv)
    assert r.returncode == 1, describe(argv, r)
    doc = ktap.parse(r.stdout)
    assert not ktap.problems(doc), ktap.problems(doc)
    assert [c.name for c in doc.children] == ["lint.clean-x86_64", "lint.rule-plt", "lint.rule-runpath"]
    assert [c.status for c in doc.children] == ["pass", "fail", "pass"]
    for image in doc.children:
        assert image.version is not None and image.plan == len(image.children) >= 20
        assert all(p.name.startswith(image.name + ".") for p in image.children)
    plt = {p.name: p for p in doc.children[1].children}
    assert plt["lint.rule-plt.relocs"].status == "fail"
    assert any("DT_JMPREL" in d for d in plt["lint.rule-plt.relocs"].diagnostics)
    assert plt["lint.rule-plt.undefined"].status == "fail"
    runpath = {p.name: p for p in doc.children[2].children}["lint.rule-runpath.runpath"]
    assert runpath.status == "pass" and any(d.startswith("warning: DT_RUNPATH") for d in runpath.diagnostics)


def test_ktap_skips_say_why(vdsotool):
    argv = [vdsotool, "lint", fixture("rule-machine.so")]
    doc = ktap.parse(run(argv).stdout)
    skips = [p for p in doc.walk() if p.status == "skip"]
    assert skips and all(p.reason for p in skips)
    assert {p.name.rsplit(".", 1)[-1] for p in skips} >= {"soname", "expected", "version"}


def test_json_schema(vdsotool):
    argv = [vdsotool, "lint", "--json", fixture("clean-s390x.so"), fixture("rule-release.so")]
    r = run(argv)
    assert r.returncode == 0, describe(argv, r)
    doc = json.loads(r.stdout)
    assert doc["strict"] is False
    assert doc["totals"] == {"images": 2, "passed": 2, "failed": 0, "errors": 0, "warnings": 1}
    s390 = doc["images"][0]
    assert (s390["machine"], s390["arch"], s390["class"], s390["endian"], s390["soname"]) == \
        ("s390", "s390x", 64, "big", "linux-vdso64.so.1")
    assert s390["linux_version"] == "6.18.44" and len(s390["build_id"]) == 40
    for rule in s390["rules"]:
        assert set(rule) == {"rule", "point", "severity", "status", "what", "messages"}
        assert rule["point"] == f"lint.clean-s390x.{rule['rule']}"
        assert rule["severity"] in ("error", "warning") and rule["what"]


def test_usage(vdsotool):
    for argv, code in (([vdsotool, "lint"], 2), ([vdsotool, "lint", "--bogus", "x"], 2)):
        r = run(argv)
        assert r.returncode == code and len(r.stderr.splitlines()) == 1, describe(argv, r)


def test_option_like_file_after_dashdash(vdsotool, tmp_path):
    p = tmp_path / "--json"
    p.write_bytes(open(fixture("clean-x86_64.so"), "rb").read())
    argv = [vdsotool, "lint", "--", str(p)]
    r = run(argv)
    assert r.returncode == 0 and r.stdout.startswith("KTAP version 1"), describe(argv, r)


@pytest.mark.parametrize("what", ["missing", "directory", "empty", "text"])
def test_bad_files_one_line(asan_vdsotool, tmp_path, what):
    target = {"missing": tmp_path / "nope.so", "directory": tmp_path,
              "empty": tmp_path / "empty.so", "text": tmp_path / "notes.txt"}[what]
    (tmp_path / "empty.so").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("not an image\n" * 20)
    argv = [asan_vdsotool, "lint", str(target)]
    r = run(argv, sanitized=True)
    assert not sanitizer_report(r.stderr), describe(argv, r)
    assert r.returncode == 1, describe(argv, r)
    assert r.stderr.splitlines() and len(r.stderr.splitlines()) == 1, describe(argv, r)
    assert r.stderr.startswith(f"vdsotool: {target}: "), describe(argv, r)
    assert "not ok 1 lint." in r.stdout


def test_malformed_fixtures_under_asan(asan_vdsotool):
    """Every malformed image is linted (header rules still judged), with
    one stderr line each and no sanitizer report."""
    entries = generated()[1]
    for i in range(0, len(entries), 400):
        batch = entries[i:i + 400]
        argv = [asan_vdsotool, "lint", "--json", "--"] + [e["path"] for e in batch]
        r = run(argv, sanitized=True, timeout=120)
        assert not sanitizer_report(r.stderr), describe(argv[:4] + ["..."], r)
        assert r.returncode == 1, describe(argv[:4] + ["..."], r)
        doc = json.loads(r.stdout)
        assert doc["totals"]["failed"] == len(batch)
        # one line per file, naming that file and the rule it breaks: two
        # lines for one image and none for another would count right in sum
        lines = {}
        for line in r.stderr.splitlines():
            path = next((e["path"] for e in batch if line.startswith(f"vdsotool: {e['path']}: ")), None)
            assert path, f"a stderr line names no file of the batch: {line}"
            lines.setdefault(path, []).append(line)
        for e in batch:
            got = lines.get(e["path"], [])
            assert len(got) == 1, f"{e['path']}: {len(got)} error lines, expected 1:\n" + "\n".join(got)
            assert re.search(e["rule"], got[0].split(f"{e['path']}: ", 1)[1]), \
                f"{e['path']}: the error does not name the rule broken (/{e['rule']}/): {got[0]}"


def test_rule_fixtures_under_asan(asan_vdsotool):
    paths = [e["path"] for e in lint_fixtures()]
    argv = [asan_vdsotool, "lint", "--"] + paths
    r = run(argv, sanitized=True)
    assert not sanitizer_report(r.stderr), describe(argv[:4] + ["..."], r)
    assert r.returncode == 1
