"""The suite as a LAVA test, without booting anything: the job and device
`vdsoconf lava-job` writes pass LAVA's own schemas (lava_common) and
`lava-run --validate`; the test definition passes LAVA's test definition
schema; the ramdisk holds what `make install` lays out; ktap-to-lava.sh
names every point as the runner does, with the right result; and
run_vdsoconf.sh reports a program the kernel will not exec as a skip,
not an XFAIL.  The boot itself is `make test-lava`.

The schema checks skip when lava-dispatcher is not installed
(./install-deps lava); the rest needs only a shell.
"""

import os
import shutil
import stat
import subprocess
import sys
import textwrap

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO))
from runner.core import ktap, points  # noqa: E402

VDSOCONF = [sys.executable, str(REPO / "runner" / "vdsoconf")]
CONVERT = REPO / "lava" / "ktap-to-lava.sh"
CASES = sorted(p.stem for p in (REPO / "cases").glob("*.c"))


def lava_job(*args):
    return subprocess.run([*VDSOCONF, "lava-job", *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, timeout=600)


def fake_bzimage(path, release="6.1.0-99-test-amd64"):
    """Enough of an x86 boot header for the image to say what it is."""
    data = bytearray(0x400)
    data[0x202:0x206] = b"HdrS"
    data[0x20e:0x210] = (0x300 - 0x200).to_bytes(2, "little")
    data[0x300:0x300 + len(release)] = release.encode()
    path.write_bytes(bytes(data))
    return path


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    if shutil.which("dpkg-query") is None or not os.path.exists("/bin/busybox"):
        pytest.skip("no busybox-static for the ramdisk (./install-deps lava)")
    pytest.importorskip("yaml", reason="python3-yaml is not installed (./install-deps lava)")
    d = tmp_path_factory.mktemp("lava")
    kernel = fake_bzimage(d / "vmlinuz-test")
    r = lava_job("--kernel", kernel, "--arch", "amd64", "--out", d / "out")
    assert r.returncode == 0, r.stderr
    return d / "out", kernel


def load(path):
    import yaml
    return yaml.safe_load(path.read_text())


def test_job_and_device_pass_lavas_schemas(written):
    schemas = pytest.importorskip("lava_common.schemas",
                                  reason="lava-dispatcher is not installed (./install-deps lava)")
    from lava_common.schemas import device as device_schema
    out, kernel = written
    job = load(out / "job.yaml")
    schemas.validate(job, strict=True)
    device_schema.validate(load(out / "device.yaml"))
    deploy = job["actions"][0]["deploy"]
    assert deploy["images"]["kernel"]["url"] == kernel.resolve().as_uri()
    assert deploy["images"]["ramdisk"]["url"] == (out / "ramdisk.cpio").as_uri()
    assert "6.1.0-99-test-amd64" in job["job_name"]
    entry = job["actions"][2]["test"]["definitions"][0]
    assert entry["from"] == "inline" and entry["repository"] == load(REPO / "lava" / "vdsoconf.yaml")


def test_cases_and_git_definitions(written, tmp_path):
    """Chosen cases and a timeout reach the definition's params; from git,
    the definition is the file in this tree."""
    schemas = pytest.importorskip("lava_common.schemas",
                                  reason="lava-dispatcher is not installed (./install-deps lava)")
    _, kernel = written
    r = lava_job("--kernel", kernel, "--arch", "x86_64", "--out", tmp_path / "inline",
                 "--timeout", "30", "getcpu", "warp-x32")
    assert r.returncode == 0, r.stderr
    job = load(tmp_path / "inline" / "job.yaml")
    schemas.validate(job, strict=True)
    params = job["actions"][2]["test"]["definitions"][0]["repository"]["params"]
    assert params == {"SUITE": "/opt/vdsoconf", "CASES": "getcpu warp-x32", "TIMEOUT": "30"}
    r = lava_job("--kernel", kernel, "--arch", "amd64", "--out", tmp_path / "git",
                 "--definitions-repo", "https://example.org/vdsoconf.git",
                 "--image-url", "http://files.example.org/lava/")
    assert r.returncode == 0, r.stderr
    job = load(tmp_path / "git" / "job.yaml")
    schemas.validate(job, strict=True)
    entry = job["actions"][2]["test"]["definitions"][0]
    assert (entry["from"], entry["path"]) == ("git", "lava/vdsoconf.yaml")
    images = job["actions"][0]["deploy"]["images"]
    assert images["ramdisk"]["url"] == "http://files.example.org/lava/ramdisk.cpio"
    assert images["kernel"]["url"] == f"http://files.example.org/lava/{kernel.name}"
    r = lava_job("--kernel", kernel, "--arch", "amd64", "--out", tmp_path / "x", "nosuchcase")
    assert r.returncode == 2 and "unknown case(s) for amd64: nosuchcase" in r.stderr


def test_lava_run_validates_the_job(written):
    if not shutil.which("lava-run") or not shutil.which("qemu-system-x86_64"):
        pytest.skip("lava-run or qemu-system-x86_64 is not installed (./install-deps lava qemu)")
    if os.geteuid() != 0:
        pytest.skip("lava-run runs only as root")
    out, _ = written
    r = subprocess.run(["lava-run", "--job-id", "1", "--output-dir", str(out / "validate"),
                        "--device", str(out / "device.yaml"), "--validate", str(out / "job.yaml")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "result: pass" in (out / "validate" / "result.yaml").read_text()


def test_definition_passes_lavas_schema():
    testdef = pytest.importorskip("lava_common.schemas.test.testdef",
                                  reason="lava-dispatcher is not installed (./install-deps lava)")
    pytest.importorskip("yaml")
    definition = load(REPO / "lava" / "vdsoconf.yaml")
    testdef.validate(definition)
    assert set(definition["params"]) == {"SUITE", "CASES", "TIMEOUT"}


def test_ramdisk_holds_the_installed_layout(written, tmp_path):
    if not shutil.which("cpio"):
        pytest.skip("cpio is not installed (./install-deps test)")
    out, _ = written
    listing = subprocess.run(["cpio", "-it", "--quiet", "-F", str(out / "ramdisk.cpio")],
                             capture_output=True, text=True, check=True).stdout.split()
    # the cases, and the program without libc (cases/nolibc), per ABI
    static = [f"{c}{s}" for c in CASES + ["nolibc"] for s in ("", "-i386", "-x32")]
    for member in ["init", "bin/busybox", "dev/console", "opt/vdsoconf/run_vdsoconf.sh",
                   "opt/vdsoconf/ktap-to-lava.sh", "opt/vdsoconf/vdsoconf/settings",
                   "opt/vdsoconf/vdsoconf-list.txt"]:
        assert member in listing
    cases = sorted(m.split("/")[-1] for m in listing if m.startswith("opt/vdsoconf/vdsoconf/")
                   and not m.endswith("settings"))
    assert set(CASES) <= set(cases) <= set(static)
    # the same files `make install` writes, bar vdsotool (no static build)
    subprocess.run(["cpio", "-id", "--quiet", "-F", str(out / "ramdisk.cpio"),
                    "opt/vdsoconf/*"], cwd=tmp_path, check=True)
    tree = tmp_path / "opt" / "vdsoconf"
    assert (tree / "vdsoconf-list.txt").read_text() == "".join(f"vdsoconf:{c}\n" for c in cases)
    assert (tree / "vdsoconf" / "settings").read_text() == "timeout=120\n"


@pytest.mark.parametrize("args, message", [
    (["--arch", "riscv64"], "LAVA jobs are written for amd64 and arm64"),
    (["--arch", "arm64"], "is an x86_64 kernel"),
    (["--arch", "amd64", "--timeout", "0"], "expected a positive number of seconds"),
])
def test_usage_errors(tmp_path, args, message):
    r = lava_job("--kernel", fake_bzimage(tmp_path / "k"), "--out", tmp_path / "o", *args)
    assert r.returncode == 2 and message in r.stderr and len(r.stderr.splitlines()) == 1, r.stderr


def test_no_such_kernel(tmp_path):
    r = lava_job("--kernel", tmp_path / "nothing", "--arch", "amd64")
    assert r.returncode == 2 and "no such file" in r.stderr


# run_vdsoconf.sh's document: every result a point can have, a nested
# subtest with its parent, an unnamed point, figures, names taken twice,
# and a whole case skipped because the kernel would not exec it
DOCUMENT = textwrap.dedent("""\
    KTAP version 1
    1..3
    # vdsoconf: clock_gettime
      KTAP version 1
      1..6
      # 100 rounds; bracket (syscall to syscall) smallest 140 ns, largest 900 ns
      ok 1 clock.bracket.CLOCK_REALTIME
      # 10 pairs; largest step between consecutive syscall readings 2500 ns
      not ok 2 clock.sequence.CLOCK_REALTIME
      ok 3 clock.getres_time64 # SKIP not exported on this ABI
      ok 4 clock.aux # XFAIL a known kernel divergence
      ok 5 clock.odd # XPASS
        KTAP version 1
        1..3
        # 63 samples: 61 running vDSO code; 97% in vDSO code, 0% in system calls
        ok 1 pc.sample.clock_gettime
        ok 2 child
        ok 3 # SKIP unnamed
      ok 6 pc.sample
      # Totals: pass:3 fail:1 xfail:1 xpass:1 skip:1 error:0
    ok 1 vdsoconf:clock_gettime
    # vdsoconf: warp
      KTAP version 1
      1..2
      # warps: 3, largest 1200 ns
      not ok 1 warp.locked.CLOCK_MONOTONIC
      ok 2 warp.locked.CLOCK_MONOTONIC
    not ok 2 vdsoconf:warp # exit=1
    # vdsoconf: getcpu-x32
    ok 3 vdsoconf:getcpu-x32 # SKIP this kernel cannot execute getcpu-x32 (exec format error): its ABI is not configured
    """)

EXPECTED_CALLS = textwrap.dedent("""\
    lava-test-set start clock_gettime
    lava-test-case clock.bracket.CLOCK_REALTIME --result pass --measurement 140 --units ns
    lava-test-case clock.sequence.CLOCK_REALTIME --result fail --measurement 2500 --units ns
    lava-test-case clock.getres_time64 --result skip
    lava-test-case clock.aux --result pass
    lava-test-case clock.odd --result fail
    lava-test-case pc.sample.clock_gettime --result pass --measurement 97 --units %
    lava-test-case pc.sample_child --result pass
    lava-test-case pc.sample_3 --result skip
    lava-test-case pc.sample --result pass
    lava-test-case run --result pass
    lava-test-set stop
    lava-test-set start warp
    lava-test-case warp.locked.CLOCK_MONOTONIC --result fail --measurement 1200 --units ns
    lava-test-case warp.locked.CLOCK_MONOTONIC_2 --result pass
    lava-test-case run --result fail
    lava-test-set stop
    lava-test-set start getcpu-x32
    lava-test-case run --result skip
    lava-test-set stop
    """)


def shells():
    found = ["/bin/sh"]
    if shutil.which("busybox"):
        found.append("busybox-sh")
    return found


def run_shell(shell, *args, **kw):
    argv = ["busybox", "sh"] if shell == "busybox-sh" else [shell]
    return subprocess.run([*argv, *map(str, args)], capture_output=True, text=True, timeout=60, **kw)


@pytest.mark.parametrize("shell", shells())
def test_converter_calls(shell, tmp_path):
    (tmp_path / "in.ktap").write_text(DOCUMENT)
    r = run_shell(shell, CONVERT, "-n", tmp_path / "in.ktap")
    assert r.returncode == 0, r.stderr
    assert r.stdout == EXPECTED_CALLS


def test_converter_names_points_as_the_runner_does():
    """Every name above is the runner's own point name (LAVA's characters)."""
    doc = ktap.parse(DOCUMENT)
    ours = []
    for child in doc.children:
        case = child.name.split(":", 1)[1]
        ours += [p.name.replace("/", "_").replace("#", "_") for p in points.flatten(child, case)]
        ours.append("run")
    calls = [line.split()[1] for line in EXPECTED_CALLS.splitlines()
             if line.startswith("lava-test-case")]
    assert sorted(calls) == sorted(ours)


def test_converter_runs_lavas_commands(tmp_path):
    """Without -n, lava-test-set and lava-test-case are called (here: fakes
    that record their arguments)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("lava-test-case", "lava-test-set"):
        (bin_dir / tool).write_text(f'#!/bin/sh\necho "{tool} $*" >> {tmp_path}/calls\n')
        (bin_dir / tool).chmod(0o755)
    (tmp_path / "in.ktap").write_text(DOCUMENT)
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}")
    r = subprocess.run([str(CONVERT), str(tmp_path / "in.ktap")], capture_output=True, text=True,
                       env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "calls").read_text() == EXPECTED_CALLS


def test_converter_rejects_input_without_cases(tmp_path):
    (tmp_path / "in.ktap").write_text("KTAP version 1\n1..0\n")
    r = subprocess.run([str(CONVERT), "-n", str(tmp_path / "in.ktap")], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 1 and "no vdsoconf case" in r.stderr
    r = subprocess.run([str(CONVERT), "-n", str(tmp_path / "missing")], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 2 and "cannot read" in r.stderr


def elf_of_another_abi(src, dst):
    """A copy of an ELF program with another e_machine: the kernel refuses
    to exec it (ENOEXEC), as one without CONFIG_X86_X32_ABI refuses x32."""
    data = bytearray(src.read_bytes())
    data[18:20] = (183 if int.from_bytes(data[18:20], "little") != 183 else 62).to_bytes(2, "little")
    dst.write_bytes(bytes(data))
    dst.chmod(dst.stat().st_mode | stat.S_IXUSR)


@pytest.mark.parametrize("shell", shells())
def test_run_vdsoconf_sh_skips_what_the_kernel_cannot_exec(shell, tmp_path):
    tree = tmp_path / "install"
    (tree / "vdsoconf").mkdir(parents=True)
    shutil.copy(REPO / "runner" / "run_vdsoconf.sh", tree)
    # the shell running the script is the reference ABI: busybox's or /bin/sh's
    own = shutil.which("busybox") if shell == "busybox-sh" else os.path.realpath("/bin/sh")
    elf_of_another_abi(type(tree)(own), tree / "vdsoconf" / "foreign")
    # our own ABI, but no program: exit 2 from the shell is no XFAIL
    broken = tree / "vdsoconf" / "broken"
    broken.write_bytes(type(tree)(own).read_bytes()[:64])
    broken.chmod(0o755)
    (tree / "vdsoconf-list.txt").write_text("vdsoconf:foreign\nvdsoconf:broken\n")
    # the shell reads the broken binary as a script: whatever its bytes
    # redirect to lands in the working directory, so let that be a scratch one
    (tmp_path / "cwd").mkdir()
    r = run_shell(shell, tree / "run_vdsoconf.sh", cwd=tmp_path / "cwd")
    lines = r.stdout.splitlines()
    assert ("ok 1 vdsoconf:foreign # SKIP this kernel cannot execute foreign (exec format error): "
            "its ABI is not configured") in lines, r.stdout
    assert any(l.startswith("not ok 2 vdsoconf:broken # exit=") for l in lines), r.stdout
    assert "XFAIL" not in r.stdout and r.returncode == 1


def lava_log(path, console, recorded):
    """A lava-run log as it writes one: a YAML mapping per line."""
    lines = [f'{{"dt": "2026-01-01T00:00:00", "lvl": "target", "msg": "{l}"}}' for l in console]
    for set_name, case, result in recorded:
        lines.append('{"dt": "2026-01-01T00:00:01", "lvl": "results", "msg": {"case": "%s", '
                     '"definition": "0_vdsoconf", "endtc": ! "7", "result": "%s", "set": "%s"}}'
                     % (case, result, set_name))
    lines.append('{"dt": "2026-01-01T00:00:02", "lvl": "results", "msg": {"case": "job", '
                 '"definition": "lava", "result": "pass"}}')
    path.write_text("\n".join(lines) + "\n")


def test_results_check_finds_lost_and_changed_points(tmp_path):
    pytest.importorskip("yaml", reason="python3-yaml is not installed (./install-deps lava)")
    from runner.lava import results
    console = ["vdsoconf-ramdisk# run", "KTAP version 1", "1..1", "# vdsoconf: getcpu",
               "  KTAP version 1", "  1..2", "  ok 1 getcpu.cpu.0",
               "[   12.345678] a kernel line in between", "  ok 2 getcpu.node.0",
               "ok 1 vdsoconf:getcpu", "<LAVA_SIGNAL_ENDRUN>"]
    whole = [("getcpu", "getcpu.cpu.0", "pass"), ("getcpu", "getcpu.node.0", "pass"),
             ("getcpu", "run", "pass")]
    lava_log(tmp_path / "good.log", console, whole)
    good = results.check(tmp_path / "good.log")
    assert good.problems == [] and good.counts["pass"] == 3 and len(good.expected) == 3
    lava_log(tmp_path / "bad.log", console,
             [("getcpu", "getcpu.cpu.0", "fail"), ("getcpu", "run", "pass")])
    bad = results.check(tmp_path / "bad.log")
    assert "getcpu/getcpu.node.0: a point of the suite that LAVA did not record" in bad.problems
    assert "getcpu/getcpu.cpu.0: LAVA recorded fail, the suite printed pass" in bad.problems
    assert "getcpu/getcpu.cpu.0: failed" in bad.problems


def test_documented_jobs_pass_lavas_schema():
    """docs/lava.md's board job, and its git definition inside a job."""
    schemas = pytest.importorskip("lava_common.schemas",
                                  reason="lava-dispatcher is not installed (./install-deps lava)")
    import re
    import yaml
    blocks = re.findall(r"```yaml\n(.*?)```", (REPO / "docs" / "lava.md").read_text(), re.S)
    fragment, board = (yaml.safe_load(b) for b in blocks)
    schemas.validate(board, strict=True)
    schemas.validate({"device_type": "qemu", "job_name": "git definition", "priority": "medium",
                      "visibility": "public", "timeouts": {"job": {"minutes": 60}},
                      "actions": fragment}, strict=True)
