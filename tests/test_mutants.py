"""The pc case's classifier checks are checks of libvdso itself: no target
can move them, only a wrong resolver.  Each test here builds the pc case
against a copy of the library with one deliberate bug and requires the
intended test points to fail (mutation testing)."""

import shutil
import subprocess
import sys

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO))
from runner.core import ktap  # noqa: E402

from mutants import FILE, MUTANTS  # noqa: E402


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    t = tmp_path_factory.mktemp("mutant-src")
    for part in ("lib", "cases"):
        shutil.copytree(REPO / part, t / part)
    shutil.copy(REPO / "Makefile", t / "Makefile")
    return t


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_mutant_is_caught(tree, tmp_path, name):
    edits, points, *where = MUTANTS[name]
    file = where[0] if where else FILE
    case = where[1] if len(where) > 1 else "pc"
    src = mutated = (REPO / file).read_text()
    for old, new in edits:
        assert mutated.count(old) == 1, f"mutation site {old!r} not found once in {file}"
        mutated = mutated.replace(old, new)
    if "getauxval" in mutated and "<sys/auxv.h>" not in mutated:
        mutated = "#include <sys/auxv.h>\n" + mutated
    (tree / file).write_text(mutated)
    b = tmp_path / "b"
    r = subprocess.run(["make", "-s", f"B={b}", f"{b}/cases/{case}"], cwd=tree, capture_output=True,
                       text=True)
    (tree / file).write_text(src)
    if r.returncode and case.endswith("-i386") and "cannot find" in r.stderr:
        pytest.skip("no 32-bit libc (libc6-dev-i386)")
    assert r.returncode == 0, r.stderr[-3000:]
    run = subprocess.run([str(b / "cases" / case)], capture_output=True, text=True, timeout=120)
    got = {n.name: n.status for n in ktap.parse(run.stdout).walk()}
    missed = [p for p in points if got.get(p) != "fail"]
    assert not missed, f"mutant {name} survived at {missed}:\n{run.stdout[-3000:]}"
