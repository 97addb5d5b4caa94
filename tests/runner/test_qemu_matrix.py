"""The kernel x case table and its differences (runner/matrix/), from
hand-made columns: what changed between kernels is listed, what only one
architecture prints is summed up, a kernel that failed is named and kept
out of the comparison."""

import runner_helpers  # noqa: F401  (puts the repository on sys.path)

from runner.matrix.render import render, render_bench
from runner.matrix.table import build


def col(label, arch, cases, ok=True, problem=None, kind="guest"):
    out = {"label": label, "arch": arch, "kind": kind, "ok": ok, "problem": problem,
           "totals": {"pass": 0, "fail": 0, "skip": 0, "xfail": 0}, "cases": {},
           "boot_s": 2.0, "results_s": 15.0, "total_s": 15.5}
    for case, tests in cases.items():
        counts = dict.fromkeys(("pass", "fail", "skip", "xfail", "xpass"), 0)
        for status in tests.values():
            counts[status] += 1
            out["totals"][status] = out["totals"].get(status, 0) + 1
        out["cases"][case] = {"counts": counts, "tests": dict(tests)}
    return out


X86_61 = col("6.1.0-56-cloud-amd64", "x86_64", {
    "versions": {"versions.defined.LINUX_2.6": "pass", "versions.kernel_note": "fail"},
    "symbols-i386": {"symbols.bind.__vdso_time": "pass"}})
X86_612 = col("6.12.95+deb12-cloud-amd64", "x86_64", {
    "versions": {"versions.defined.LINUX_2.6": "pass", "versions.kernel_note": "pass",
                 "versions.resolve.__vdso_getrandom": "pass"},
    "symbols-i386": {"symbols.bind.__vdso_time": "pass"}})
ARM = col("6.1.0-56-cloud-arm64", "aarch64", {
    "versions": {"versions.defined.LINUX_2.6.39": "pass", "versions.kernel_note": "fail"}})
DEAD = col("6.13-broken", "x86_64", {"guest": {"guest.boot": "fail"}}, ok=False,
           problem="kernel panic before /init started: VFS: Unable to mount root fs")


def test_differences_and_architecture_only_points():
    m = build([X86_61, X86_612, ARM, DEAD])
    assert [c["key"] for c in m["columns"]] == ["A", "B", "C", "D"]
    diffs = {(d["case"], d["point"]): d["statuses"] for d in m["differences"]}
    assert diffs == {
        ("versions", "versions.kernel_note"): {"A": "fail", "B": "pass", "C": "fail"},
        ("versions", "versions.resolve.__vdso_getrandom"): {"A": None, "B": "pass", "C": None},
    }
    assert m["architecture_only"] == {
        "x86_64": ["versions: versions.defined.LINUX_2.6"],
        "aarch64": ["versions: versions.defined.LINUX_2.6.39"]}
    # the i386 case never ran on arm64: no difference, and no architecture note
    assert ("symbols-i386", "symbols.bind.__vdso_time") not in diffs


def test_render_names_the_failed_kernel_and_the_patterns():
    text = render(build([X86_61, X86_612, ARM, DEAD]))
    assert "D  6.13-broken [x86_64, guest, /init 2.0 s, results 15.0 s]: FAILED" in text
    assert "kernel panic before /init started" in text
    rows = {line.split()[0]: line.split()[1:] for line in text.splitlines()
            if line.startswith(("versions ", "symbols-i386 ", "guest "))}
    assert rows["versions"] == ["1/1/0", "3/0/0", "1/1/0", "-"]
    assert rows["symbols-i386"] == ["1/0/0", "1/0/0", "-", "-"]
    assert "FAIL   pass   FAIL   versions: versions.kernel_note" in text
    assert "-      pass   -      versions: versions.resolve.__vdso_getrandom" in text
    assert "printed only on aarch64 (1 points" in text
    assert "versions: versions.defined.LINUX_2.6.39" in text


def test_bench_table():
    text = render_bench(build([X86_61, DEAD]))
    assert "6.1.0-56-cloud-amd64             x86_64      2.0     15.0   15.5  ok" in text
    assert "kernel panic before /init started" in text


def test_usage():
    import runner_helpers as h
    r = h.vdsoconf("matrix", "--kernel", "sid-arm64", "--arch", "arm64")
    assert r.returncode == 2 and "--arch chooses among the default kernels" in r.stderr


LIST = """bookworm-amd64 x86_64 linux-image-6.1.0-57-cloud-amd64 6.1.192-3
bookworm-riscv64 riscv64 - -
bookworm-nosuch nosuch linux-image-1 1
sid-arm64 aarch64 linux-binary-7.2.13+deb14-cloud-arm64 7.2.13-1
"""


def test_default_set_is_every_listed_bootable_kernel():
    from runner.guest.build import GUEST_ARCHES
    from runner.matrix.defaults import parse_list
    assert "nosuch" not in GUEST_ARCHES
    assert parse_list(LIST) == ["bookworm-amd64", "sid-arm64"]
    assert parse_list(LIST, ["arm64"]) == ["sid-arm64"]
    assert parse_list(LIST, ["x86_64"]) == ["bookworm-amd64"]
