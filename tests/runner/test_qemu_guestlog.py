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
    # judged later, by the rule a local run follows (test below)
    assert runs["enoexec"].exec_errno == 8 and runs["missing"].exec_errno == 2
    assert not runs["enoexec"].exec_skip and not runs["missing"].exec_error
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


def test_exec_failures_judged_as_locally(tmp_path):
    """ENOEXEC is a skip only for a program of another ABI than the guest's
    /init; of the same ABI (a broken build) it is a failure, like any other
    errno: the rule runner/core/caserun.py applies to local runs."""
    from runner.core.caserun import CaseRun, judge_exec_failure
    init = tmp_path / "init"
    init.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(9) + b"\x02\x00\x3e\x00" + bytes(44))
    foreign = tmp_path / "case-i386"
    foreign.write_bytes(b"\x7fELF\x01\x01\x01" + bytes(9) + b"\x02\x00\x03\x00" + bytes(44))
    same = tmp_path / "case"
    same.write_bytes(init.read_bytes())
    runs = {}
    for name, prog, err in (("foreign", foreign, 8), ("same", same, 8), ("missing", same, 2)):
        runs[name] = CaseRun(name=name, path=f"/cases/{name}")
        judge_exec_failure(runs[name], err, str(prog), str(init), "the guest kernel")
    assert "the guest kernel cannot execute foreign (exec format error)" in runs["foreign"].exec_skip
    assert runs["same"].exec_error and not runs["same"].exec_skip
    assert "No such file" in runs["missing"].exec_error


def test_markers_after_firmware_output_that_left_its_line_open():
    # pseries: prom_init's banner ends without a newline, a kernel line cut
    # out of it joins what is left to /init's first line
    text = "\r\n".join([
        "Booting Linux via __start() @ 0x0000000000400000 ...",
        "\rLinux ppc64le",
        "#1 SMP PREEMPT D[    3.763585] SED: plpks not available",
        HELLO.replace("x86_64", "ppc64le"),
        "vdsoconf-case-begin pc", ":ok 1 vdsoconf-done is no marker here",
        "!a vdsoconf-case-end pc in a case's stderr",
        "junk vdsoconf-case-end pc exit=0 signal=0 timeout=0 ms=5 errno=0",
        "\x1b[0mvdsoconf-done 1", ""])
    log = guestlog.parse(text)
    assert log.hello["machine"] == "ppc64le" and log.done
    (run,) = log.cases
    assert run.stdout == "ok 1 vdsoconf-done is no marker here\n"
    assert run.stderr == "a vdsoconf-case-end pc in a case's stderr\n"
    assert run.duration_s == 0.005


def test_hello_in_the_middle_of_a_line_of_early_output():
    log = guestlog.parse("OpenSBI v1.5 console garbage" + HELLO + "\nvdsoconf-done 0\n")
    assert log.hello["release"] == "6.1.0-56-cloud-amd64" and log.done
