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

FILE = "lib/vdso/text.c"
MUTANTS = {
    # the last text byte's successor counted in
    "end_inclusive": ([("vaddr < img->text[i].end", "vaddr <= img->text[i].end")],
                      ["pc.boundary.after"]),
    # run-time addresses translated one byte off
    "translate_off_by_one": ([("pc < img->load_offset", "pc + 1 < img->load_offset"),
                              ("(uint64_t)(pc - img->load_offset)", "(uint64_t)(pc + 1 - img->load_offset)")],
                             ["pc.boundary.before", "pc.boundary.last"]),
    # every loaded address is vDSO text
    "always_in": ([("if (!img->loaded || pc < img->load_offset)\n\t\treturn 0;",
                    "if (img->loaded)\n\t\treturn 1;")],
                  ["pc.outside.main", "pc.outside.libc", "pc.outside.heap", "pc.outside.stack",
                   "pc.sample.time", "pc.sample.getcpu"]),
    # a resolver that keeps using AT_SYSINFO_EHDR after the vDSO moved
    # (what broke Go programs restored by CRIU)
    "stale_base": ([("img->load_offset = (uintptr_t)addr + (uintptr_t)img->loads[0].offset -",
                     "img->load_offset = (uintptr_t)getauxval(AT_SYSINFO_EHDR) + (uintptr_t)img->loads[0].offset -")],
                   ["pc.mremap"], "lib/vdso/open_mapped.c"),
    # Go's inVDSOPage: only the first page of the text
    "one_page": ([("img->text[img->ntext].end = s->vaddr + s->memsz;",
                   "img->text[img->ntext].end = s->vaddr + (s->memsz < 4096 ? s->memsz : 4096);")],
                 ["pc.maps"]),
}


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
    src = mutated = (REPO / file).read_text()
    for old, new in edits:
        assert mutated.count(old) == 1, f"mutation site {old!r} not found once in {file}"
        mutated = mutated.replace(old, new)
    if "getauxval" in mutated and "<sys/auxv.h>" not in mutated:
        mutated = "#include <sys/auxv.h>\n" + mutated
    (tree / file).write_text(mutated)
    b = tmp_path / "b"
    r = subprocess.run(["make", "-s", f"B={b}", f"{b}/cases/pc"], cwd=tree, capture_output=True,
                       text=True)
    (tree / file).write_text(src)
    assert r.returncode == 0, r.stderr[-3000:]
    run = subprocess.run([str(b / "cases" / "pc")], capture_output=True, text=True, timeout=120)
    got = {n.name: n.status for n in ktap.parse(run.stdout).walk()}
    missed = [p for p in points if got.get(p) != "fail"]
    assert not missed, f"mutant {name} survived at {missed}:\n{run.stdout[-3000:]}"
