"""The progress line of the long runs (runner/report/progress.py): redrawn
in place on a terminal, plain lines anywhere else, chosen by the stream
and by NO_COLOR and TERM; and the kernel fetch reporting through it."""

import io
import os
import sys
import textwrap
import time

import pytest

import runner_helpers  # noqa: F401  (puts the repository on sys.path)

from runner.guest import fetch
from runner.report.progress import Progress, elapsed, wants_live


class Stream(io.StringIO):
    """stderr as a test sees it: a terminal or not, as asked."""

    def __init__(self, tty: bool):
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def run_three(p: Progress, clock: Clock) -> None:
    p.start(3, "faults: live runs")
    clock.now += 2
    p.running("clock_gettime")
    p.step("clock_gettime")
    clock.now += 3
    p.step("time")
    clock.now += 70
    p.step("getcpu")
    p.done()


def test_live_line_is_rewritten_in_place(monkeypatch):
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("NO_COLOR", raising=False)
    out, clock = Stream(tty=True), Clock()
    p = Progress(out, clock=clock, tick=None, width=80)
    assert p.live
    run_three(p, clock)
    text = out.getvalue()
    assert "\n" not in text
    frames = text.split("\r\033[K")
    assert frames[0] == ""
    assert frames[1:] == ["faults: live runs: 0/3 0:00",
                          "faults: live runs: 0/3 0:02 clock_gettime",
                          "faults: live runs: 1/3 0:02 clock_gettime",
                          "faults: live runs: 2/3 0:05 time",
                          "faults: live runs: 3/3 1:15 getcpu",
                          ""]          # erased at the end


def test_plain_lines_one_per_step():
    out, clock = Stream(tty=False), Clock()
    p = Progress(out, clock=clock, tick=None)
    assert not p.live
    p.within("[1/2]")
    run_three(p, clock)
    assert "\r" not in out.getvalue() and "\033" not in out.getvalue()
    assert out.getvalue().splitlines() == [
        "vdsoconf: [1/2] faults: live runs: 0/3",
        "vdsoconf: [1/2] faults: live runs: 1/3 0:02 clock_gettime",
        "vdsoconf: [1/2] faults: live runs: 2/3 0:05 time",
        "vdsoconf: [1/2] faults: live runs: 3/3 1:15 getcpu"]


def test_plain_says_when_a_run_ends_early_or_had_no_count():
    out, clock = Stream(tty=False), Clock()
    p = Progress(out, clock=clock, tick=None)
    p.start(12, "guest 6.1.0")
    p.step("a")
    clock.now += 30
    p.done()
    p.start(0, "host: the suite on this machine")
    clock.now += 5
    p.done()
    p.done()                    # a second done() is no second line
    assert out.getvalue().splitlines()[-3:] == [
        "vdsoconf: guest 6.1.0: 1/12 0:30 stopped",
        "vdsoconf: host: the suite on this machine",
        "vdsoconf: host: the suite on this machine 0:05 done"]


@pytest.mark.parametrize("env, tty, live", [
    ({"TERM": "xterm"}, True, True),
    ({"TERM": "xterm"}, False, False),
    ({"TERM": "xterm", "NO_COLOR": "1"}, True, False),
    ({"TERM": "xterm", "NO_COLOR": ""}, True, False),
    ({"TERM": "dumb"}, True, False),
    ({}, True, False),
])
def test_live_only_on_a_capable_terminal(env, tty, live):
    assert wants_live(Stream(tty), env) is live


def test_a_long_label_is_cut_to_the_terminal():
    out, clock = Stream(tty=True), Clock()
    p = Progress(out, live=True, clock=clock, tick=None, width=30)
    p.start(2, "guest 6.12.95+deb12-cloud-amd64")
    p.running("clock_gettime_resolution")
    frame = out.getvalue().split("\r\033[K")[-1]
    assert len(frame) == 29 and frame.endswith("...")
    p.done()


def test_the_live_line_ticks_while_nothing_happens():
    out = Stream(tty=True)
    p = Progress(out, live=True, tick=0.01, width=80)
    p.start(1, "booting")
    time.sleep(0.2)
    p.done()
    drawn = out.getvalue().count("\r\033[K")
    assert drawn >= 4, out.getvalue()
    time.sleep(0.05)            # the ticker is gone: nothing after the erase
    assert out.getvalue().count("\r\033[K") == drawn


def test_elapsed():
    assert [elapsed(s) for s in (0, 9.9, 61, 3599, 3600, 7325)] == [
        "0:00", "0:09", "1:01", "59:59", "1:00:00", "2:02:05"]


FETCHER = textwrap.dedent('''\
    #!{python}
    import sys
    args = sys.argv[1:]
    if args[0] == "--check":
        print(args[1], "x86_64") if args[1] == "sid-fake" else sys.exit(2)
    elif args[0] == "--info":
        sys.exit(1)
    elif args[0] == "sid-fake":
        print("sid-fake x86_64 {image}")
    else:
        print("no such kernel", file=sys.stderr); sys.exit(1)
    ''')


@pytest.fixture
def fetcher(tmp_path, monkeypatch):
    image = tmp_path / "vmlinuz"
    image.write_bytes(b"")
    script = tmp_path / "fetch"
    script.write_text(FETCHER.format(python=sys.executable, image=image))
    script.chmod(0o755)
    monkeypatch.setattr(fetch, "FETCH", script)
    return image


def test_a_fetch_is_one_step(fetcher):
    out = Stream(tty=False)
    kernel = fetch.resolve("sid-fake", Progress(out, tick=None))
    assert (kernel.path, kernel.arch) == (fetcher, "x86_64")
    lines = out.getvalue().splitlines()
    assert lines[0] == "vdsoconf: fetching sid-fake: 0/1"
    assert lines[1].startswith("vdsoconf: fetching sid-fake: 1/1 0:0") and len(lines) == 2


def test_a_file_is_no_fetch(fetcher):
    out = Stream(tty=False)
    fetch.resolve(str(fetcher), Progress(out, tick=None))
    assert out.getvalue() == ""


def test_the_live_line_stays_on_the_terminal_under_fd_capture(tmp_path):
    """pytest (run in-process for the matrix's reports) points fd 2 at a
    file while a test runs: the live line must not land there."""
    terminal, captured = tmp_path / "terminal", tmp_path / "captured"
    with open(terminal, "w") as stream:
        p = Progress(stream, live=True, tick=None, width=80)
        saved = os.dup(stream.fileno())
        with open(captured, "w") as other:
            os.dup2(other.fileno(), stream.fileno())
        try:
            p.start(1, "host")
            p.done()
        finally:
            os.dup2(saved, stream.fileno())
            os.close(saved)
    assert terminal.read_bytes() == b"\r\033[Khost: 0/1 0:00\r\033[K"
    assert captured.read_bytes() == b""
