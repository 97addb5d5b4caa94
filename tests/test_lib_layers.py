"""The library's layering, proved from the built objects rather than from
the includes, which can lie (a declaration written by hand, a header
included and not used).  A file depends on another when its object
references a global symbol the other object defines:

  - among the resolver's files (lib/vdso) the dependencies form no cycle,
    so each file can be read, tested and replaced knowing only the files
    below it;
  - the resolver depends on no other part of the project, and the
    per-architecture expectations (lib/expect) on neither the case
    framework nor the tool;
  - libvdso.a alone, with nothing but the C library, links into a program
    that uses its public API: what `make install-lib` promises."""

import os
import subprocess

import pytest

from conftest import REPO, describe

LAYERS = ("vdso", "expect", "case", "vdsotool")
# what each layer may not reach
FORBIDDEN = {
    "vdso": ("expect", "case", "vdsotool"),
    "expect": ("case", "vdsotool"),
}


@pytest.fixture(scope="module")
def native(build_dir):
    d = build_dir / "native"
    if not (d / "libvdso.a").exists():
        pytest.skip(f"{d / 'libvdso.a'} not built (run make)")
    return d


def objects(native, layer):
    """{source file name: object path} for the current sources of a layer;
    an object left over from a deleted source is ignored, a missing or
    stale one fails (the test would otherwise judge old code)."""
    out = {}
    for src in sorted((REPO / "lib" / layer).glob("*.c")):
        obj = native / "obj" / "lib" / layer / (src.stem + ".o")
        assert obj.exists(), f"{obj} not built (run make)"
        assert obj.stat().st_mtime >= src.stat().st_mtime, f"{obj} older than {src} (run make)"
        out[f"{layer}/{src.name}"] = obj
    return out


def symbols(obj):
    """(defined, referenced) global symbol names of one object."""
    r = subprocess.run(["nm", "-P", str(obj)], capture_output=True, text=True)
    assert r.returncode == 0, describe(["nm", "-P", str(obj)], r)
    defined, referenced = set(), set()
    for line in r.stdout.splitlines():
        f = line.split()
        if len(f) < 2:
            continue
        name, kind = f[0], f[1]
        if kind in ("U", "w", "v"):
            referenced.add(name)
        elif kind.isupper():
            defined.add(name)
    return defined, referenced


@pytest.fixture(scope="module")
def table(native):
    """{file: (layer, defined, referenced)} for every library object."""
    t = {}
    for layer in LAYERS:
        for name, obj in objects(native, layer).items():
            t[name] = (layer, *symbols(obj))
    return t


@pytest.fixture(scope="module")
def owner(table):
    """{symbol: file defining it}; a symbol defined twice is an error."""
    own = {}
    for name, (_, defined, _) in table.items():
        for s in defined:
            assert s not in own, f"{s} defined in both {own[s]} and {name}"
            own[s] = name
    return own


def edges(table, owner, layer):
    """{file: {file it depends on: [symbols]}} among one layer's files."""
    g = {}
    for name, (lay, _, referenced) in table.items():
        if lay != layer:
            continue
        g[name] = {}
        for s in sorted(referenced):
            to = owner.get(s)
            if to and to != name and table[to][0] == layer:
                g[name].setdefault(to, []).append(s)
    return g


def find_cycle(g):
    """A list of files [a, b, ..., a] forming a cycle, or None."""
    state = {}          # absent: unseen; 1: on the current path; 2: done
    path = []

    def visit(n):
        state[n] = 1
        path.append(n)
        for m in sorted(g[n]):
            if state.get(m) == 1:
                return path[path.index(m):] + [m]
            if m not in state:
                found = visit(m)
                if found:
                    return found
        path.pop()
        state[n] = 2
        return None

    for n in sorted(g):
        if n not in state:
            found = visit(n)
            if found:
                return found
    return None


def test_cycle_finder_finds_cycles():
    # the finder itself, on graphs whose answer is known
    assert find_cycle({"a": {"b": []}, "b": {"c": []}, "c": {}}) is None
    assert find_cycle({"a": {"b": []}, "b": {"c": []}, "c": {"a": []}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b": []}, "b": {"b": []}}) == ["b", "b"]


def test_resolver_files_form_no_cycle(table, owner):
    g = edges(table, owner, "vdso")
    assert len(g) > 1, "no resolver objects found"
    cycle = find_cycle(g)
    if cycle:
        steps = [f"  {a} -> {b} ({', '.join(g[a][b])})" for a, b in zip(cycle, cycle[1:])]
        pytest.fail("lib/vdso files depend on each other in a cycle:\n" + "\n".join(steps))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_reaches_nothing_above_it(table, owner, layer):
    bad = []
    for name, (lay, _, referenced) in sorted(table.items()):
        if lay != layer:
            continue
        for s in sorted(referenced):
            to = owner.get(s)
            if to and table[to][0] in FORBIDDEN[layer]:
                bad.append(f"  {name} uses {s} from {to}")
    assert not bad, f"lib/{layer} depends on a layer above it:\n" + "\n".join(bad)


PROGRAM = r"""
#include "vdso/vdso.h"

#include <stdio.h>

int main(void)
{
	struct vdso_image img;
	struct vdso_key keys[] = { VDSO_KEY("__vdso_clock_gettime", NULL),
				   VDSO_KEY("__kernel_clock_gettime", NULL) };
	char v[32];
	int rc = vdso_open_live(&img);

	if (rc == VDSO_NO_VDSO) {
		printf("no vDSO\n");
		return 0;
	}
	if (rc != VDSO_OK) {
		printf("open: %s: %s\n", vdso_status_name(rc), img.err);
		return 1;
	}
	rc = vdso_resolve(&img, keys, 2, VDSO_BY_ANY);
	printf("%s %u symbols, %d found, %u sections, version %s\n",
	       vdso_machine_name(img.machine) ? vdso_machine_name(img.machine) : "?",
	       img.nsyms, rc, vdso_section_count(&img),
	       vdso_format_version(img.notes.linux_version, v, sizeof(v)));
	for (int i = 0; i < 2; i++)
		if (keys[i].found && !vdso_pc_in_text(&img, keys[i].addr)) {
			printf("%s is outside the text\n", keys[i].name);
			return 1;
		}
	vdso_close(&img);
	return rc < 0;
}
"""


def test_libvdso_links_alone(native, tmp_path):
    src = tmp_path / "user.c"
    src.write_text(PROGRAM)
    prog = tmp_path / "user"
    # every object of the archive, not only those the program pulls in:
    # none of them may need more than the C library (which has held
    # dlinfo and dl_iterate_phdr since glibc 2.34)
    argv = [os.environ.get("CC", "cc"), "-std=c11", "-Wall", "-Wextra", "-Werror",
            f"-I{REPO / 'lib'}", "-o", str(prog), str(src),
            "-Wl,--whole-archive", str(native / "libvdso.a"), "-Wl,--no-whole-archive"]
    r = subprocess.run(argv, capture_output=True, text=True)
    assert r.returncode == 0, describe(argv, r)
    r = subprocess.run([str(prog)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, describe([str(prog)], r)
