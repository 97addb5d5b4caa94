"""Stub case programs and a way to run `vdsoconf` on them.

The stubs are shell scripts that print exactly what a case would, so each
runner behaviour (crash, hang, garbage, nesting, every directive) can be
produced on demand without building C.

Why a helper module and no conftest.py here: the suite's other tests do
`from conftest import ...`, which a second conftest.py would shadow; and
why no __init__.py: as a package this directory would be imported as
`runner`, shadowing the runner under test.  Import this module first in a
test module: it puts the repository root on sys.path.
"""

import os
import pathlib
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
VDSOCONF = REPO / "runner" / "vdsoconf"
PYTHON = "/usr/bin/python3"

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def _ktap(*lines, exit_code=0):
    body = "\n".join(lines)
    return f"#!/bin/sh\ncat <<'EOF'\n{body}\nEOF\nexit {exit_code}\n"


STUBS = {
    "pass": _ktap("KTAP version 1", "1..2",
                  "ok 1 stub.pass.one",
                  "ok 2 stub.pass.two"),
    "fail": _ktap("KTAP version 1", "1..2",
                  "ok 1 stub.fail.good",
                  "# expected 42, got 41",
                  "not ok 2 stub.fail.bad", exit_code=1),
    "skipall": _ktap("KTAP version 1", "1..0 # SKIP no vDSO on this machine", exit_code=4),
    # what ksft_exit_skip() prints once a plan is out
    "skipexit4": _ktap("KTAP version 1", "1..3", "ok 1 # SKIP not root", exit_code=4),
    "directives": _ktap("KTAP version 1", "1..5",
                        "ok 1 dir.pass",
                        "ok 2 dir.skip # SKIP not supported here",
                        "ok 3 dir.xfail # XFAIL known kernel bug",
                        "not ok 4 dir.todo # TODO not written yet",
                        "ok 5 dir.xpass # XPASS fixed upstream", exit_code=3),
    "nested": _ktap("KTAP version 1", "1..2",
                    "  KTAP version 1", "  1..2",
                    "    KTAP version 1", "    1..2",
                    "    ok 1 nest.outer.inner.a",
                    "    ok 2 nest.outer.inner.b",
                    "  ok 1 nest.outer.inner",
                    "  ok 2 plain",
                    "ok 1 nest.outer",
                    "ok 2 nest.flat"),
    "crash": ("#!/bin/sh\necho 'KTAP version 1'\necho '1..3'\necho 'ok 1 crash.first'\n"
              "kill -SEGV $$\n"),
    "hang": "#!/bin/sh\necho 'KTAP version 1'\necho '1..1'\nsleep 30\necho 'ok 1 hang.never'\n",
    "noversion": _ktap("1..1", "ok 1 m.noversion"),
    "noplan": _ktap("KTAP version 1", "ok 1 m.noplan"),
    "shortplan": _ktap("KTAP version 1", "1..3", "ok 1 m.short.a", "ok 2 m.short.b"),
    "bailout": _ktap("KTAP version 1", "1..2", "ok 1 b.first",
                     "Bail out! cannot open the target", exit_code=1),
    # alternates pass and fail through a counter kept next to itself
    "flaky": ('#!/bin/sh\nf="$(dirname "$0")/.flaky-count"\n'
              'n=$(cat "$f" 2>/dev/null || echo 0)\necho $((n + 1)) > "$f"\n'
              "echo 'KTAP version 1'\necho '1..1'\n"
              "if [ $((n % 2)) -eq 0 ]; then echo 'ok 1 flaky.coin'; exit 0; fi\n"
              "echo 'not ok 1 flaky.coin'\nexit 1\n"),
    "target": ("#!/bin/sh\necho 'KTAP version 1'\necho '1..1'\n"
               'case "$VDSOCONF_TARGET" in /*) [ -f "$VDSOCONF_TARGET" ] && '
               "{ echo 'ok 1 target.seen'; exit 0; } ;; esac\n"
               "echo \"# VDSOCONF_TARGET='$VDSOCONF_TARGET'\"\n"
               "echo 'not ok 1 target.seen'\nexit 1\n"),
}

# Every stub that terminates, with what the summary row must say for it:
# (pass, fail, skip, xfail).  An unexpected pass counts as a failure.
MIXED = {
    "pass": (2, 0, 0, 0),
    "fail": (1, 1, 0, 0),
    "skipall": (0, 0, 1, 0),
    "skipexit4": (0, 0, 1, 0),
    "directives": (1, 1, 1, 2),
    "nested": (6, 0, 0, 0),
    "crash": (1, 1, 0, 0),
    "noversion": (1, 1, 0, 0),
    "noplan": (1, 1, 0, 0),
    "shortplan": (2, 1, 0, 0),
    "bailout": (1, 1, 0, 0),
}


def write_stubs(directory: pathlib.Path, names) -> pathlib.Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name in names:
        path = directory / name
        path.write_text(STUBS[name])
        path.chmod(0o755)
    return directory


def stub_dir(tmp_path: pathlib.Path, *names) -> pathlib.Path:
    """A fresh cases directory holding just the named stubs."""
    return write_stubs(tmp_path / "cases", names)


def ktap_doc(*lines):
    """Parse lines (or one whole text) with the parser under test."""
    from runner.core import ktap
    return ktap.parse("\n".join(lines) + "\n")


def clean_env():
    env = dict(os.environ)
    # the outer test run's settings must not leak into the runs under test
    for var in ("VDSOCONF_TARGET", "PYTEST_ADDOPTS", "PYTEST_PLUGINS"):
        env.pop(var, None)
    return env


def vdsoconf(*args, cwd=None, timeout=60):
    return subprocess.run([PYTHON, str(VDSOCONF), *map(str, args)], cwd=cwd or REPO,
                          capture_output=True, text=True, env=clean_env(), timeout=timeout)


def run_in(outdir: pathlib.Path, cases_dir: pathlib.Path, *args, **kw):
    """`vdsoconf run` with every report written under outdir."""
    return vdsoconf("run", "--cases-dir", cases_dir, "--junit", outdir / "junit.xml",
                    "--json", outdir / "report.json", "--ktap", outdir / "ktap.log",
                    *args, **kw)


def summary_rows(stdout: str):
    """{case: (pass, fail, skip, xfail)} from the summary table."""
    rows = {}
    lines = stdout.splitlines()
    start = max(i for i, line in enumerate(lines) if line.split()[:2] == ["case", "pass"])
    for line in lines[start + 1:]:
        cols = line.split()
        if len(cols) == 6 and all(c.isdigit() for c in cols[1:5]):
            rows[cols[0]] = tuple(int(c) for c in cols[1:5])
    return rows


def describe(r) -> str:
    return f"exit {r.returncode}\n--- stdout\n{r.stdout}\n--- stderr\n{r.stderr}"
