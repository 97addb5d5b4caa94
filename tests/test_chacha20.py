"""The reference ChaCha20 (lib/case/chacha20.c) that getrandom_chacha
predicts the vDSO's output with: RFC 8439's test vectors and the 64-bit
counter's carry (tests/c/chacha20_test.c), the keystream against
OpenSSL's where its command is installed (its counter carries into the
next word as the kernel's does), and mutants of the reference that the
vectors must catch.  A few seconds."""

import os
import shutil
import subprocess

import pytest

from conftest import REPO

SRC = [REPO / "tests" / "c" / "chacha20_test.c"]
CFLAGS = ["-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror", "-O2", f"-I{REPO / 'lib'}",
          f"-I{REPO / 'lib' / 'case'}"]


def build(out, chacha_src):
    r = subprocess.run([os.environ.get("CC", "cc"), *CFLAGS, "-o", str(out), *map(str, SRC), str(chacha_src)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="module")
def prog(tmp_path_factory):
    return build(tmp_path_factory.mktemp("chacha") / "chacha20_test", REPO / "lib" / "case" / "chacha20.c")


def test_vectors(prog):
    r = subprocess.run([str(prog)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout
    assert r.stdout.count("\nok ") == 4, r.stdout


@pytest.mark.parametrize("counter", [0, 1, 1000, 0xfffffffe, 0x1234567890])
def test_keystream_matches_openssl(prog, counter):
    if not shutil.which("openssl"):
        pytest.skip("no openssl command")
    key = os.urandom(32).hex()
    nblocks = 3
    ours = subprocess.run([str(prog), key, str(counter), str(nblocks)], capture_output=True,
                          text=True, check=True).stdout.strip()
    # OpenSSL's IV: the 32-bit counter (little-endian), then 12 bytes the
    # vDSO's layout has as the counter's high word and two zero words
    iv = (counter & 0xffffffff).to_bytes(4, "little") + (counter >> 32).to_bytes(4, "little") + bytes(8)
    r = subprocess.run(["openssl", "enc", "-chacha20", "-K", key, "-iv", iv.hex()],
                       input=bytes(64 * nblocks), capture_output=True)
    assert r.returncode == 0, r.stderr
    assert ours == r.stdout.hex()


MUTANTS = {
    # the 64-bit counter's high word never set: the carry into word 13 lost
    "no_carry": ("in[13] = (uint32_t)(counter >> 32);", "in[13] = 0;", ["chacha20.vdso.carry_2_32"]),
    # ChaCha8: the same statistics, other bytes
    "eight_rounds": ("round < 20", "round < 8", ["chacha20.rfc8439.2_3_2_block",
                                                 "chacha20.rfc8439.2_4_2_encryption"]),
    # the feed-forward left out
    "no_feed_forward": ("uint32_t v = x[i] + in[i];", "uint32_t v = x[i];",
                        ["chacha20.rfc8439.2_3_2_block"]),
}


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_mutant_is_caught(tmp_path, name):
    old, new, points = MUTANTS[name]
    src = (REPO / "lib" / "case" / "chacha20.c").read_text()
    assert src.count(old) == 1, f"mutation site {old!r} not found once"
    mutated = tmp_path / "chacha20.c"
    mutated.write_text(src.replace(old, new))
    r = subprocess.run([str(build(tmp_path / "t", mutated))], capture_output=True, text=True)
    assert r.returncode == 1, r.stdout
    failed = {l.split()[-1] for l in r.stdout.splitlines() if l.startswith("not ok")}
    assert set(points) <= failed, f"survived at {sorted(set(points) - failed)}:\n{r.stdout}"
