"""`vdsotool lookups` -- GNU hash, SysV hash and linear scan must agree.

On valid images it must exit 0.  On malformed ones it may exit 0 or 1 but
must never crash or trip a sanitizer.
"""

import shutil
import subprocess

import pytest

from conftest import REPO, describe, run, sanitizer_report


@pytest.fixture(scope="session")
def asan_lookup_results(pooled, asan_vdsotool):
    return pooled("asan_lookup_results", lambda f: [asan_vdsotool, "lookups", f], True)


def test_lookups_agree(vdsotool, valid_image):
    argv = [vdsotool, "lookups", valid_image]
    r = run(argv)
    assert r.returncode == 0, describe(argv, r)


def test_lookups_agree_all_at_once(vdsotool, valid_images):
    argv = [vdsotool, "lookups"] + valid_images
    r = run(argv)
    assert r.returncode == 0, describe(argv, r)


def test_lookups_clean_under_asan(asan_lookup_results, asan_vdsotool, valid_image):
    r = asan_lookup_results[valid_image]
    argv = [asan_vdsotool, "lookups", valid_image]
    assert not sanitizer_report(r.stderr), describe(argv, r)
    assert r.returncode == 0, describe(argv, r)


def test_lookups_malformed_no_crash(asan_lookup_results, asan_vdsotool, malformed_image):
    r = asan_lookup_results[malformed_image]
    argv = [asan_vdsotool, "lookups", malformed_image]
    assert not sanitizer_report(r.stderr), describe(argv, r)
    assert r.returncode in (0, 1), describe(argv, r)


@pytest.fixture(scope="module")
def blind_vdsotool(tmp_path_factory):
    """vdsotool over a resolver whose matching rule finds no name at all."""
    tree = tmp_path_factory.mktemp("blind-src")
    shutil.copytree(REPO / "lib", tree / "lib")
    shutil.copy(REPO / "Makefile", tree / "Makefile")
    src = tree / "lib" / "vdso" / "lookup.c"
    text = src.read_text()
    site = "strcmp(s->name, k->name) != 0"
    assert text.count(site) == 1, f"mutation site {site!r} not found once"
    src.write_text(text.replace(site, "1"))
    r = subprocess.run(["make", "-s", "B=b", "b/vdsotool"], cwd=tree, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]
    return str(tree / "b" / "vdsotool")


def test_a_resolver_that_finds_nothing_is_caught(blind_vdsotool, valid_images):
    """Agreement is not enough: every method must return the symbol itself."""
    r = run([blind_vdsotool, "lookups"] + valid_images)
    assert r.returncode == 1, describe([blind_vdsotool, "lookups"], r)
    assert "lookup gives nothing" in r.stdout
