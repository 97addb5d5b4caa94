"""One line of progress on stderr for the long runs (a boot under QEMU, the
matrix, the fault matrix, a kernel download).

On a terminal the line is redrawn in place: what is running, done/total
and the elapsed time, refreshed every second so that a slow boot is seen
to be alive, and erased when the run ends or before other output is
printed (clear()), so that it is never left half-drawn under a result.
Anywhere else (a CI log, a pipe, NO_COLOR, TERM=dumb) it is plain lines,
one when a run starts and one per item done, never one per tick: a log
of a ten-minute boot should not grow by six hundred lines.

    p = Progress()
    p.start(len(cases), "faults: live runs")
    p.running("clock_gettime")      # under way now (shown live only)
    p.step("clock_gettime")         # one more item done
    p.done()

start() may be called again for the next phase of the same run.  Every
method may be called from any thread (the fault matrix steps from its
pool).
"""

import os
import sys
import threading
import time
from typing import Callable, Optional, TextIO

# Seconds between redraws of the live line when nothing else happens: the
# elapsed time is shown in whole seconds.
TICK_S = 1.0


def wants_live(stream: TextIO, env=None) -> bool:
    """A terminal that can take a carriage return and an erase sequence."""
    env = os.environ if env is None else env
    if "NO_COLOR" in env or env.get("TERM", "") in ("", "dumb"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):      # a closed or odd stream
        return False


def elapsed(seconds: float) -> str:
    """m:ss, or h:mm:ss past an hour: short, and a fixed width per run."""
    s = int(seconds)
    h, m = divmod(s // 60, 60)
    return f"{h}:{m:02d}:{s % 60:02d}" if h else f"{m}:{s % 60:02d}"


def _own(stream: TextIO) -> TextIO:
    """A stream of our own on the terminal: pytest, run in this process
    for the matrix's reports, points file descriptor 2 at a file while
    each test runs, and a redraw from the ticker would end up in a report."""
    try:
        fd = os.dup(stream.fileno())
    except (AttributeError, OSError, ValueError):
        return stream
    return os.fdopen(fd, "w", encoding=getattr(stream, "encoding", None) or "utf-8",
                     errors="replace")


class Progress:
    def __init__(self, stream: Optional[TextIO] = None, live: Optional[bool] = None,
                 clock: Callable[[], float] = time.monotonic, tick: Optional[float] = TICK_S,
                 width: Optional[int] = None):
        """live: None chooses by the stream (wants_live); tick: seconds
        between redraws of the live line, None for none (tests); width:
        the terminal's, else asked of it at each draw."""
        self.stream = stream if stream is not None else sys.stderr
        self.live = wants_live(self.stream) if live is None else live
        if self.live:
            self.stream = _own(self.stream)
        self.clock = clock
        self.tick = tick
        self.width = width
        self.context = ""           # an outer stage, e.g. "[2/3]", the matrix's kernel
        self.what = ""
        self.total = 0
        self.count = 0
        self.label = ""
        self.began = None
        self.shown = False          # a live line is on the screen
        self.lock = threading.RLock()
        self.stop = threading.Event()
        self.ticker: Optional[threading.Thread] = None

    # -- the run ---------------------------------------------------------

    def within(self, context: str) -> None:
        """Name the outer stage every following line is part of."""
        with self.lock:
            self.context = context

    def start(self, total: int, what: str) -> None:
        """A run (or its next phase) of total items; 0 when not known."""
        with self.lock:
            self.what, self.total, self.count, self.label = what, total, 0, ""
            self.began = self.clock()
            if self.live:
                self._draw()
                self._tick()
            else:
                self._line(self._counter())

    def running(self, label: str) -> None:
        """What is under way now: news on a terminal, noise in a log."""
        with self.lock:
            self.label = label
            if self.live and self.began is not None:
                self._draw()

    def step(self, label: str = "") -> None:
        """One more item done."""
        with self.lock:
            if self.began is None:
                return
            self.count += 1
            self.label = label
            if self.live:
                self._draw()
            else:
                self._line(self._text())

    def done(self) -> None:
        """The end of the run: the live line goes; a plain log says so
        only when the last step did not already (an early end)."""
        with self.lock:
            if self.began is None:
                return
            self.stop.set()
            if self.live:
                self.clear()
            elif not self.total or self.count < self.total:
                self._line(f"{self._counter()} {self._elapsed()} "
                           + ("stopped" if self.total else "done"))
            self.began = None
        if self.ticker and self.ticker is not threading.current_thread():
            self.ticker.join()
        self.ticker = None

    def clear(self) -> None:
        """Erase the live line so that other output starts at column 0; it
        comes back with the next step or tick."""
        with self.lock:
            if self.shown:
                self.stream.write("\r\033[K")
                self.stream.flush()
                self.shown = False

    # -- drawing -----------------------------------------------------------

    def _counter(self) -> str:
        head = " ".join(filter(None, (self.context, self.what)))
        return f"{head}: {self.count}/{self.total}" if self.total else head

    def _elapsed(self) -> str:
        return elapsed(self.clock() - self.began)

    def _line(self, text: str) -> None:
        self.stream.write(f"vdsoconf: {text}\n")
        self.stream.flush()

    def _text(self) -> str:
        # the label last: it is the part of a live line cut to fit
        return " ".join(filter(None, (self._counter(), self._elapsed(), self.label)))

    def _columns(self) -> int:
        if self.width:
            return self.width
        try:
            return os.get_terminal_size(self.stream.fileno()).columns or 80
        except (AttributeError, ValueError, OSError):
            return 80

    def _draw(self) -> None:
        text = self._text()
        # a line that wraps cannot be taken back by a carriage return
        width = self._columns()
        if len(text) > width - 1:
            text = text[:max(0, width - 4)] + "..."
        self.stream.write(f"\r\033[K{text}")
        self.stream.flush()
        self.shown = True

    def _tick(self) -> None:
        if self.tick is None or self.ticker is not None:
            return
        self.stop.clear()

        def redraw():
            while not self.stop.wait(self.tick):
                with self.lock:
                    if self.began is not None:
                        self._draw()

        self.ticker = threading.Thread(target=redraw, name="progress", daemon=True)
        self.ticker.start()
