"""Every fake with a known bug makes the case checks fail at the test
points its header names; the faithful fake passes everything that applies
to a fake.  This is what makes a check real: something trips it."""

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO, build_path

sys.path.insert(0, str(REPO))
from runner import ktap  # noqa: E402

CASES = sorted(p.stem for p in (REPO / "cases").glob("*.c"))


def manifest():
    path = build_path() / "fakes" / "manifest.json"
    r = subprocess.run(["make", "-s", f"B={build_path()}", "fakes"], cwd=REPO, capture_output=True,
                       text=True)
    if r.returncode:
        raise RuntimeError("make fakes failed:\n" + r.stderr)
    return json.loads(path.read_text())


FAKES = manifest()
_results = {}


def run_case(case, fake_path):
    key = (case, fake_path)
    if key not in _results:
        env = dict(os.environ, VDSOCONF_TARGET=fake_path)
        r = subprocess.run([str(build_path() / "cases" / case)], env=env, capture_output=True,
                           text=True, timeout=120)
        doc = ktap.parse(r.stdout)
        _results[key] = (r, {n.name: n for n in doc.walk()})
    return _results[key]


def owning_case(point):
    return point.split(".")[0]


@pytest.mark.parametrize("fake", [f for f in FAKES if f["expect"]], ids=lambda f: f["name"])
def test_bug_is_caught(fake):
    missed = []
    for point in fake["expect"]:
        case = owning_case(point)
        assert case in CASES, f"{fake['name']} expects {point}, but there is no case {case}"
        r, points = run_case(case, fake["path"])
        node = points.get(point)
        if node is None or node.status != "fail":
            missed.append(f"{point}: {node.status if node else 'not reported'}")
    assert not missed, f"{fake['name']} ({fake['description']}) was not caught:\n" + "\n".join(missed)


@pytest.mark.parametrize("case", CASES)
def test_faithful_fake_passes(case):
    faithful = next(f for f in FAKES if f["name"] == "faithful")
    r, points = run_case(case, faithful["path"])
    failed = [f"{n}: {'; '.join(p.diagnostics)}" for n, p in points.items() if p.status == "fail"]
    assert r.returncode in (0, 4) and not failed, r.stdout[-3000:]


def test_catalogue_covers_issue_three():
    """The symbol- and pc-level bugs the case framework must be shown to catch."""
    caught = {p for f in FAKES for p in f["expect"]}
    for area in ("symbols.type.", "symbols.bind.", "symbols.alias.", "versions.resolve.",
                 "versions.hidden.", "pc.sample."):
        assert any(p.startswith(area) for p in caught), f"no fake trips {area}*"
