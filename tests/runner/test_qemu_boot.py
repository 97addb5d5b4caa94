"""The QEMU side (runner/guest/qemu.py, runner/guest/guestcase.py) against
a fake QEMU: a script that prints what a guest would, so that every way a
boot can go wrong is produced in a second, and named as it must be."""

import json
import subprocess
import sys
import textwrap

import pytest
import runner_helpers as h

from runner.core import recording
from runner.guest import guestcase, qemu

HELLO = ("vdsoconf-guest release=6.1.0-fake machine=x86_64 cpus=2 clocksource=tsc "
         "vdso={vdso}")
SCRIPTS = {
    "ok": [HELLO, "vdsoconf-case-begin a", ":KTAP version 1", ":1..1", "!note",
           "[    1.000000] a kernel line", ":ok 1 a.one",
           "vdsoconf-case-end a exit=0 signal=0 timeout=0 ms=10 errno=0",
           "vdsoconf-case-begin b", ":KTAP version 1", ":1..1", ":not ok 1 b.one",
           "vdsoconf-case-end b exit=1 signal=0 timeout=0 ms=10 errno=0", "vdsoconf-done 2"],
    "silent": ["@sleep"],
    "kernel-only": ["[    0.000000] Linux version 6.1.0-fake", "@sleep"],
    "hang": [HELLO, "vdsoconf-case-begin a", ":KTAP version 1", "@sleep"],
    "panic": [HELLO, "vdsoconf-case-begin b", ":KTAP version 1",
              "[    2.000000] BUG: kernel NULL pointer dereference, address: 0000000000000004",
              "[    2.000001] Kernel panic - not syncing: Fatal exception"],
    "error": ["@stderr qemu-system-x86_64: linux kernel too old to load a ram disk", "@exit 1"],
    "no-poweroff": [HELLO, "vdsoconf-done 0", "@sleep"],
}

FAKE = textwrap.dedent('''\
    #!{python}
    import sys, time
    if "--version" in sys.argv:
        print("QEMU emulator version 0.0.1-fake"); sys.exit(0)
    cmdline = sys.argv[sys.argv.index("-append") + 1]
    vdso = "none" if "vdso=0" in cmdline.split() else "0x7ff000"
    for line in {lines!r}:
        if line == "@sleep":
            sys.stdout.flush(); time.sleep(60)
        elif line.startswith("@stderr "):
            print(line[8:], file=sys.stderr)
        elif line.startswith("@exit "):
            sys.exit(int(line[6:]))
        else:
            print(line.format(vdso=vdso), end="\\r\\n", flush=True)
    ''')


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """fake(mode) -> qemu.boot's result for a guest that behaves so."""
    monkeypatch.setattr(qemu, "STALL_MARGIN_S", 1.0)
    monkeypatch.setattr(qemu, "POWEROFF_WAIT_S", 1.0)

    def boot(mode, append="", **kw):
        root = tmp_path / mode
        binary = root / "usr" / "bin" / "qemu-system-x86_64"
        binary.parent.mkdir(parents=True)
        binary.write_text(FAKE.format(python=sys.executable, lines=SCRIPTS[mode]))
        binary.chmod(0o755)
        monkeypatch.setenv(qemu.QEMU_DIR_ENV, str(root))
        kernel, initrd = tmp_path / "vmlinuz", tmp_path / "initrd"
        kernel.write_bytes(b"")
        initrd.write_bytes(b"")
        args = dict(boot_timeout=2.0, case_timeout=1.0, append=append,
                    console_log=tmp_path / f"{mode}.log")
        args.update(kw)
        return qemu.boot(kernel, initrd, "x86_64", **args)
    return boot


def _guest_points(b, expected):
    from runner.core import ktap
    runs = guestcase.runs(b, expected, 1.0, "vdsoconf run --kernel K")
    doc = ktap.parse(runs[0].stdout)
    return {n.name: (n.status, n.reason) for n in doc.children}, {r.name: r for r in runs[1:]}


def test_a_clean_run(fake):
    b = fake("ok")
    assert b.ok and b.powered_off and b.qemu_version == "0.0.1-fake"
    assert b.boot_s is not None and b.done_s is not None
    assert [r.name for r in b.log.cases] == ["a", "b"]
    assert b.log.cases[0].stderr == "note\n" and "a kernel line" not in b.log.cases[0].stdout
    points, runs = _guest_points(b, ["a", "b"])
    assert {k: v[0] for k, v in points.items()} == {
        "guest.boot": "pass", "guest.vdso": "pass", "guest.finish": "pass"}
    assert runs["b"].exit_code == 1 and runs["b"].reproduce == "vdsoconf run --kernel K b"


@pytest.mark.parametrize("mode, outcome, words", [
    ("silent", "no output", "no output within 2 s"),
    ("kernel-only", "boot timeout", "/init did not start within 2 s"),
    ("error", "qemu error", "linux kernel too old to load a ram disk"),
])
def test_no_boot(fake, mode, outcome, words):
    b = fake(mode)
    assert (b.outcome, words in b.detail) == (outcome, True), b.detail
    points, runs = _guest_points(b, ["a"])
    assert points["guest.boot"][0] == "fail" and words in points["guest.boot"][1]
    assert points["guest.finish"][0] == "skip"
    assert runs["a"].exec_skip.startswith("not run: ") and "see guest.boot" in runs["a"].exec_skip


def test_hang_names_the_case(fake):
    b = fake("hang")
    assert b.outcome == "hang" and "while running case a" in b.detail
    points, runs = _guest_points(b, ["a", "b"])
    assert points["guest.finish"][0] == "fail"
    assert "the guest stopped while this case ran" in runs["a"].exec_error
    assert runs["a"].stdout == "KTAP version 1\n"
    assert "see guest.finish" in runs["b"].exec_skip


def test_panic_names_the_case_and_the_oops(fake):
    b = fake("panic")
    assert b.outcome == "kernel panic"
    assert b.detail == "kernel panic while running case b: Fatal exception"
    assert any("NULL pointer dereference" in p for p in b.problems())
    points, runs = _guest_points(b, ["a", "b"])
    assert points["guest.finish"] == ("fail", b.detail)
    assert "Fatal exception" in runs["b"].exec_error
    assert runs["a"].exec_skip


def test_no_vdso_is_a_failure_not_a_clean_skip(fake):
    b = fake("ok", append="vdso=0")
    points, _ = _guest_points(b, ["a", "b"])
    assert points["guest.vdso"][0] == "fail"
    assert "guest has no vDSO (the command line has vdso=0)" in points["guest.vdso"][1]


def test_results_in_but_no_poweroff_is_no_failure(fake):
    b = fake("no-poweroff")
    assert b.ok and not b.powered_off and "did not power off" in b.detail


def test_replayed_through_the_plugin(fake, tmp_path):
    """The recording becomes the ordinary reports, labelled with the guest."""
    b = fake("ok")
    runs = guestcase.runs(b, ["a", "b"], 1.0, "vdsoconf run --kernel K")
    rec = tmp_path / "rec"
    system = {"kernel": "6.1.0-fake", "machine": "x86_64", "clocksource": "tsc",
              "duration_s": 12.5, "guest": {"outcome": b.outcome}}
    paths = recording.write(rec, runs, system)
    out = tmp_path / "report.json"
    junit = tmp_path / "junit.xml"
    r = subprocess.run(
        [h.PYTHON, "-m", "pytest", "-p", "runner.plugin", "-p", "no:cacheprovider",
         "-c", "/dev/null", "--rootdir", str(rec / "cases"), "-q",
         "-o", "junit_suite_name=vdsoconf 6.1.0-fake", "--junitxml", str(junit),
         "--vdsoconf-recorded", str(rec), "--vdsoconf-json", str(out), *map(str, paths)],
        cwd=h.REPO, capture_output=True, text=True, env=h.clean_env(), timeout=60)
    assert r.returncode == 1, h.describe(r)
    report = json.loads(out.read_text())
    assert (report["kernel"], report["clocksource"], report["duration_s"]) == ("6.1.0-fake", "tsc", 12.5)
    assert report["guest"] == {"outcome": "ok"}
    statuses = {c["name"]: c["status"] for c in report["cases"]}
    assert statuses == {"guest": "pass", "a": "pass", "b": "fail"}
    assert 'name="vdsoconf 6.1.0-fake"' in junit.read_text()
    assert "reproduce: vdsoconf run --kernel K b" in r.stdout


def test_an_architecture_without_a_guest_build_is_said_so():
    from runner.guest.build import static_build
    with pytest.raises(RuntimeError, match="no guest build for sparc64 kernels"):
        static_build("sparc64")


def test_progress_follows_the_cases(fake):
    """qemu.boot tells its caller of /init and of each case as it begins
    and ends (several at once when they arrive in one read)."""
    seen = []
    b = fake("ok", progress=lambda log: seen.append((log.hello is not None, log.running,
                                                     [r.name for r in log.cases])))
    assert b.ok
    assert seen and seen[-1] == (True, None, ["a", "b"])
    assert all(len(x[2]) <= len(y[2]) for x, y in zip(seen, seen[1:]))


def test_the_guest_cases_as_progress_steps():
    """suite.follow turns what qemu.boot reports into Progress steps: one
    line per case ended, even when two end between two reads."""
    import io
    from runner.guest import guestlog, suite
    from runner.report.progress import Progress
    out = io.StringIO()
    seen = suite.follow(Progress(out, live=False, tick=None), 3, "guest 6.1.0-fake")
    lines = ["vdsoconf-guest release=6.1.0-fake", "vdsoconf-case-begin a"]
    seen(guestlog.parse("\n".join(lines) + "\n"))
    lines += ["vdsoconf-case-end a exit=0 signal=0 timeout=0 ms=10 errno=0",
              "vdsoconf-case-begin b",
              "vdsoconf-case-end b exit=1 signal=0 timeout=0 ms=10 errno=0",
              "vdsoconf-case-begin c"]
    seen(guestlog.parse("\n".join(lines) + "\n"))
    assert out.getvalue().splitlines()[0] == "vdsoconf: guest 6.1.0-fake: 0/3"
    assert out.getvalue().splitlines()[1:] == [
        "vdsoconf: guest 6.1.0-fake: 1/3 0:00 a", "vdsoconf: guest 6.1.0-fake: 2/3 0:00 b"]
