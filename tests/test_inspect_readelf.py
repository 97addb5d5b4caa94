"""`vdsotool inspect --json` must describe each image exactly as readelf does.

One test per (image, aspect), so a failure names both.  The live vDSO of
the test process is checked the same way: it is the one real kernel image
every machine has.
"""

import functools
import json

import pytest

import readelf_ref
from conftest import describe, elf_hash, live_vdso, run

ASPECTS = {
    "header": ["class", "endian", "machine", "e_machine"],
    "dynamic": ["soname", "hash", "hash_entsize", "needed", "rpath", "runpath",
                "relocations"],
    "versions": ["versions", "version_defs"],
    "symbols": ["symbols"],
    "notes": ["notes"],
    "text": ["text"],
}


@functools.lru_cache(maxsize=None)
def tool_json(tool, path):
    argv = [tool, "inspect", "--json", path]
    r = run(argv)
    assert r.returncode == 0 and not r.stderr, describe(argv, r)
    return json.loads(r.stdout)


@functools.lru_cache(maxsize=None)
def reference(path):
    return readelf_ref.describe(path)


def compare(tool, path, aspect):
    got, want = tool_json(tool, path), reference(path)
    if aspect == "header":
        assert got["file"] == path
        if want["machine"] is None:     # a machine readelf knows but we do not map
            want["machine"] = got["e_machine"]
    if aspect == "versions":
        for d in got["version_defs"]:
            assert d["hash"] == elf_hash(d["name"]) and d["hash_ok"], \
                f"vd_hash of {d['name']}: {d}"
        got = dict(got, version_defs=[{k: d[k] for k in ("index", "name", "flags", "base")}
                                      for d in got["version_defs"]])
    if aspect == "symbols":
        # by index, so a difference shows which symbol
        assert {s["index"]: s for s in got["symbols"]} == \
            {s["index"]: s for s in want["symbols"]}
    for key in ASPECTS[aspect]:
        assert got[key] == want[key], f"{key}: vdsotool {got[key]!r}, readelf {want[key]!r}"


@pytest.mark.parametrize("aspect", list(ASPECTS))
def test_matches_readelf(vdsotool, valid_image, aspect):
    compare(vdsotool, valid_image, aspect)


@pytest.mark.parametrize("aspect", list(ASPECTS))
def test_live_vdso_matches_readelf(vdsotool, aspect):
    path = live_vdso()
    if path is None:
        pytest.skip("this process has no vDSO")
    compare(vdsotool, path, aspect)
