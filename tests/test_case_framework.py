"""The case framework (lib/case/case.h), on small programs built for the
purpose: the plan is what run() enumerates, counted in a first pass; a
check that reports while the points are counted fails the case; a run
whose points differ from the count is reported as malformed."""

import json
import os
import shutil
import subprocess

import pytest

from conftest import REPO, build_case_program

PYTHON = "/usr/bin/python3"

HEAD = """
#include "case/case.h"
"""

# Points from a table and a nested subtest; nothing counted by hand.
DERIVED = HEAD + """
static const char *const things[] = { "a", "b", "c" };
static int opened;

static void children(const void *arg)
{
	for (int i = 0; i < *(const int *)arg; i++)
		if (case_point("fw.sub.%d", i))
			case_pass();
}

static void run(struct case_ctx *ctx)
{
	static const int n = 2;

	(void)ctx;
	for (size_t i = 0; i < ARRAY_SIZE(things); i++) {
		if (!case_point("fw.thing.%s", things[i]))
			continue;
		opened++;
		case_pass();
	}
	case_sub("fw.sub", children, &n);
	if (case_point("fw.last"))
		case_check(opened == 3, "opened %d", opened);
}
"""

# Checks without returning on case_point() == 0.
UNGUARDED = HEAD + """
static void run(struct case_ctx *ctx)
{
	(void)ctx;
	case_point("fw.unguarded");
	case_pass();
}
"""

# One point more on the second pass than on the first.
DIVERGENT = HEAD + """
static void run(struct case_ctx *ctx)
{
	static int passes;

	(void)ctx;
	for (int i = 0; i <= passes; i++)
		if (case_point("fw.point.%d", i))
			case_pass();
	passes++;
}
"""

# Diagnostics from setup, a forked helper and the counting pass: all of
# them come after the plan, in the order printed.
CHATTY = HEAD + """
#include <sys/wait.h>
#include <unistd.h>

static void setup(struct case_ctx *ctx)
{
	pid_t pid;

	(void)ctx;
	ksft_print_msg("from setup\\n");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		ksft_print_msg("from a child\\n");
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	if (getenv("FW_SKIP_IN_SETUP"))
		ksft_exit_skip("setup found nothing to check\\n");
}

static void run(struct case_ctx *ctx)
{
	(void)ctx;
	if (case_counting())
		ksft_print_msg("while counting\\n");
	if (case_point("fw.one"))
		case_pass();
}
"""

TAIL = """
static const struct case_spec spec = { .name = "fw", .run = run, SETUP };
CASE_MAIN(spec)
"""


@pytest.fixture(scope="module")
def cases_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("fw-cases")
    for name, src in (("derived", DERIVED), ("unguarded", UNGUARDED), ("divergent", DIVERGENT),
                      ("chatty", CHATTY)):
        setup = ".setup = setup" if "setup(" in src else ".setup = NULL"
        build_case_program(d, name, src + TAIL.replace("SETUP", setup))
    return d


def run_case(cases_dir, name):
    env = {k: v for k, v in os.environ.items() if not k.startswith("VDSOCONF_")}
    return subprocess.run([str(cases_dir / name)], capture_output=True, text=True, timeout=60, env=env)


def test_plan_is_what_run_enumerates(cases_dir):
    r = run_case(cases_dir, "derived")
    lines = r.stdout.splitlines()
    assert r.returncode == 0, r.stdout
    assert "1..5" in lines, r.stdout            # three things, the subtest, fw.last
    assert "  1..2" in lines, r.stdout          # the subtest's own plan
    assert "ok 5 fw.last" in lines, r.stdout    # every check ran once, in the second pass


def test_a_result_while_counting_fails_the_case(cases_dir):
    r = run_case(cases_dir, "unguarded")
    assert r.returncode == 1, r.stdout
    assert "while the points were counted" in r.stdout


def test_points_that_differ_from_the_count_are_malformed(cases_dir, tmp_path):
    only = tmp_path / "cases"
    only.mkdir()
    shutil.copy(cases_dir / "divergent", only / "divergent")
    report = tmp_path / "report.json"
    r = subprocess.run([PYTHON, str(REPO / "runner" / "vdsoconf"), "run", "--cases-dir", str(only),
                        "--json", str(report), "--junit", str(tmp_path / "junit.xml"),
                        "--ktap", str(tmp_path / "ktap.log")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode != 0, r.stdout
    case = json.loads(report.read_text())["cases"][0]
    assert case["status"] == "fail", case
    assert any("planned 1 test points, got 2" in m for m in case["malformed"]), case


def test_plan_right_after_the_version_line(cases_dir):
    """Linux 6.1's KTAP parser wants the plan on the second line; what setup,
    its children and the counting pass print follows it, in order."""
    r = run_case(cases_dir, "chatty")
    lines = r.stdout.splitlines()
    assert r.returncode == 0, r.stdout
    assert lines[:2] == ["KTAP version 1", "1..1"], r.stdout
    msgs = [l for l in lines if l in ("# from setup", "# from a child", "# while counting")]
    assert msgs == ["# from setup", "# from a child", "# while counting"], r.stdout
    assert lines[2].startswith("# fw: "), r.stdout   # the target line first
    assert "ok 1 fw.one" in lines, r.stdout


def test_skip_in_setup_keeps_what_was_printed(cases_dir):
    env = dict(os.environ, FW_SKIP_IN_SETUP="1")
    r = subprocess.run([str(cases_dir / "chatty")], capture_output=True, text=True, timeout=60,
                       env=env)
    assert r.returncode == 4, r.stdout
    assert "# from setup" in r.stdout and "# from a child" in r.stdout, r.stdout
    assert "setup found nothing to check" in r.stdout, r.stdout
