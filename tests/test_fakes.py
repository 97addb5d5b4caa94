"""The detection matrix: every fake with a known bug makes the cases fail
at the test points its header names, and the faithful fake passes every
case.  This is what makes a check real: something trips it.  The matrix is
computed once by `vdsoconf faults` (the command users run) and then judged
per fake, so that a failure names the fake."""

import json
import subprocess

import pytest

from conftest import REPO, build_path


def manifest():
    r = subprocess.run(["make", "-s", f"B={build_path()}", "fakes"], cwd=REPO, capture_output=True,
                       text=True)
    if r.returncode:
        raise RuntimeError("make fakes failed:\n" + r.stderr)
    return json.loads((build_path() / "fakes" / "manifest.json").read_text())


FAKES = manifest()


@pytest.fixture(scope="module")
def detection(tmp_path_factory):
    out = tmp_path_factory.mktemp("faults") / "matrix.json"
    r = subprocess.run(["/usr/bin/python3", str(REPO / "runner" / "vdsoconf"), "faults",
                        "--fakes-dir", str(build_path() / "fakes"),
                        "--cases-dir", str(build_path() / "cases"), "--json", str(out)],
                       capture_output=True, text=True, timeout=900)
    print(r.stdout)
    assert out.exists(), r.stdout + r.stderr
    return r, {f["name"]: f for f in json.loads(out.read_text())["fakes"]}


def faithful(name):
    return name.split("-")[0] == "faithful"


@pytest.mark.parametrize("fake", [f["name"] for f in FAKES if not faithful(f["name"])])
def test_bug_is_caught(detection, fake):
    row = detection[1][fake]
    assert row["expect"], f"{fake} names no expected test point"
    if row["not_run"]:
        pytest.skip(row["not_run"])
    assert not row["missed"], f"{fake} ({row['description']}) was not caught:\n" + "\n".join(row["missed"])


@pytest.mark.parametrize("fake", [f["name"] for f in FAKES if faithful(f["name"])])
def test_faithful_fake_passes(detection, fake):
    row = detection[1][fake]
    if row["not_run"]:
        pytest.skip(row["not_run"])
    assert not row["alarms"], f"false alarms on {fake}:\n" + "\n".join(row["alarms"])
    assert row["cells"] and all(v == "clean" for v in row["cells"].values())


def test_faults_command_verdict(detection):
    r, rows = detection
    bad = any(f["missed"] or f["alarms"] for f in rows.values())
    assert r.returncode == (1 if bad else 0), r.stdout[-3000:]
    assert "fakes caught at every expected point" in r.stdout


def test_catalogue_covers_the_checks():
    """Each area the cases check has a fake that trips it."""
    caught = {p for f in FAKES for p in f["expect"]}
    for area in ("symbols.type.", "symbols.bind.", "symbols.alias.", "symbols.defined.",
                 "symbols.visibility.", "symbols.size.", "symbols.text.", "symbols.soname",
                 "versions.resolve.", "versions.hidden.", "versions.wrong.", "versions.methods.",
                 "versions.glibc.", "versions.vd_hash.", "versions.kernel_note", "pc.sample.",
                 "pc.symbol.", "clock.bracket.", "clock.sequence.", "clock.coarse.",
                 "clock.normalized.", "clock.getres.", "clock.einval.", "clock.gettime64.",
                 "gettimeofday.", "time.", "warp.locked.", "warp.lockfree.", "getcpu.cpu.",
                 "getcpu.node.", "getcpu.null.", "fault.", "fastpath.", "timens.", "getrandom.", "rollover.second.", "rollover.tick.",
                 "rollover.y2038.", "rollover.y2106."):
        assert any(p.startswith(area) for p in caught), f"no fake trips {area}*"


def test_docs_list_every_fake():
    """docs/fakes.md carries the generated catalogue, with a row per fake."""
    page = (REPO / "docs" / "fakes.md").read_text()
    begin, end = "<!-- fake catalogue: ", "<!-- end of fake catalogue -->"
    assert begin in page and end in page, "docs/fakes.md has lost its catalogue markers"
    block = page[page.index(begin):page.index(end)]
    missing = [f["name"] for f in FAKES if f"| `{f['name']}` |" not in block]
    assert not missing, ("docs/fakes.md's fake catalogue lacks " + ", ".join(missing) +
                         ": regenerate it with fixtures/fakes/catalogue.py "
                         "build/fakes/manifest.json --write docs/fakes.md")
