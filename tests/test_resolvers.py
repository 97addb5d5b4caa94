"""`vdsotool resolvers`: which consumers (glibc's ld.so, musl, the Go
runtime, libvdso) find each entry point.  Each consumer's model is tripped
by an image it cannot read: a GNU-hash-only image for musl, a wrong vd_hash
for glibc and Go, an empty Bloom filter for glibc, a data symbol for Go,
a NOTYPE function for libvdso."""

import json

import pytest

from conftest import build_path, describe, run, sanitizer_report

CONSUMERS = ("glibc", "musl", "go", "libvdso")


def resolvers(vdsotool, *args):
    argv = [vdsotool, "resolvers", "--json", *map(str, args)]
    r = run(argv)
    return r, (json.loads(r.stdout) if r.stdout.strip() else [])


def found(report, consumer):
    return {e["name"] for e in report["entries"] if e[consumer]}


def test_live_vdso_every_consumer_finds_every_entry(vdsotool):
    r, [rep] = resolvers(vdsotool, "--self")
    assert r.returncode == 0, describe([vdsotool, "resolvers", "--self"], r)
    names = {e["name"] for e in rep["entries"]}
    assert names and all(found(rep, c) == names for c in CONSUMERS), rep


def fixture(name):
    return build_path() / "fixtures" / "valid" / f"{name}.so"


def fake(name):
    return build_path() / "fakes" / f"{name}.so"


def test_gnu_hash_only_image_is_invisible_to_musl(vdsotool):
    r, [rep] = resolvers(vdsotool, fixture("x86_64-gnu"))
    assert r.returncode == 1
    assert rep["consumers"]["musl"] == {"found": 0, "of": len(rep["entries"]), "nothing": True,
                                        "why": "no DT_HASH (musl reads DT_HASH only)"}
    names = {e["name"] for e in rep["entries"]}
    assert all(found(rep, c) == names for c in ("glibc", "go", "libvdso"))


def test_sysv_only_image_serves_everyone(vdsotool):
    r, [rep] = resolvers(vdsotool, fixture("x86_64-sysv"))
    assert r.returncode == 0, r.stdout


@pytest.mark.parametrize("name, blind, seeing, why", [
    ("bad_vd_hash", {"glibc", "go", "libvdso"}, {"musl"}, "vd_hash"),
    ("gnu_bloom_zero", {"glibc", "libvdso"}, {"musl", "go"}, "Bloom filter"),
])
def test_consumers_that_find_nothing(vdsotool, name, blind, seeing, why):
    r, [rep] = resolvers(vdsotool, fake(name))
    assert r.returncode == 1
    for c in blind:
        assert rep["consumers"][c]["nothing"] and why in rep["consumers"][c]["why"], (c, rep)
    for c in seeing:
        assert not rep["consumers"][c]["nothing"], (c, rep)


@pytest.mark.parametrize("name, symbol, misses", [
    ("object_symbol", "__vdso_getcpu", {"go", "libvdso"}),         # Go takes FUNC or NOTYPE only
    ("notype_symbol", "__vdso_clock_gettime", {"libvdso"}),        # a NOTYPE function
    ("local_symbol", "__vdso_time", set(CONSUMERS)),
])
def test_one_entry_point_missed(vdsotool, name, symbol, misses):
    r, [rep] = resolvers(vdsotool, fake(name))
    for c in CONSUMERS:
        assert (symbol not in found(rep, c)) == (c in misses), (c, rep)


def test_text_report_names_the_finding(vdsotool):
    r = run([vdsotool, "resolvers", str(fixture("x86_64-gnu"))])
    assert "finding: musl finds no entry point: no DT_HASH" in r.stdout
    assert "its programs fall back to system calls" in r.stdout


def test_bad_input(vdsotool, tmp_path):
    r = run([vdsotool, "resolvers", str(tmp_path / "missing.so")])
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1 and "missing.so" in r.stderr
    r = run([vdsotool, "resolvers", "--frob"])
    assert r.returncode == 2 and "unknown option" in r.stderr
    r = run([vdsotool, "resolvers"])
    assert r.returncode == 2


def test_malformed_images_under_asan(asan_vdsotool, malformed_images):
    # one process over every malformed image: no crash, no sanitizer report
    argv = [asan_vdsotool, "resolvers", *malformed_images]
    r = run(argv, sanitized=True, timeout=600)
    assert r.returncode in (0, 1), describe(argv[:3] + ["..."], r)
    assert not sanitizer_report(r.stderr), sanitizer_report(r.stderr)[:3000]
