"""The combined KTAP log of a full run, read by the parsers kernel CI uses:
the kunit parser of Linux 6.1 and of 7.2 (tools/testing/kunit, from
Debian's linux-source packages, fixtures/fetch-kernel-tools) and Perl's
TAP::Parser (prove, a TAP 13 reader, which sees only the top level of each
document).  Each must read it without an error and count what the
runner's JSON report counts, per case and overall.

The kunit parser counts leaves only: a test point that carries a nested
subtest (pc.sample over pc.sample.*) is counted through its children, so
the totals compared are those of the report's leaves.  XFAIL and XPASS are
plain "ok" lines to both kinds of parser.
"""

import collections
import json
import re
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, build_path

KUNIT = {"6.1": "linux-source-6.1 (Debian 12)", "7.2": "linux-source-7.2"}

# 6.1's parser looks for the plan right after the version line only: a
# diagnostic before the plan made it read a nested subtest up to the end
# of the log ("Expected test number 57 but found 1") and run past the end
# of its input.  The case framework holds its early diagnostics until the
# plan is out (lib/case/hold.h); the 6.1 tests keep it that way.

KUNIT_STATUS = {"pass": "SUCCESS", "xfail": "SUCCESS", "xpass": "SUCCESS",
                "fail": "FAILURE", "skip": "SKIPPED"}
TAP_STATUS = {"pass": ("ok", ""), "xfail": ("ok", ""), "xpass": ("ok", ""),
              "fail": ("not ok", ""), "skip": ("ok", "SKIP")}


# The live vDSO, and fakes that make the log carry failures ("not ok",
# exit=1) and a case killed by a signal, whose output the runner keeps as
# "# " lines only (see runner/report/ktaplog.py).
TARGETS = ["live", "gtod_null_tz_deref", "clock_backwards"]


@pytest.fixture(scope="module", params=TARGETS)
def run(request, tmp_path_factory):
    """One full run: (combined log text, its path, the JSON report)."""
    d = tmp_path_factory.mktemp("run")
    cases = build_path() / "cases"
    if not cases.is_dir():
        pytest.skip(f"{cases} not built (run make)")
    target = []
    if request.param != "live":
        fake = build_path() / "fakes" / f"{request.param}.so"
        if not fake.is_file():
            pytest.skip(f"{fake} not built (run make fakes)")
        target = ["--target", str(fake)]
    log, report = d / "ktap.log", d / "report.json"
    r = subprocess.run([sys.executable, str(REPO / "runner" / "vdsoconf"), "run",
                        "--cases-dir", str(cases), "--ktap", str(log), "--json", str(report),
                        "--junit", ""] + target, cwd=REPO, capture_output=True, text=True,
                       timeout=600)
    assert log.is_file() and report.is_file(), r.stdout[-3000:] + r.stderr[-3000:]
    return log.read_text(), log, json.loads(report.read_text())


def kunit_dir(version):
    r = subprocess.run([str(REPO / "fixtures" / "fetch-kernel-tools"), version],
                       capture_output=True, text=True, timeout=900)
    if r.returncode:
        lines = r.stderr.strip().splitlines() or ["no reason given"]
        pytest.skip(f"kunit parser of {KUNIT[version]} unavailable: {lines[-1]}")
    return r.stdout.strip() + "/tools/testing/kunit"


def kunit_parse(version, path, tmp_path):
    out = tmp_path / f"kunit-{version}-{path.stem}.json"
    r = subprocess.run([sys.executable, str(REPO / "tests" / "kunit_tree.py"), kunit_dir(version),
                        str(path), str(out)], capture_output=True, text=True, timeout=120)
    assert out.is_file(), r.stderr[-3000:]
    result = json.loads(out.read_text())
    errors = [l for l in r.stdout.splitlines() if "[ERROR]" in l]
    assert "exception" not in result, (
        f"kunit {version} raised:\n{result['exception']}\nits first errors:\n" + "\n".join(errors[:5]))
    return result["tree"], errors


def blocks(text):
    """Each case's nested output, de-indented, by case name ('' when the
    runner carried none: a case it could not run, or not clean KTAP)."""
    out, cur = {}, []
    for line in text.splitlines()[2:]:
        m = re.match(r"^(?:not )?ok \d+ (\S+)", line)
        if m:
            out[m.group(1)] = "\n".join(cur) + "\n" if cur else ""
            cur = []
        elif line.startswith("  "):
            cur.append(line[2:])
    return out


def shape(doc):
    """(names at the top level, names of points that carry a nested
    subtest) of one case's KTAP, read from its indentation alone, so as to
    lean on neither the runner's parser nor the kernel's."""
    top, parents, deeper = set(), set(), [False] * 64
    for line in doc.splitlines():
        indent = len(line) - len(line.lstrip(" "))
        depth = indent // 2
        for d in range(depth):
            deeper[d] = True
        m = re.match(r"^(?:not )?ok \d+ (\S+)", line[indent:])
        if m:
            if deeper[depth]:
                parents.add(m.group(1))
            deeper[depth] = False
            if depth == 0:
                top.add(m.group(1))
    return top, parents


def kunit_counts(statuses):
    c = collections.Counter(KUNIT_STATUS[s] for s in statuses)
    return {"passed": c["SUCCESS"], "failed": c["FAILURE"], "crashed": 0, "skipped": c["SKIPPED"]}


def walk(node):
    for s in node["subtests"]:
        yield s
        yield from walk(s)


def check_kunit_case(version, node, case, doc):
    """node: the parser's tree of one case; case: the report's entry;
    doc: the case's nested KTAP ('' for none)."""
    where = f"kunit {version}, {case['name']}"
    # a case run as a whole or not at all ("1..0 # SKIP") is one leaf
    if not doc or not case["tests"]:
        assert node["status"] == KUNIT_STATUS[case["status"]], where
        return kunit_counts([case["status"]])
    assert node["expected_count"] == len(node["subtests"]), f"{where}: plan lost or not met"
    got = sorted((s["name"], s["status"]) for s in walk(node))
    want = sorted((t["name"], KUNIT_STATUS[t["status"]]) for t in case["tests"])
    assert got == want, where
    parents = shape(doc)[1]
    counts = kunit_counts(t["status"] for t in case["tests"] if t["name"] not in parents)
    assert {k: node["counts"][k] for k in counts} == counts, where
    return counts


@pytest.mark.parametrize("version", ["6.1", "7.2"])
def test_kunit_parser_reads_combined_log(run, version, tmp_path):
    text, log, report = run
    tree, errors = kunit_parse(version, log, tmp_path)
    assert not errors and tree["counts"]["errors"] == 0, "\n".join(errors[:10])
    cases = report["cases"]
    assert tree["expected_count"] == len(cases)
    assert [s["name"] for s in tree["subtests"]] == [c["name"] for c in cases]
    nested = blocks(text)
    total = collections.Counter()
    for node, case in zip(tree["subtests"], cases):
        total.update(check_kunit_case(version, node, case, nested[case["name"]]))
    assert {k: tree["counts"][k] for k in total} == dict(total)


@pytest.mark.parametrize("version", ["6.1", "7.2"])
def test_kunit_parser_reads_each_case(run, version, tmp_path):
    text, _, report = run
    nested = blocks(text)
    checked = 0
    for case in report["cases"]:
        if not nested[case["name"]]:
            continue
        path = tmp_path / f"{case['name']}.ktap"
        path.write_text(nested[case["name"]])
        tree, errors = kunit_parse(version, path, tmp_path)
        assert not errors, f"{case['name']}: " + "\n".join(errors[:10])
        check_kunit_case(version, tree, case, nested[case["name"]])
        checked += 1
    assert checked, "no case printed KTAP"


PERL_TAP = r"""
use TAP::Parser;
local $/;
my $p = TAP::Parser->new({tap => scalar <STDIN>});
while (my $r = $p->next) {
    next unless $r->is_test;
    my $d = $r->description; $d =~ s/^\s+|\s+$//g;
    print join("\t", "test", $r->is_actual_ok ? "ok" : "not ok",
               $r->has_skip ? "SKIP" : $r->has_todo ? "TODO" : "", $d), "\n";
}
print "plan\t", $p->plan // "", "\n";
print "error\t$_\n" for $p->parse_errors;
"""


def tap_parse(text):
    """What TAP::Parser made of a TAP document: (plan, [(ok, directive,
    name)], [parse errors])."""
    r = subprocess.run(["perl", "-e", PERL_TAP], input=text, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    plan, tests, errors = None, [], []
    for line in r.stdout.splitlines():
        kind, *rest = line.split("\t")
        if kind == "test":
            # TAP knows SKIP and TODO only: "# XFAIL ..." stays in the name
            ok, directive, name = rest
            tests.append((ok, directive, re.sub(r"\s+#.*", "", name)))
        elif kind == "plan":
            plan = rest[0]
        else:
            errors.append(rest[0])
    return plan, tests, errors


@pytest.fixture(scope="module")
def perl_tap():
    if not shutil.which("perl") or subprocess.run(["perl", "-MTAP::Parser", "-e", "1"]).returncode:
        pytest.skip("perl's TAP::Parser (prove) is not installed")


def test_prove_reads_combined_log(run, perl_tap):
    text, _, report = run
    plan, tests, errors = tap_parse(text)
    cases = report["cases"]
    assert not errors and plan == f"1..{len(cases)}"
    # the runner's own case result: XFAIL is no TAP directive, so "ok"
    want = [(*TAP_STATUS[c["status"]], c["name"]) for c in cases]
    assert tests == want


def test_prove_reads_each_case(run, perl_tap):
    text, _, report = run
    nested = blocks(text)
    checked = 0
    for case in report["cases"]:
        doc = nested[case["name"]]
        if not doc:
            continue
        plan, tests, errors = tap_parse(doc)
        names = shape(doc)[0]
        top = [t for t in case["tests"] if t["name"] in names]
        assert not errors and plan == f"1..{len(top)}", case["name"]
        assert tests == [(*TAP_STATUS[t["status"]], t["name"]) for t in top], case["name"]
        checked += 1
    assert checked, "no case printed KTAP"
