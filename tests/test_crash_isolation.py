"""A call that faults costs only the point that made it: the point fails
with the signal and where it hit, the case's other points still run and
report, and the KTAP keeps its plan.  A role whose symbol is not a
function is never called: its points skip, naming the symbol type."""

import os
import re
import signal
import subprocess
import sys

import pytest

from conftest import REPO, build_case_program, build_path

sys.path.insert(0, str(REPO))
from runner.core import ktap  # noqa: E402

FAULTED = re.compile(r"the vDSO call faulted: SIGSEGV at 0x[0-9a-f]+ \(__vdso_getcpu\+0x[0-9a-f]+\)")


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("VDSOCONF_")}
    env.update(extra)
    return env


def run_getcpu(fake):
    case = build_path() / "cases" / "getcpu"
    so = build_path() / "fakes" / f"{fake}.so"
    if not case.exists() or not so.exists():
        pytest.skip("getcpu or the fakes are not built (run make all fakes)")
    return subprocess.run([str(case)], capture_output=True, text=True, timeout=120,
                          env=clean_env(VDSOCONF_TARGET=str(so)))


def well_formed(text):
    doc = ktap.parse(text)
    assert ktap.problems(doc) == [], text
    assert doc.plan == len(doc.children), text
    return {c.name: c for c in doc.children}


def test_a_faulting_call_fails_only_its_point():
    r = run_getcpu("getcpu_null_deref")
    points = well_formed(r.stdout)
    assert r.returncode == 1, r.stdout
    for name in ("getcpu.null.cpu", "getcpu.null.both"):
        p = points[name]
        assert p.status == "fail", r.stdout
        assert any(FAULTED.search(d) for d in p.diagnostics), r.stdout
    # the points before and after the faults ran and were judged
    assert points["getcpu.null.node"].status in ("pass", "skip"), r.stdout
    assert "getcpu.cpu.0" in points and "getcpu.node.0" in points, r.stdout
    assert all(points[n].status in ("pass", "skip") for n in points if not n.startswith("getcpu.null.")), r.stdout


def test_a_symbol_that_is_not_a_function_is_not_called():
    r = run_getcpu("object_symbol")
    points = well_formed(r.stdout)
    assert points, r.stdout
    for p in points.values():
        assert p.status == "skip", r.stdout
        assert "__vdso_getcpu is STT_OBJECT, not a function: not called" in p.reason, r.stdout
    assert "faulted" not in r.stdout, r.stdout


# Faults outside a target, in the framework alone: at the top level, in a
# nested subtest, and in a forked child (which must die by its signal, not
# jump into its parent's frames).
FAULTING = """
#include "case/case.h"
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static int *volatile nowhere;

static void children(const void *arg)
{
	(void)arg;
	if (case_point("fw.sub.before"))
		case_pass();
	if (case_point("fw.sub.fault"))
		case_check(*nowhere == 1, "unreachable");
	if (case_point("fw.sub.after"))
		case_pass();
}

static void run(struct case_ctx *ctx)
{
	(void)ctx;
	if (case_point("fw.before"))
		case_pass();
	if (case_point("fw.fault"))
		case_check(*nowhere == 1, "unreachable");
	case_sub("fw.sub", children, NULL);
	if (case_point("fw.child")) {
		pid_t pid = fork();
		int st = 0;

		if (pid == 0)
			_exit(*nowhere);
		waitpid(pid, &st, 0);
		case_check(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "child status %#x", st);
	}
	if (case_point("fw.after"))
		case_pass();
}

static const struct case_spec spec = { .name = "fw", .run = run };
CASE_MAIN(spec)
"""


@pytest.fixture(scope="module")
def faulting(tmp_path_factory):
    return build_case_program(tmp_path_factory.mktemp("fw-fault"), "faulting", FAULTING)


def test_faults_in_points_subtests_and_children(faulting):
    r = subprocess.run([str(faulting)], capture_output=True, text=True, timeout=60, env=clean_env())
    assert r.returncode == 1, r.stdout
    assert r.returncode != -signal.SIGSEGV
    points = well_formed(r.stdout)
    assert list(points) == ["fw.before", "fw.fault", "fw.sub", "fw.child", "fw.after"], r.stdout
    assert [points[n].status for n in points] == ["pass", "fail", "fail", "pass", "pass"], r.stdout
    # no target to blame: the check itself faulted
    assert any(d.startswith("the check faulted: SIGSEGV") for d in points["fw.fault"].diagnostics), r.stdout
    sub = points["fw.sub"]
    assert sub.plan == 3 and [c.status for c in sub.children] == ["pass", "fail", "pass"], r.stdout
    assert "1 of 3 subtests failed" in " ".join(sub.diagnostics), r.stdout
