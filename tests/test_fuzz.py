"""The libFuzzer harness over open + inspect + every lookup, seeded with
the fixtures, for VDSOCONF_FUZZ_SECONDS (default 60) when clang is here.

The seeds include every malformed image: libFuzzer runs each seed once
before it mutates, under ASan, UBSan and LeakSanitizer, so this is also
where the malformed images are checked for leaks (test_malformed.py runs
the tool on each of them without the leak scan, which dominates its cost)."""

import os
import shutil
import subprocess

import pytest

from conftest import REPO, build_path, generated


def test_fuzz_no_finding(tmp_path):
    if not shutil.which("clang-14"):
        pytest.skip("clang-14 (libFuzzer) is not installed")
    seconds = int(os.environ.get("VDSOCONF_FUZZ_SECONDS", "60"))
    b = build_path()
    subprocess.run(["make", "-s", f"B={b}", f"{b}/fuzz/fuzz_image"], cwd=REPO, check=True)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seeds = generated()[0] + generated()[1]
    for e in seeds:
        shutil.copy(e["path"], corpus)
    r = subprocess.run([str(b / "fuzz" / "fuzz_image"), f"-max_total_time={seconds}",
                        "-print_final_stats=1", f"-artifact_prefix={tmp_path}/", str(corpus)],
                       capture_output=True, text=True, errors="replace", timeout=seconds + 120)
    stats = [l for l in r.stderr.splitlines() if l.startswith("stat::number_of_executed_units")]
    print(stats[0] if stats else "no stats")
    assert r.returncode == 0, "fuzzer finding:\n" + r.stderr[-6000:]
    # the seeds (malformed images among them) ran before any mutation
    inited = [l for l in r.stderr.splitlines() if "\tINITED " in l]
    assert inited, "the seed corpus was never run:\n" + r.stderr[-3000:]
    assert not list(tmp_path.glob("crash-*")) and not list(tmp_path.glob("leak-*"))
