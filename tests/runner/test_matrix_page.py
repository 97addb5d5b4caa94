"""The matrix page and the matrix's one JUnit file, from hand-made cells
with reports on disk: a cell per kernel and architecture, coloured by its
outcome, linking to its failed points, diagnostics and console tail; the
page rendered by headless Chromium, as a reader would open it."""

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

import runner_helpers  # noqa: F401  (puts the repository on sys.path)

from runner.matrix import html, junit
from runner.matrix.table import build


def cell(tmp_path, spec, label, arch, tests, problem=None, console="", known=()):
    d = tmp_path / label
    d.mkdir()
    totals = dict.fromkeys(("pass", "fail", "skip", "xfail", "xpass"), 0)
    for t in tests:
        totals[t["status"]] += 1
    (d / "report.json").write_text(json.dumps({"cases": [{"name": "clock_gettime", "tests": tests}]}))
    (d / "junit.xml").write_text(f'<testsuite name="vdsoconf" tests="{len(tests)}">'
                                 + "".join(f'<testcase name="{t["name"]}"/>' for t in tests)
                                 + "</testsuite>")
    (d / "console.log").write_text(console)
    return {"spec": spec, "id": label, "label": label, "arch": arch, "kind": "guest",
            "ok": problem is None, "problem": problem, "totals": totals if tests else {},
            "cases": {}, "report": str(d / "report.json"), "console_log": str(d / "console.log"),
            "known_defects": list(known), "package": "linux-binary-x", "version": "7.2.13-1"}


@pytest.fixture
def matrix(tmp_path):
    ok = [{"name": "clock.bracket.CLOCK_REALTIME", "status": "pass", "reason": "", "diagnostics": ""}]
    bad = ok + [{"name": "clock.normalized.CLOCK_TAI", "status": "fail",
                 "reason": "tv_nsec {5, 1000000001} out of range", "diagnostics": "# read 3 times"}]
    cols = [cell(tmp_path, "sid-amd64", "sid-amd64", "x86_64", ok, known=["getres-clock-aux"]),
            cell(tmp_path, "sid-arm64", "sid-arm64", "aarch64", bad,
                 console="".join(f"line {i}\n" for i in range(100)) + "<the end>\n"),
            cell(tmp_path, "trixie-arm64", "trixie-arm64", "aarch64", [],
                 problem="kernel panic before /init started")]
    cols[1]["lint"] = {"error": None, "images": [
        {"name": "aarch64-64-linux-vdso.so.1", "arch": "aarch64", "file": "x", "errors": 1, "warnings": 0,
         "failed": ["hash.present"], "blind": {"musl": "no DT_HASH (musl reads DT_HASH only)"}}]}
    return build(cols), tmp_path


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells, self.ids, self.hrefs, self._td = [], set(), [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "td":
            self._td = [a.get("class"), None]
            self.cells.append(self._td)
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
            if self._td is not None:
                self._td[1] = a["href"]

    def handle_endtag(self, tag):
        if tag == "td":
            self._td = None


def test_grid_cells_and_sections(matrix):
    m, base = matrix
    text = html.render(m, base)
    p = Page()
    p.feed(text)
    # rows sid and trixie, columns x86_64 and aarch64: trixie has no x86_64 cell
    assert [c[0] for c in p.cells] == ["pass", "fail", "none", "problem"]
    for cls, href in p.cells:
        if cls != "none":
            assert href.startswith("#") and href[1:] in p.ids
    assert "clock.normalized.CLOCK_TAI" in text and "tv_nsec {5, 1000000001}" in text
    assert "# read 3 times" in text
    assert "&lt;the end&gt;" in text and "line 60\n" not in text and "line 61\n" in text
    assert "kernel panic before /init started" in text
    assert "known kernel defects shown: getres-clock-aux" in text
    assert "http" not in text.replace('lang="en"', "")    # self-contained
    assert "sid-arm64/console.log" in p.hrefs
    assert "lint: 1 error; musl find nothing" in text
    assert ("finding <code>resolvers.musl.nothing</code> (aarch64 image): musl finds no entry point: "
            "no DT_HASH") in text


def test_one_junit_file(matrix, tmp_path):
    m, _ = matrix
    out = junit.merge(m["columns"], tmp_path / "all.xml")
    root = ET.parse(out).getroot()
    names = [s.get("name") for s in root.iter("testsuite")]
    assert names == ["sid-amd64 [x86_64]", "sid-arm64 [aarch64]", "trixie-arm64 [aarch64]"]
    dead = list(root.iter("testsuite"))[2]
    assert dead.find("testcase/failure").get("message") == "kernel panic before /init started"


CHROMIUM = shutil.which("chromium")


@pytest.mark.skipif(not CHROMIUM, reason="no chromium (./install-deps test installs it)")
def test_rendered_by_chromium(matrix, tmp_path):
    m, _ = matrix
    page = html.write(m, tmp_path / "matrix.html")
    r = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                        page.as_uri()], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    p = Page()
    p.feed(r.stdout)
    assert [c[0] for c in p.cells] == ["pass", "fail", "none", "problem"]
    failed = [href for cls, href in p.cells if cls == "fail"]
    assert failed and failed[0][1:] in p.ids
    assert "clock.normalized.CLOCK_TAI" in r.stdout


def test_lint_column_reads_images(vdsotool_built):
    from conftest import build_path
    from runner.matrix import vdsolint
    gnu_only = build_path() / "fixtures" / "valid" / "x86_64-gnu.so"
    if not gnu_only.exists():
        pytest.skip("fixtures not built (make fixtures)")
    lint = vdsolint.lint_images([str(gnu_only)], tool=vdsotool_built)
    [img] = lint["images"]
    assert img["arch"] == "x86_64" and "hash.present" in img["failed"]
    assert list(img["blind"]) == ["musl"]
    assert "finds nothing: musl" in vdsolint.summary(lint)
    names = [f["name"] for f in img["findings"]]
    assert {"lint.hash.present", "resolvers.musl.nothing"} <= set(names)
    assert names[-1] == "resolvers.musl.nothing"    # lint's errors first
    assert ("resolvers.musl.nothing", "x86_64") in [(f["name"], f["arch"]) for f in lint["findings"]]
    assert vdsolint.lint_kernel(build_path() / "no-such-kernel", build_path() / "tmp-lint",
                                tool=vdsotool_built)["error"]


def test_lint_column_names_musl_blind_on_an_arm64_gnu_only_image(vdsotool_built):
    """The arm64 7.2 image as Debian links it (GNU hash only): a named
    finding for musl, none for the consumers that read DT_GNU_HASH."""
    from conftest import build_path
    from runner.matrix import vdsolint
    image = build_path() / "fixtures" / "lint" / "version-aarch64-7.2-gnu-only.so"
    if not image.exists():
        pytest.skip("lint fixtures not built (make lint-fixtures)")
    lint = vdsolint.lint_images([str(image)], tool=vdsotool_built)
    [img] = lint["images"]
    assert img["arch"] == "aarch64" and list(img["blind"]) == ["musl"]
    assert img["resolvers"]["musl"]["found"] == 0 and img["resolvers"]["musl"]["of"] == 5
    assert all(img["resolvers"][c]["found"] == 5 for c in ("glibc", "go", "libvdso"))
    assert "resolvers.musl.nothing" in [f["name"] for f in lint["findings"]]


def test_host_lint_reads_every_live_image(vdsotool_built, tmp_path):
    """The host column: the native live vDSO and each compat one the
    kernel maps (i386 here when vdsodump-i386 runs); a dumper the kernel
    cannot run (x32 without CONFIG_X86_X32_ABI) is noted, not an error;
    every image read gets a resolver report."""
    from runner.matrix import vdsolint
    lint = vdsolint.lint_live(tmp_path, tool=vdsotool_built)
    assert lint["error"] is None, lint
    archs = [img["arch"] for img in lint["images"]]
    assert archs[0] in ("x86_64", "aarch64", "x32", "i386", "arm", "ppc64", "s390x", "riscv64")
    assert all(img["resolvers"] for img in lint["images"])
    assert not [f for f in lint["findings"] if f["name"] == "resolvers.unread"]
    for abi, _ in vdsolint.COMPAT_DUMPERS:
        assert (abi in archs) != (abi in lint["skipped"]), lint
    summary = vdsolint.summary(lint)
    for abi, why in lint["skipped"].items():
        assert f"{abi}: not read ({why})" in summary


@pytest.fixture
def vdsotool_built():
    from conftest import build_path
    tool = build_path() / "vdsotool"
    if not tool.exists():
        pytest.skip("vdsotool not built (make)")
    return str(tool)


def test_diagnostics_as_the_json_report_keeps_them(tmp_path):
    """report.json holds a point's diagnostics as a list of lines."""
    bad = [{"name": "pc.sample.clock_gettime", "status": "fail", "reason": "",
            "diagnostics": ["# only 19 samples", "# the timer did not fire"]}]
    m = build([cell(tmp_path, "6.12-amd64", "k", "x86_64", bad)])
    assert "# only 19 samples\n# the timer did not fire" in html.render(m, tmp_path)
