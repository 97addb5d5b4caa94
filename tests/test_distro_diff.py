"""`vdsotool diff`: same build-id, and which differing bytes the kernel's
alternative patching explains.

The on-disk build of this machine's vDSO is not at hand, so the test makes
the pair: the live image dumped to a file is compared with the running
vDSO (identical), and with copies patched inside an alternative site
(explained) and outside every site (unexplained, exit 1).  The sites are
read here from .altinstructions independently of the tool.
"""

import json
import struct

import pytest

from conftest import describe, run, sanitizer_report

import sys
from conftest import REPO
sys.path.insert(0, str(REPO / "fixtures"))
import elfmodel  # noqa: E402


@pytest.fixture(scope="module")
def live(vdsotool, tmp_path_factory):
    path = tmp_path_factory.mktemp("diff") / "live.so"
    r = run([vdsotool, "dump", "-o", str(path)])
    if r.returncode != 0:
        pytest.skip(f"no live vDSO: {r.stderr.strip()}")
    return path


def alt_sites(data):
    """[(start, end)] of every struct alt_instr in .altinstructions."""
    elf = elfmodel.Elf(data)
    shdrs = elfmodel.section_headers(data, elf.cls, elf.order)
    strtab = shdrs[elf.ehdr.e_shstrndx]
    names = data[strtab["sh_offset"]:strtab["sh_offset"] + strtab["sh_size"]]
    sec = next((s for s in shdrs if names[s["sh_name"]:].split(b"\0")[0] == b".altinstructions"), None)
    if sec is None:
        return None
    major, minor = (elf.linux_version >> 16), (elf.linux_version >> 8) & 0xFF
    size, lens = (14, 12) if (major, minor) >= (6, 2) else (12, 10)
    sites = []
    for e in range(0, sec["sh_size"], size):
        at = sec["sh_offset"] + e
        instr_offset, = struct.unpack_from("<i", data, at)
        start = sec["sh_addr"] + e + instr_offset
        sites.append((start, start + data[at + lens]))
    return sites


def diff(tool, *args, sanitized=False):
    argv = [tool, "diff", "--json", *map(str, args)]
    r = run(argv, sanitized=sanitized)
    assert not sanitizer_report(r.stderr), describe(argv, r)
    return argv, r


def test_live_against_its_dump(vdsotool, live):
    argv, r = diff(vdsotool, "--self", live)
    assert r.returncode == 0, describe(argv, r)
    doc = json.loads(r.stdout)
    assert doc["same_build_id"] is True and doc["ranges"] == [] and doc["result"] == "same"


def test_patched_site_explained_other_byte_not(vdsotool, asan_vdsotool, live, tmp_path):
    data = live.read_bytes()
    sites = alt_sites(data)
    if not sites:
        pytest.skip("the live vDSO keeps no .altinstructions (not x86, or stripped sections)")
    start, end = sites[0]
    inside = bytearray(data)
    for i in range(start, end):
        inside[i] ^= 0xFF
    p = tmp_path / "inside.so"
    p.write_bytes(inside)
    for tool, san in ((vdsotool, False), (asan_vdsotool, True)):
        argv, r = diff(tool, "--self", p, sanitized=san)
        assert r.returncode == 0, describe(argv, r)
    doc = json.loads(r.stdout)
    assert doc["alt_sites"] == len(sites)
    assert [(x["start"], x["end"], x["explained"]) for x in doc["ranges"]] == [(start, end, True)]
    assert (doc["ranges"][0]["site"]["start"], doc["ranges"][0]["site"]["end"]) == (start, end)

    # one byte of text no site covers: the vDSO's first function symbol
    elf = elfmodel.Elf(data)
    covered = set().union(*(range(a, b) for a, b in sites))
    text = [s.st_value for s in elf.syms[1:] if s.st_info & 0xF == 2 and s.st_value not in covered]
    outside = bytearray(inside)
    outside[text[0]] ^= 0x01
    q = tmp_path / "outside.so"
    q.write_bytes(outside)
    argv, r = diff(vdsotool, "--self", q)
    assert r.returncode == 1, describe(argv, r)
    doc = json.loads(r.stdout)
    assert doc["unexplained"] == 1 and doc["result"] == "different"
    assert {(x["start"], x["explained"]) for x in doc["ranges"]} == {(start, True), (text[0], False)}
    argv = [vdsotool, "diff", "--self", str(q)]
    r = run(argv)
    assert "UNEXPLAINED" in r.stdout and "explained: alternative site" in r.stdout, describe(argv, r)


# struct alt_instr as each kernel series wrote it: (entry size, width of the
# feature field, a kernel version that wrote it: the tool breaks ties by
# the version note)
LAYOUTS = {14: (4, 0x061200), 12: (2, 0x060100), 13: (2, 0x050A00)}


def relayout(data, size):
    """The image with .altinstructions rewritten as size-byte entries (the
    same sites, offsets recomputed for the entries' new places, the table
    shortened, the tail zeroed) and the Linux version note set to a kernel
    that wrote that layout."""
    elf = elfmodel.Elf(data)
    shdrs = elfmodel.section_headers(data, elf.cls, elf.order)
    names = data[shdrs[elf.ehdr.e_shstrndx]["sh_offset"]:]
    sec = next(s for s in shdrs if names[s["sh_name"]:].split(b"\0")[0] == b".altinstructions")
    old = 14 if elf.linux_version >= 0x060200 else 12
    old_feat = LAYOUTS[old][0]
    entries = []
    for e in range(0, sec["sh_size"], old):
        at, va = sec["sh_offset"] + e, sec["sh_addr"] + e
        io, ro = struct.unpack_from("<ii", data, at)
        feat = int.from_bytes(data[at + 8:at + 8 + old_feat], "little")
        entries.append((va + io, va + 4 + ro, feat, data[at + 8 + old_feat], data[at + 9 + old_feat]))
    feat_size, version = LAYOUTS[size]
    table = bytearray()
    for k, (instr, repl, feat, ilen, rlen) in enumerate(entries):
        va = sec["sh_addr"] + k * size
        table += struct.pack("<ii", instr - va, repl - va - 4)
        table += (feat & ((1 << 8 * feat_size) - 1)).to_bytes(feat_size, "little") + bytes([ilen, rlen])
        table += bytes(size - len(table) % size if len(table) % size else 0)
    out = bytearray(data)
    out[sec["sh_offset"]:sec["sh_offset"] + sec["sh_size"]] = table + bytes(sec["sh_size"] - len(table))
    size_field = elfmodel.SHDR[elf.cls]["sh_size"]
    elfmodel.put(out, sec["_off"] + size_field[0], size_field[1], len(table), elf.order)
    note = next(n for n in elf.notes if n.name == b"Linux\0" and n.n_type == 0 and n.n_descsz == 4)
    elfmodel.put(out, note.off + 12 + 8, 4, version, elf.order)
    return bytes(out), [(instr, instr + ilen) for instr, _, _, ilen, _ in entries]


@pytest.mark.parametrize("size", sorted(LAYOUTS))
def test_each_alt_instr_layout(vdsotool, live, tmp_path, size):
    """Each kernel series' struct alt_instr is read: a byte changed inside
    a site is explained, one outside every site is not."""
    data = live.read_bytes()
    if not alt_sites(data):
        pytest.skip("the live vDSO keeps no .altinstructions (not x86, or stripped sections)")
    base, sites = relayout(data, size)
    (tmp_path / "base.so").write_bytes(base)
    start, end = sites[0]
    covered = set().union(*(range(a, b) for a, b in sites))
    elf = elfmodel.Elf(base)
    text = next(s.st_value for s in elf.syms[1:] if s.st_info & 0xF == 2 and s.st_value not in covered)
    patched = bytearray(base)
    patched[start] ^= 0xFF
    patched[text] ^= 0x01
    (tmp_path / "patched.so").write_bytes(patched)
    argv, r = diff(vdsotool, tmp_path / "base.so", tmp_path / "patched.so")
    assert r.returncode == 1, describe(argv, r)
    doc = json.loads(r.stdout)
    assert doc["alt_entry_size"] == size and doc["alt_sites"] == len(sites), describe(argv, r)
    assert {(x["start"], x["explained"]) for x in doc["ranges"]} == {(start, True), (text, False)}


def test_other_build_id_is_another_build(vdsotool, live, tmp_path):
    data = bytearray(live.read_bytes())
    elf = elfmodel.Elf(bytes(data))
    note = next(n for n in elf.notes if n.name == b"GNU\0" and n.n_type == 3)
    desc = note.off + 12 + 4
    data[desc] ^= 0xFF
    p = tmp_path / "other.so"
    p.write_bytes(data)
    argv, r = diff(vdsotool, live, p)
    assert r.returncode == 1, describe(argv, r)
    assert json.loads(r.stdout)["same_build_id"] is False


def test_image_without_alternatives(vdsotool, tmp_path):
    from test_lint_rules import lint_fixtures
    src = next(e["path"] for e in lint_fixtures() if e["file"] == "clean-x86_64.so")
    data = bytearray(open(src, "rb").read())
    elf = elfmodel.Elf(bytes(data))
    data[next(s.st_value for s in elf.syms[1:] if s.st_info & 0xF == 2)] ^= 1
    p = tmp_path / "x.so"
    p.write_bytes(data)
    argv = [vdsotool, "diff", src, str(p)]
    r = run(argv)
    assert r.returncode == 1 and "no .altinstructions" in r.stdout, describe(argv, r)


@pytest.mark.parametrize("argv_tail", [[], ["--self"], ["a", "b", "c"], ["--bogus", "a", "b"]])
def test_usage(vdsotool, argv_tail):
    argv = [vdsotool, "diff"] + argv_tail
    r = run(argv)
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1, describe(argv, r)


def test_missing_file(asan_vdsotool, tmp_path):
    argv = [asan_vdsotool, "diff", "--self", str(tmp_path / "nope.so")]
    r = run(argv, sanitized=True)
    assert not sanitizer_report(r.stderr) and r.returncode == 1, describe(argv, r)
    assert r.stderr.startswith(f"vdsotool: {tmp_path / 'nope.so'}: ") and len(r.stderr.splitlines()) == 1
