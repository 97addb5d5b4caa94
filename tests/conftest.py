"""Shared set-up for the suite's own tests.

The fixture images are generated once per session, at collection time,
because the tests are parametrized by them (one test per image, so a
failure names the file).  Environment:

  VDSOCONF_BUILD          build directory (default: <repo>/build)
  VDSOCONF_REQUIRE_ASAN=1 a missing build/asan/vdsotool fails instead of skipping
"""

import concurrent.futures
import functools
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent

# Distinct exit codes so a sanitizer report can never pass for exit 1.
SANITIZER_ENV = {
    "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0:exitcode=86",
    "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1:exitcode=87",
}
SANITIZER_RE = re.compile(r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|"
                          r"runtime error:|^SUMMARY: |^==\d+==", re.M)
TIMEOUT = 30


def build_path():
    return pathlib.Path(os.environ.get("VDSOCONF_BUILD", REPO / "build"))


def whole_case_skips(cases_dir, names):
    """The cases that skip as a whole on this machine (an architecture's
    own entry point, a kernel without a need): asked with --needs-only,
    which stops before anything runs.  They print `1..0 # SKIP` and exit
    4, kselftest's skip, which prove counts as a failure."""
    skips = set()
    for name in names:
        r = subprocess.run([str(pathlib.Path(cases_dir) / name), "--needs-only"], capture_output=True, text=True,
                           timeout=30)
        if r.returncode == 4:
            assert re.search(r"^1\.\.0 # SKIP \S", r.stdout, re.M), r.stdout
            skips.add(name)
        else:
            assert r.returncode == 0, r.stdout + r.stderr
    return skips


@functools.lru_cache(maxsize=None)
def generated():
    """Run both generators (once per process); return (valid, malformed)
    manifests with absolute paths added."""
    out = build_path() / "fixtures"
    valid, malformed = out / "valid", out / "malformed"
    for cmd in (["mkimages.py", "--out", str(valid)],
                ["mkmalformed.py", "--from", str(valid), "--out", str(malformed)]):
        r = subprocess.run([sys.executable, str(REPO / "fixtures" / cmd[0])] + cmd[1:],
                           capture_output=True, text=True)
        if r.returncode:
            raise RuntimeError(f"{cmd[0]} failed:\n{r.stdout}{r.stderr}")
    result = []
    for d in (valid, malformed):
        entries = json.loads((d / "manifest.json").read_text())
        for e in entries:
            e["path"] = str(d / e["file"])
        result.append(entries)
    return tuple(result)


@functools.lru_cache(maxsize=None)
def live_vdso():
    """This process's vDSO copied to a file, or None when there is none."""
    try:
        maps = pathlib.Path("/proc/self/maps").read_text().splitlines()
    except OSError:
        return None
    for line in maps:
        if line.endswith("[vdso]"):
            lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
            with open("/proc/self/mem", "rb") as mem:
                mem.seek(lo)
                data = mem.read(hi - lo)
            path = build_path() / "fixtures" / "live" / "vdso.so"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            return str(path)
    return None


def pytest_generate_tests(metafunc):
    valid, malformed = generated()
    if "valid_image" in metafunc.fixturenames:
        metafunc.parametrize("valid_image", [e["path"] for e in valid],
                             ids=[e["file"] for e in valid])
    if "malformed_image" in metafunc.fixturenames:
        metafunc.parametrize("malformed_image", [e["path"] for e in malformed],
                             ids=[e["file"] for e in malformed])


@pytest.fixture(scope="session")
def build_dir():
    return build_path()


@pytest.fixture(scope="session")
def valid_images():
    return [e["path"] for e in generated()[0]]


@pytest.fixture(scope="session")
def malformed_images():
    return [e["path"] for e in generated()[1]]


@pytest.fixture(scope="session")
def malformed_manifest():
    return {e["path"]: e for e in generated()[1]}


@pytest.fixture(scope="session")
def vdsotool(build_dir):
    tool = build_dir / "vdsotool"
    if not os.access(tool, os.X_OK):
        pytest.skip(f"{tool} not built (run make)")
    return str(tool)


@pytest.fixture(scope="session")
def asan_vdsotool(build_dir):
    tool = build_dir / "asan" / "vdsotool"
    if not os.access(tool, os.X_OK):
        msg = f"{tool} not built (run make asan)"
        if os.environ.get("VDSOCONF_REQUIRE_ASAN") == "1":
            pytest.fail(msg + " and VDSOCONF_REQUIRE_ASAN=1")
        pytest.skip(msg)
    return str(tool)


def run(argv, sanitized=False, timeout=TIMEOUT, leaks=True):
    """Run argv; a hang comes back as returncode "timeout" (callable from
    worker threads, where pytest.fail would abort the whole pool)."""
    env = dict(os.environ, **SANITIZER_ENV) if sanitized else None
    if env and not leaks:
        env["ASAN_OPTIONS"] = env["ASAN_OPTIONS"].replace("detect_leaks=1", "detect_leaks=0")
    try:
        return subprocess.run(argv, capture_output=True, text=True, env=env,
                              timeout=timeout, errors="replace")
    except subprocess.TimeoutExpired as t:
        out = t.stdout.decode(errors="replace") if t.stdout else ""
        return subprocess.CompletedProcess(argv, "timeout", out,
                                           f"did not finish within {timeout}s\n")


def sanitizer_report(stderr):
    """The sanitizer's part of stderr, or '' when it said nothing."""
    m = SANITIZER_RE.search(stderr)
    return stderr[m.start():] if m else ""


def elf_hash(name):
    """The System V ABI symbol hash (vd_hash of a version definition)."""
    h = 0
    for c in name.encode():
        h = ((h << 4) + c) & 0xFFFFFFFF
        g = h & 0xF0000000
        h = (h ^ (g >> 24)) & ~g
    return h


def describe(argv, r):
    return (f"$ {' '.join(argv)}\nexit {r.returncode}\n"
            f"--- stdout\n{r.stdout[-2000:]}--- stderr\n{r.stderr[-4000:]}")


@pytest.fixture(scope="session")
def pooled(request):
    """pooled(key, argv_of, sanitized) runs argv_of(image), in parallel and
    once, for every image of the selected tests that use the fixture named
    key; returns {image: result}.  Each test then asserts on its own entry,
    so a failure still names its image."""
    cache = {}

    def get(key, argv_of, sanitized):
        if key not in cache:
            wanted = sorted({item.callspec.params[p] for item in request.session.items
                             if hasattr(item, "callspec") and key in item.fixturenames
                             for p in ("valid_image", "malformed_image")
                             if p in item.callspec.params})
            # LeakSanitizer's scan at exit is most of a sanitized run's cost
            # (2.5x here); the malformed images are leak-checked in one
            # process instead, as the fuzzer's seed corpus (test_fuzz.py)
            malformed = {e["path"] for e in generated()[1]}
            workers = 2 * (os.cpu_count() or 2)
            with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as ex:
                results = ex.map(lambda f: (f, run(argv_of(f), sanitized, leaks=f not in malformed)),
                                 wanted)
                cache[key] = dict(results)
        return cache[key]
    return get


def pytest_sessionfinish(session, exitstatus):
    """A run in which nothing passed proves nothing: fail it, so that CI
    never lands a change whose tests all skipped or were deselected."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or exitstatus != 0:
        return
    if not reporter.stats.get("passed"):
        reporter.write_line("vdsoconf: no test passed; failing the run", red=True)
        session.exitstatus = 1


# Small case programs the framework tests write: the flags the Makefile
# builds cases with, linked against the native libraries.
CASE_FLAGS = ["-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror", "-Wshadow", "-Wformat=2",
              "-Wstrict-prototypes", "-O1"]


def build_case_program(directory, name, source):
    """Compile source into directory/name; skips when the native libraries
    are not built, fails with the compiler's message."""
    b = build_path() / "native"
    libs = [b / "libcase.a", b / "libexpect.a", b / "libvdso.a"]
    if not all(p.exists() for p in libs) or not shutil.which("cc"):
        pytest.skip("the native libraries are not built (run make)")
    c = directory / f"{name}.c"
    c.write_text(source)
    r = subprocess.run(["cc", *CASE_FLAGS, "-I", str(REPO / "lib"), "-I", str(REPO / "lib" / "case"),
                        "-o", str(directory / name), str(c), *map(str, libs), "-ldl", "-lpthread"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    c.unlink()
    return directory / name


@pytest.fixture(scope="session")
def qemu_user():
    """The directory of QEMU's user mode (fixtures/kernels/fetch-qemu-user),
    fetched once per session; skips, with the fetcher's last word, without."""
    r = subprocess.run([str(REPO / "fixtures" / "kernels" / "fetch-qemu-user")], capture_output=True,
                       text=True, timeout=600)
    if r.returncode:
        pytest.skip("no QEMU user mode: " + (r.stderr.strip().splitlines() or ["fetch failed"])[-1])
    return r.stdout.split()[-1]


def i386_case(name):
    """build/cases/NAME-i386, for tests that build i386 fakes; skips where
    this machine builds no i386 programs or shared objects."""
    sys.path.insert(0, str(REPO / "fixtures" / "fakes"))
    import mkfakes
    path = build_path() / "cases" / f"{name}-i386"
    if not path.exists():
        pytest.skip(f"no {name}-i386 built here (no 32-bit libc)")
    if not mkfakes.can_build("cc", "i386"):
        pytest.skip("cc cannot build i386 shared objects")
    return path


def build_i386_fake(source, directory, name, *directives):
    """The fake of source, built for i386 under name, with directives added
    after its header's own (a later one wins); its path."""
    sys.path.insert(0, str(REPO / "fixtures" / "fakes"))
    import mkfakes
    fake = mkfakes.parse_header(source)
    fake = dict(fake, name=name, directives=fake["directives"] + list(directives))
    return mkfakes.build(fake, directory, "cc", "i386")["path"]
