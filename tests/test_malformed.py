"""Every malformed image is rejected at open time, cleanly, under ASan+UBSan.

Contract: exit status exactly 1, exactly one non-empty stderr line
"vdsotool: FILE: message" whose message names the rule the variant breaks
(the pattern each variant declares in fixtures/mutations.py), and nothing
from the sanitizers.  Files that are
not images at all (empty, a directory, ...) are rejected the same way;
usage errors exit 2.
"""

import os
import re
import stat

import pytest

from conftest import describe, run, sanitizer_report


def assert_rejected(argv, r, path):
    why = describe(argv, r)
    assert not sanitizer_report(r.stderr), "sanitizer report\n" + why
    assert r.returncode == 1, "expected exit 1\n" + why
    lines = r.stderr.splitlines()
    assert len(lines) == 1, "expected exactly one line on stderr\n" + why
    prefix = f"vdsotool: {path}: "
    assert lines[0].startswith(prefix) and lines[0][len(prefix):].strip(), \
        f"expected '{prefix}<message>'\n" + why


@pytest.fixture(scope="session")
def asan_inspect_results(pooled, asan_vdsotool):
    return pooled("asan_inspect_results", lambda f: [asan_vdsotool, "inspect", f], True)


def test_malformed_rejected(asan_inspect_results, asan_vdsotool, malformed_image,
                            malformed_manifest):
    r = asan_inspect_results[malformed_image]
    entry = malformed_manifest[malformed_image]
    argv = [asan_vdsotool, "inspect", malformed_image]
    try:
        assert_rejected(argv, r, malformed_image)
        message = r.stderr.split(f"{malformed_image}: ", 1)[1]
        assert re.search(entry["rule"], message), \
            f"the rejection does not name the rule broken (/{entry['rule']}/)\n" + describe(argv, r)
    except AssertionError as e:
        raise AssertionError(f"{entry['description']} (breaks: {entry['violates']})\n{e}")


def test_rules_tell_variants_apart(malformed_manifest):
    """A rule that any rejection would match checks nothing: each one
    declared must fail to match the message its variant would get if the
    tool named some other rule (here: every other rule's own name)."""
    rules = {e["rule"] for e in malformed_manifest.values()}
    assert all(rules), "a malformed variant declares no rule"
    for rule in rules:
        others = [o for o in rules if o != rule and not re.search(rule, o)]
        assert others, f"rule /{rule}/ matches the text of every other rule"


def test_valid_accepted(asan_inspect_results, asan_vdsotool, valid_image):
    # the control group: the same harness passes good images
    r = asan_inspect_results[valid_image]
    argv = [asan_vdsotool, "inspect", valid_image]
    assert r.returncode == 0 and not r.stderr, describe(argv, r)


def rejects(tool, path):
    argv = [tool, "inspect", str(path)]
    assert_rejected(argv, run(argv, sanitized=True), str(path))


def test_empty_file(asan_vdsotool, tmp_path):
    p = tmp_path / "empty.so"
    p.write_bytes(b"")
    rejects(asan_vdsotool, p)


def test_directory(asan_vdsotool, tmp_path):
    rejects(asan_vdsotool, tmp_path)


def test_text_file(asan_vdsotool, tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("this is not an ELF image\n" * 10)
    rejects(asan_vdsotool, p)


def test_missing_file(asan_vdsotool, tmp_path):
    rejects(asan_vdsotool, tmp_path / "no-such-file.so")


def test_unreadable_file(asan_vdsotool, tmp_path, valid_images):
    if os.geteuid() == 0:
        pytest.skip("root reads mode-000 files; see test_fifo for a file open cannot use")
    p = tmp_path / "unreadable.so"
    p.write_bytes(open(valid_images[0], "rb").read())
    p.chmod(0)
    rejects(asan_vdsotool, p)


def test_fifo(asan_vdsotool, tmp_path):
    # not a regular file: opening it for reading would block without a
    # writer, so the tool must refuse it (or open it non-blocking) -- a
    # hang shows up as a timeout failure
    p = tmp_path / "fifo.so"
    os.mkfifo(p)
    assert stat.S_ISFIFO(p.stat().st_mode)
    rejects(asan_vdsotool, p)


@pytest.mark.parametrize("args", [
    [], ["inspect"], ["inspect", "--json"], ["--bogus"], ["inspect", "--bogus", "x.so"],
    ["no-such-command"], ["inspect", "a.so", "b.so"], ["inspect", "--self", "a.so"],
    ["lookups"],
], ids=lambda a: " ".join(a) or "no-arguments")
def test_usage_error(asan_vdsotool, args):
    argv = [asan_vdsotool] + args
    r = run(argv, sanitized=True)
    assert not sanitizer_report(r.stderr), describe(argv, r)
    assert r.returncode == 2 and r.stderr.strip(), describe(argv, r)
