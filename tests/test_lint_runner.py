"""`vdsoconf lint`: extract + lint through the runner, for image files and
kernel images alike, with a summary, JUnit XML and a JSON report."""

import gzip
import json
import random
import sys
import xml.etree.ElementTree as ET

from conftest import REPO, describe, generated, run
from test_lint_rules import lint_fixtures

VDSOCONF = [sys.executable, str(REPO / "runner" / "vdsoconf")]


def fixture(name):
    return next(e["path"] for e in lint_fixtures() if e["file"] == name)


def fake_kernel(tmp_path, names):
    """Random bytes around a gzip stream holding the named images."""
    rnd = random.Random(4)
    valid = {e["file"]: e["path"] for e in generated()[0]}
    lint = {e["file"]: e["path"] for e in lint_fixtures()}
    body = b"".join(rnd.randbytes(3000) + open({**valid, **lint}[n], "rb").read() for n in names)
    k = tmp_path / "vmlinuz-test"
    k.write_bytes(rnd.randbytes(5000) + gzip.compress(body + rnd.randbytes(3000)) + rnd.randbytes(64))
    return k


def lint(tmp_path, *args, tool=None):
    argv = VDSOCONF + ["lint", "--junit", str(tmp_path / "junit.xml"), "--json",
                       str(tmp_path / "report.json"), "--extract-dir", str(tmp_path / "images")]
    if tool:
        argv += ["--tool", tool]
    argv += [str(a) for a in args]
    return argv, run(argv, timeout=120)


def test_images_and_kernels_together(vdsotool, tmp_path):
    k = fake_kernel(tmp_path, ["clean-x86_64.so", "clean-i386.so"])
    argv, r = lint(tmp_path, f"test={k}", fixture("rule-release.so"), tool=vdsotool)
    assert r.returncode == 0, describe(argv, r)
    assert "x86_64-64-linux-vdso.so.1" in r.stdout and "3 images from 2 inputs: 3 passed" in r.stdout
    assert "WARN lint.rule-release.note.release" in r.stdout
    rep = json.loads((tmp_path / "report.json").read_text())
    assert [i["kind"] for i in rep["inputs"]] == ["kernel", "image"]
    assert rep["inputs"][0]["label"] == "test" and len(rep["inputs"][0]["images"]) == 2
    assert rep["totals"] == {"images": 3, "passed": 3, "failed": 0, "errors": 0, "warnings": 1,
                             "inputs_failed": 0}
    assert {i["input"] for i in rep["images"]} == {"test", None}
    suite = ET.parse(tmp_path / "junit.xml").getroot()
    cases = suite.findall("testcase")
    assert int(suite.get("tests")) == len(cases) == 3 * 24 and suite.get("failures") == "0"
    names = {c.get("name") for c in cases}
    assert "lint.test.x86_64-64-linux-vdso.so.1.relocs" in names
    assert "lint.rule-release.note.release" in names
    warn = next(c for c in cases if c.get("name") == "lint.rule-release.note.release")
    assert warn.find("system-out").text.startswith("warning: ")


def test_errors_fail_and_strict_fails_warnings(vdsotool, tmp_path):
    argv, r = lint(tmp_path, fixture("rule-plt.so"), tool=vdsotool)
    assert r.returncode == 1 and "FAIL lint.rule-plt.relocs" in r.stdout, describe(argv, r)
    suite = ET.parse(tmp_path / "junit.xml").getroot()
    assert suite.get("failures") == "2"
    argv, r = lint(tmp_path, fixture("rule-runpath.so"), tool=vdsotool)
    assert r.returncode == 0, describe(argv, r)
    argv, r = lint(tmp_path, "--strict", fixture("rule-runpath.so"), tool=vdsotool)
    assert r.returncode == 1, describe(argv, r)


def test_kernel_without_vdso_fails(vdsotool, tmp_path):
    k = tmp_path / "empty-kernel"
    k.write_bytes(gzip.compress(random.Random(1).randbytes(50000)))
    argv, r = lint(tmp_path, k, fixture("clean-arm.so"), tool=vdsotool)
    assert r.returncode == 1, describe(argv, r)
    assert "FAIL lint.empty-kernel.extract: vdsotool:" in r.stdout
    suite = ET.parse(tmp_path / "junit.xml").getroot()
    failed = [c.get("name") for c in suite.findall("testcase") if c.find("failure") is not None]
    assert failed == ["lint.empty-kernel.extract"]


def test_usage_errors(vdsotool, tmp_path):
    for args in ([], ["--bogus", fixture("clean-arm.so")], [tmp_path / "missing"]):
        argv, r = lint(tmp_path, *args, tool=vdsotool)
        assert r.returncode == 2 and r.stderr.count("\n") == 1, describe(argv, r)
    argv, r = lint(tmp_path, fixture("clean-arm.so"), tool=str(tmp_path / "no-tool"))
    assert r.returncode == 2 and "not built" in r.stderr, describe(argv, r)


def test_help_lists_lint():
    r = run(VDSOCONF + ["--help"])
    assert r.returncode == 0 and "lint" in r.stdout
