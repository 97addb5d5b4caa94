"""`vdsotool lookups` -- GNU hash, SysV hash and linear scan must agree.

On valid images it must exit 0.  On malformed ones it may exit 0 or 1 but
must never crash or trip a sanitizer.
"""

import pytest

from conftest import describe, run, sanitizer_report


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
