"""The suite run by an unprivileged user: the time namespace cases reach
their namespaces through a new user namespace (lib/case/timens.c,
timens_enter) instead of skipping for want of root, and nothing fails.

Run as root, the suite is run as uid/gid 65534 (nobody) with setpriv; run
as anyone else, it runs as that user.  The case programs are copied to a
fresh directory under /tmp that the unprivileged user can read, because
pytest's own temporary directories are private to their owner.

Where user namespaces are forbidden the cases must skip, naming the
setting.  That is simulated without touching the machine: the limit
/proc/sys/user/max_user_namespaces is per user namespace, so it is set to
0 inside a throwaway one, in which the case runs without capabilities.
The same throwaway namespace, left as it is, stands for a container's
root whose capabilities are dropped."""

import json
import os
import pathlib
import re
import shutil
import subprocess
import tempfile

import pytest

from conftest import REPO, build_path

PYTHON = "/usr/bin/python3"
NOBODY = 65534
MAX_USERNS = pathlib.Path("/proc/sys/user/max_user_namespaces")
# a skip reason about reaching the namespace, not about the machine's clocks
SETUP_RE = re.compile(r"needs root|unshare|setgroups|uid_map|gid_map|timens_offsets|/proc/sys|CAP_SYS")


# The one skip the kernel imposes on a process that reached its time
# namespaces through its own user namespace: setns() back into the host's
# needs CAP_SYS_ADMIN in the initial user namespace (timens_install()).
LEAVE_RE = re.compile(r"^timens\.setns\.leave\.")
LEAVE_REASON = "CAP_SYS_ADMIN in the initial user namespace"
TIMENS_CASES = ("timens", "timens_setns", "getrandom_timens")


def is_timens_point(name):
    return name.startswith("timens.") or name.startswith("getrandom.timens")


def kernel_forbids(name, t):
    """A leave point skipped for the kernel's capability rule."""
    return bool(LEAVE_RE.match(name)) and t["status"] == "skip" and LEAVE_REASON in t["reason"]


def clean_env(home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("VDSOCONF_")}
    env.update(HOME=str(home), PYTHONDONTWRITEBYTECODE="1")
    return env


def as_user():
    """The argv prefix that drops to an unprivileged user, or [] when the
    test already runs as one."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("setpriv (util-linux) is needed to run as uid 65534")
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


def native_cases():
    d = build_path() / "cases"
    progs = [p for p in sorted(d.glob("*")) if p.is_file() and os.access(p, os.X_OK)
             and not p.name.endswith(("-i386", "-x32"))]
    if not any(p.name == "timens" for p in progs):
        pytest.skip(f"{d}/timens is not built (run make)")
    return progs


def processes_running(prefix):
    """Processes whose executable lies under prefix (a case that left a
    helper or a namespace's process behind)."""
    left = []
    for p in pathlib.Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            exe = os.readlink(p / "exe")
        except OSError:
            continue
        if exe.startswith(prefix + "/"):
            left.append((int(p.name), exe))
    return left


@pytest.fixture(scope="module")
def unprivileged_run():
    if not pathlib.Path("/proc/self/ns/time").exists():
        pytest.skip("this kernel has no time namespaces")
    prefix = as_user()
    progs = native_cases()
    d = pathlib.Path(tempfile.mkdtemp(prefix="vdsoconf-unpriv-"))
    try:
        d.chmod(0o755)
        for p in progs:
            shutil.copy2(p, d / p.name)
            (d / p.name).chmod(0o755)
        if prefix:
            os.chown(d, NOBODY, NOBODY)	# for the report
        probe = subprocess.run(prefix + ["test", "-r", str(REPO / "runner" / "vdsoconf")])
        if probe.returncode:
            pytest.skip(f"uid {NOBODY} cannot read {REPO}/runner")
        before = MAX_USERNS.read_text() if MAX_USERNS.exists() else None
        argv = prefix + [PYTHON, str(REPO / "runner" / "vdsoconf"), "run", "-j2", "--cases-dir", str(d),
                         "--json", str(d / "report.json"), "--junit", "", "--ktap", ""]
        r = subprocess.run(argv, capture_output=True, text=True, timeout=300, env=clean_env(d), cwd=d)
        report = json.loads((d / "report.json").read_text()) if (d / "report.json").exists() else None
        left = processes_running(str(d))
        after = MAX_USERNS.read_text() if MAX_USERNS.exists() else None
        yield {"r": r, "report": report, "left": left, "sysctl": (before, after), "dir": d,
               "root": bool(prefix)}
    finally:
        shutil.rmtree(d, ignore_errors=True)


def points(report):
    return {t["name"]: t for c in report["cases"] for t in c["tests"]}


def test_nothing_fails_unprivileged(unprivileged_run):
    r, rep = unprivileged_run["r"], unprivileged_run["report"]
    assert rep is not None, r.stdout[-4000:] + r.stderr[-2000:]
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    bad = [f"{c['name']}: {c['status']} {c['errors']} {c['malformed']}" for c in rep["cases"]
           if c["errors"] or c["malformed"] or c["timed_out"]]
    assert not bad, bad
    failed = [f"{n}: {t['reason']}" for n, t in points(rep).items() if t["status"] in ("fail", "xpass")]
    assert not failed and rep["totals"]["fail"] == 0, failed
    assert rep["totals"]["pass"] > 100


def test_timens_points_run_unprivileged(unprivileged_run):
    rep = unprivileged_run["report"]
    assert rep is not None
    ns = {n: t for n, t in points(rep).items() if is_timens_point(n)}
    not_run = [f"{n}: {t['status']} {t['reason']}" for n, t in ns.items()
               if t["status"] != "pass" and not kernel_forbids(n, t)
               and (t["status"] != "skip" or SETUP_RE.search(t["reason"]))]
    assert not not_run, not_run
    # those that need no particular hardware must pass, whatever the machine
    for s in ("positive", "negative", "large"):
        for p in ("CLOCK_MONOTONIC", "CLOCK_BOOTTIME", "offset", "realtime", "exec", "thread"):
            assert ns[f"timens.{s}.{p}"]["status"] == "pass", ns[f"timens.{s}.{p}"]
    for p in ("stays", "fork", "vfork_exec", "after_exec"):
        assert ns[f"timens.unshare.{p}"]["status"] == "pass", ns[f"timens.unshare.{p}"]
    for p in ("enter", "switch"):
        for c in ("CLOCK_MONOTONIC", "CLOCK_MONOTONIC_RAW", "CLOCK_MONOTONIC_COARSE", "CLOCK_BOOTTIME"):
            assert ns[f"timens.setns.{p}.{c}"]["status"] == "pass", ns[f"timens.setns.{p}.{c}"]


def test_leaving_for_the_host_namespace_is_refused_unprivileged(unprivileged_run):
    """Without CAP_SYS_ADMIN in the initial user namespace the kernel
    refuses setns() into the host's time namespace: the leave points skip
    naming that rule, and only they."""
    rep = unprivileged_run["report"]
    assert rep is not None
    leave = {n: t for n, t in points(rep).items() if LEAVE_RE.match(n)}
    assert len(leave) == 5, sorted(leave)
    for n, t in leave.items():
        assert kernel_forbids(n, t), (n, t)


def test_unprivileged_run_matches_root(unprivileged_run, tmp_path):
    """What passes for root passes through the user namespace too (the
    skips left, such as CLOCK_BOOTTIME_ALARM without an RTC alarm, are the
    machine's, not the user's)."""
    if not unprivileged_run["root"]:
        pytest.skip("not root: no privileged run to compare with")
    rep = unprivileged_run["report"]
    assert rep is not None
    mine = points(rep)
    d = build_path() / "cases"
    for case in TIMENS_CASES:
        r = subprocess.run([str(d / case)], capture_output=True, text=True, timeout=120,
                           env=clean_env(tmp_path))
        passed = re.findall(r"^\s*ok \d+ (\S+)$", r.stdout, re.M)
        for name in passed:
            if is_timens_point(name) and not LEAVE_RE.match(name):
                assert mine.get(name, {}).get("status") == "pass", (name, mine.get(name))


def test_unprivileged_run_leaves_nothing(unprivileged_run):
    assert unprivileged_run["left"] == []
    before, after = unprivileged_run["sysctl"]
    assert before == after
    # the cases write nothing beside themselves; the runner its report
    names = {p.name for p in unprivileged_run["dir"].iterdir()}
    assert names - {p.name for p in native_cases()} == {"report.json"}


@pytest.mark.parametrize("case", TIMENS_CASES)
def test_forbidden_user_namespaces_skip_naming_the_setting(case, tmp_path):
    """In a user namespace whose max_user_namespaces is 0, a case without
    capabilities cannot make the user namespace its time namespace needs:
    it skips, naming the sysctl.  The limit is that namespace's own (the
    kernel keeps one per user namespace), gone when it is; the host's value
    is checked unchanged."""
    if not shutil.which("unshare") or not shutil.which("setpriv"):
        pytest.skip("unshare and setpriv (util-linux) are needed")
    if not MAX_USERNS.exists():
        pytest.skip(f"{MAX_USERNS} is absent")
    prog = build_path() / "cases" / case
    if not prog.exists():
        pytest.skip(f"{prog} is not built (run make)")
    before = MAX_USERNS.read_text()
    # "$0" is the program: no quoting of a path into the shell's text
    script = ("echo 0 > /proc/sys/user/max_user_namespaces || exit 97; "
              "exec setpriv --bounding-set=-all --inh-caps=-all \"$0\"")
    r = subprocess.run(["unshare", "--user", "--map-root-user", "sh", "-c", script, str(prog)],
                       capture_output=True, text=True, timeout=120, env=clean_env(tmp_path))
    assert MAX_USERNS.read_text() == before
    if r.returncode == 97 or "unshare failed" in r.stderr:
        pytest.skip(f"cannot make a throwaway user namespace here: {r.stderr.strip()}")
    m = re.search(r"^1\.\.0 # SKIP (.*)$", r.stdout, re.M)
    assert m, r.stdout[-3000:] + r.stderr[-1000:]
    assert "unshare(CLONE_NEWUSER)" in m.group(1), m.group(1)
    assert "/proc/sys/user/max_user_namespaces = 0" in m.group(1), m.group(1)


@pytest.mark.parametrize("case", TIMENS_CASES)
def test_root_without_capabilities_reaches_the_namespace(case, tmp_path):
    """uid 0 with every capability dropped (a container's root): the kernel
    refuses it a map of uid 0 without CAP_SETFCAP, and the case goes on
    unmapped in its user namespace.  Made inside a throwaway user
    namespace, so nothing of the machine changes."""
    if not shutil.which("unshare") or not shutil.which("setpriv"):
        pytest.skip("unshare and setpriv (util-linux) are needed")
    prog = build_path() / "cases" / case
    if not prog.exists():
        pytest.skip(f"{prog} is not built (run make)")
    r = subprocess.run(["unshare", "--user", "--map-root-user", "sh", "-c",
                        "exec setpriv --bounding-set=-all --inh-caps=-all \"$0\"", str(prog)],
                       capture_output=True, text=True, timeout=120, env=clean_env(tmp_path))
    if "unshare failed" in r.stderr:
        pytest.skip(f"cannot make a throwaway user namespace here: {r.stderr.strip()}")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-1000:]
    assert not re.search(r"^1\.\.0 # SKIP", r.stdout, re.M), r.stdout[-2000:]
    assert not re.search(r"^\s*not ok", r.stdout, re.M), r.stdout[-3000:]
    passed = re.findall(r"^\s*ok \d+ (\S+)$", r.stdout, re.M)
    assert any(is_timens_point(n) for n in passed), r.stdout[-2000:]
