"""The tree `make install` writes runs unchanged under the kernel's own
kselftest runner (run_kselftest.sh and kselftest/, from Debian's
linux-source-7.2, fixtures/fetch-kernel-tools), as the collection
`vdsoconf`, laid out beside it as the kernel's `make install` lays out its
own: run_kselftest.sh and kselftest/ at the top, one directory per
collection, kselftest-list.txt naming COLLECTION:TEST.  The same tree
still serves run_vdsoconf.sh."""

import re
import shutil
import subprocess

import pytest

from conftest import REPO, build_path, whole_case_skips

CASES = sorted(p.stem for p in (REPO / "cases").glob("*.c"))
VERSION = "7.2"
# the files of tools/testing/selftests that the kernel's install copies
KERNEL_FILES = ["run_kselftest.sh", "kselftest/runner.sh", "kselftest/prefix.pl",
                "kselftest/ktap_helpers.sh", "kselftest/module.sh"]
RESULT = re.compile(r"^(ok|not ok) (\d+) selftests: vdsoconf: (\S+)(?: # (.*))?$")


def install(dest, *extra):
    r = subprocess.run(["make", "-s", f"B={build_path()}", "install", f"INSTALL_PATH={dest}",
                        *extra], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]


@pytest.fixture(scope="module")
def selftests():
    r = subprocess.run([str(REPO / "fixtures" / "fetch-kernel-tools"), VERSION],
                       capture_output=True, text=True, timeout=900)
    if r.returncode:
        lines = r.stderr.strip().splitlines() or ["no reason given"]
        pytest.skip(f"the kselftest runner of linux-source-{VERSION} is unavailable: {lines[-1]}")
    return r.stdout.strip() + "/tools/testing/selftests"


@pytest.fixture(scope="module")
def tree(selftests, tmp_path_factory):
    """An install tree holding another collection, then the kernel's
    runner, then ours: what a kernel CI image that adds vdsoconf has."""
    dest = tmp_path_factory.mktemp("kselftest_install")
    (dest / "kselftest").mkdir()
    for f in KERNEL_FILES:
        shutil.copy(f"{selftests}/{f}", dest / f)
        (dest / f).chmod(0o744)
    (dest / "other").mkdir()
    (dest / "other" / "hello").write_text("#!/bin/sh\necho 'ok 1 hello'\n")
    (dest / "other" / "hello").chmod(0o755)
    (dest / "kselftest-list.txt").write_text("other:hello\n")
    install(dest)
    install(dest)      # a second install neither duplicates nor drops lines
    return dest


def kselftest(tree, *args, timeout=600):
    return subprocess.run([str(tree / "run_kselftest.sh"), *args], capture_output=True, text=True,
                          timeout=timeout)


def results(out):
    return [RESULT.match(l).groups() for l in out.splitlines() if RESULT.match(l)]


def test_listed_beside_other_collections(tree):
    r = kselftest(tree, "-l")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["other:hello"] + [f"vdsoconf:{c}" for c in CASES]
    assert (tree / "vdsoconf" / "settings").read_text() == "timeout=120\n"


def test_collection(tree):
    r = kselftest(tree, "-c", "vdsoconf")
    lines = r.stdout.splitlines()
    assert lines[:2] == ["TAP version 13", f"1..{len(CASES)}"], r.stdout[:500]
    got = results(r.stdout)
    assert [(n, c) for _, n, c, _ in got] == [(str(i), c) for i, c in enumerate(CASES, 1)]
    # run_vdsoconf.sh's test already requires every case to pass here
    assert all(ok == "ok" and (d is None or d.startswith("SKIP")) for ok, _, _, d in got), \
        r.stdout[-4000:]
    assert r.returncode == 0
    assert lines.count("# timeout set to 120") == len(CASES)
    # each case's own KTAP document, behind the runner's "# " prefix
    assert lines.count("# KTAP version 1") == len(CASES)
    # a whole-case skip prints its plan (1..0 # SKIP) and no totals
    skips = whole_case_skips(build_path() / "cases", CASES)
    assert sum(l.startswith("# # Totals: ") for l in lines) == len(CASES) - len(skips)
    assert sum(l.startswith("# 1..0 # SKIP ") for l in lines) == len(skips)
    assert re.search(r"^# Totals: pass:\d+ fail:0 ", r.stdout, re.M)


def test_one_case_and_per_test_log(tree, tmp_path):
    logs = tmp_path / "logs"
    r = kselftest(tree, "-p", str(logs), "-t", "vdsoconf:symbols")
    assert r.returncode == 0, r.stdout[-3000:]
    assert r.stdout.splitlines()[1] == "1..1"
    assert results(r.stdout) == [("ok", "1", "symbols", None)]
    # the case's output went to its log, not to the runner's stdout
    assert "# KTAP version 1" not in r.stdout
    log = (logs / "symbols").read_text().splitlines()
    assert "# KTAP version 1" in log and "# timeout set to 120" in log
    assert any(re.match(r"# ok \d+ ", l) for l in log)
    assert [p.name for p in logs.iterdir()] == ["symbols"]


def test_settings_timeout(tree, tmp_path):
    """warp measures for at least two seconds; a one-second timeout in
    vdsoconf/settings stops it, under both runners."""
    slow = tmp_path / "tree"
    shutil.copytree(tree, slow, symlinks=True)
    (slow / "vdsoconf" / "settings").write_text("timeout=1\n")
    r = kselftest(slow, "-t", "vdsoconf:warp", "-t", "vdsoconf:symbols")
    assert results(r.stdout) == [("not ok", "1", "warp", "TIMEOUT 1 seconds"),
                                 ("ok", "2", "symbols", None)], r.stdout[-3000:]
    assert r.returncode == 1
    ours = subprocess.run([str(slow / "run_vdsoconf.sh"), "-t", "warp"], capture_output=True,
                          text=True, timeout=300)
    assert "not ok 1 vdsoconf:warp # TIMEOUT 1 seconds" in ours.stdout.splitlines(), ours.stdout
    assert ours.returncode == 1


def test_run_vdsoconf_sh_in_the_same_tree(tree):
    r = subprocess.run([str(tree / "run_vdsoconf.sh"), "-l"], capture_output=True, text=True)
    assert r.stdout.split() == CASES
    one = subprocess.run([str(tree / "run_vdsoconf.sh"), "-t", "getcpu"], capture_output=True,
                         text=True, timeout=300)
    assert one.returncode == 0 and "ok 1 vdsoconf:getcpu" in one.stdout.splitlines(), one.stdout
