"""The guest /init's console protocol, read back (runner/guest/guestlog.py):
tagged lines only, kernel lines cut out even from inside ours, every way a
case can end."""

import runner_helpers  # noqa: F401  (puts the repository on sys.path)

from runner.guest import guestlog

HELLO = "vdsoconf-guest release=6.1.0-56-cloud-amd64 machine=x86_64 cpus=2 clocksource=tsc vdso=0x7ffc5dff9000"


def test_cases_stdout_stderr_and_exit():
    log = guestlog.parse("\r\n".join([
        "SeaBIOS noise", HELLO,
        "vdsoconf-case-begin symbols", ":KTAP version 1", ":1..1", "!a warning", ":ok 1 s.a",
        "vdsoconf-case-end symbols exit=0 signal=0 timeout=0 ms=1234 errno=0",
        "vdsoconf-done 1", ""]))
    assert log.hello["release"] == "6.1.0-56-cloud-amd64" and log.hello["vdso"] == "0x7ffc5dff9000"
    assert log.done and log.running is None
    (run,) = log.cases
    assert (run.name, run.path, run.exit_code, run.duration_s) == ("symbols", "/cases/symbols", 0, 1.234)
    assert run.stdout == "KTAP version 1\n1..1\nok 1 s.a\n"
    assert run.stderr == "a warning\n"


def test_kernel_lines_are_cut_out_even_mid_line():
    text = "\n".join([
        HELLO, "vdsoconf-case-begin pc",
        "[    1.000000] random: crng init done",
        ":ok 1 pc.bou[    2.500000] clocksource: Switched to clocksource tsc",
        "ndary.first",
        "vdsoconf-case-end pc exit=0 signal=0 timeout=0 ms=1 errno=0", ""])
    log = guestlog.parse(text)
    assert log.cases[0].stdout == "ok 1 pc.boundary.first\n"
    assert log.kernel == ["[    1.000000] random: crng init done",
                          "[    2.500000] clocksource: Switched to clocksource tsc"]


def test_every_way_a_case_ends():
    ends = {
        "enoexec": "exit=-1 signal=0 timeout=0 ms=3 errno=8",
        "missing": "exit=-1 signal=0 timeout=0 ms=3 errno=2",
        "slow": "exit=-1 signal=0 timeout=1 ms=60000 errno=0",
        "crash": "exit=-1 signal=11 timeout=0 ms=5 errno=0",
        "fails": "exit=1 signal=0 timeout=0 ms=5 errno=0",
    }
    lines = [HELLO]
    for name, end in ends.items():
        lines += [f"vdsoconf-case-begin {name}", f"vdsoconf-case-end {name} {end}"]
    runs = {r.name: r for r in guestlog.parse("\n".join(lines)).cases}
    assert "exec format error" in runs["enoexec"].exec_skip
    assert "errno 2" in runs["missing"].exec_error
    assert runs["slow"].timed_out and runs["slow"].exit_code is None
    assert runs["crash"].signal == "SIGSEGV"
    assert runs["fails"].exit_code == 1


def test_a_case_the_kernel_died_under_keeps_its_output():
    log = guestlog.parse("\n".join([HELLO, "vdsoconf-case-begin warp", ":KTAP version 1",
                                    "[    9.000000] Kernel panic - not syncing: Fatal exception"]))
    assert log.running == "warp" and not log.done
    (run,) = log.cases
    assert run.stdout == "KTAP version 1\n" and run.exit_code is None


def test_nothing_from_init():
    log = guestlog.parse("[    0.000000] Linux version 6.1.0\n")
    assert log.hello is None and log.cases == [] and not log.done
