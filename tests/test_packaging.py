"""What the Debian packages rely on, checked without building them
(make test-deb builds them): libvdso's exports against its header and the
symbols file, the shared library and pkg-config file as installed, the
manual page generator, and the runner's installed layout and --results.
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "runner"))
import runner_helpers  # noqa: E402  (puts REPO on sys.path, for mkman below)

sys.path.insert(0, str(REPO / "man"))
import mkman  # noqa: E402

PYTHON = "/usr/bin/python3"
MAP = REPO / "lib" / "vdso" / "libvdso.map"


def build_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("VDSOCONF_BUILD", REPO / "build"))


def header_functions():
    text = re.sub(r"/\*.*?\*/", "", (REPO / "lib" / "vdso" / "vdso.h").read_text(), flags=re.S)
    return set(re.findall(r"\b(vdso_\w+)\s*\(", text))


def map_nodes():
    """{version node: [names]} of the version script."""
    text = re.sub(r"/\*.*?\*/", "", MAP.read_text(), flags=re.S)
    nodes = {}
    for node, body in re.findall(r"(\w+)\s*\{(.*?)\}", text, flags=re.S):
        glob = body.split("local:")[0].replace("global:", "")
        nodes[node] = [n.strip() for n in glob.split(";") if n.strip()]
    return nodes


def test_version_script_exports_the_header_exactly():
    names = [n for ns in map_nodes().values() for n in ns]
    assert len(names) == len(set(names)), "a name in two version nodes"
    assert set(names) == header_functions()
    assert "local:\n\t*;" in MAP.read_text(), "everything else must stay local"


def test_symbols_file_lists_the_version_script():
    lines = (REPO / "debian" / "libvdso1.symbols").read_text().splitlines()
    assert lines[0] == "libvdso.so.1 libvdso1 #MINVER#"
    listed = {ln.split()[0] for ln in lines[1:] if ln.startswith(" ")}
    want = {f"{n}@{node}" for node, ns in map_nodes().items() for n in ns}
    want |= {f"{node}@{node}" for node in map_nodes()}
    assert listed == want


def make(*targets, **variables):
    args = ["make", "-s", "-C", str(REPO), f"B={build_dir()}", *targets]
    args += [f"{k}={v}" for k, v in variables.items()]
    r = subprocess.run(args, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_shared_library_soname_and_exports():
    make("shlib")
    so = build_dir() / "pic" / "libvdso.so.1.0.0"
    dyn = subprocess.run(["readelf", "-d", "-W", str(so)], capture_output=True, text=True).stdout
    assert "Library soname: [libvdso.so.1]" in dyn
    nm = subprocess.run(["nm", "-D", "--defined-only", str(so)],
                        capture_output=True, text=True, check=True).stdout
    exported = {line.split()[-1] for line in nm.splitlines()}
    want = {f"{n}@@{node}" for node, ns in map_nodes().items() for n in ns} | set(map_nodes())
    assert exported == want


def test_install_lib_layout_and_pkgconfig(tmp_path):
    make("install-lib", DESTDIR=tmp_path, PREFIX="/usr", LIBDIR="/usr/lib/triplet")
    lib = tmp_path / "usr" / "lib" / "triplet"
    assert os.readlink(lib / "libvdso.so") == "libvdso.so.1"
    assert os.readlink(lib / "libvdso.so.1") == "libvdso.so.1.0.0"
    assert (lib / "libvdso.a").is_file()
    assert (tmp_path / "usr" / "include" / "vdsoconf" / "vdso.h").is_file()
    version = re.match(r"\S+ \(([^)]+)\)", (REPO / "debian" / "changelog").read_text()).group(1)
    pc = (lib / "pkgconfig" / "vdso.pc").read_text()
    assert "libdir=/usr/lib/triplet\n" in pc and f"Version: {version}\n" in pc
    if shutil.which("pkg-config"):
        env = dict(os.environ, PKG_CONFIG_PATH=str(lib / "pkgconfig"))
        r = subprocess.run(["pkg-config", "--cflags", "--libs", "vdso"], env=env,
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert r.stdout.split() == ["-I/usr/include/vdsoconf", "-L/usr/lib/triplet", "-lvdso"]


# --- manual pages -------------------------------------------------------------

ARGPARSE_TOP = """usage: tool [-h] COMMAND ...

Does things.

positional arguments:
  COMMAND
    go        go somewhere, a long way, wrapped
              onto a second line
    .stop     a name starting with a dot

options:
  -h, --help  show this help message and exit
"""

ARGPARSE_SUB = """usage: tool go [-h] [--very-long-option-name VALUE]
              [WHERE ...]

Go somewhere.

positional arguments:
  WHERE                 places

options:
  --very-long-option-name VALUE
                        text on the line below a long term \\ with a backslash
"""


def test_mkman_parses_argparse_help():
    top = mkman.parse(ARGPARSE_TOP)
    assert top.usage == ["tool [-h] COMMAND ..."]
    assert mkman.subcommands(top) == ["go", ".stop"]
    go = top.blocks[1][1][0].children[0]
    assert go.text == ["go somewhere, a long way, wrapped", "onto a second line"]
    sub = mkman.parse(ARGPARSE_SUB)
    assert sub.usage == ["tool go [-h] [--very-long-option-name VALUE]", "[WHERE ...]"]
    opt = sub.blocks[-1][1][0]
    assert opt.term == "--very-long-option-name VALUE"
    assert opt.text == ["text on the line below a long term \\ with a backslash"]
    page = mkman.page("tool", "a tool", "1.0", top, [("go", sub)], ["other"])
    assert "\\fB\\-\\-very\\-long\\-option\\-name VALUE\\fR" in page
    assert "\\e with a backslash" in page
    assert "\n\\&.stop" not in page and "\\fB\\&.stop\\fR" in page
    assert '.SS "tool go"' in page and '.SH "SEE ALSO"' in page


def test_mkman_exit_status_paragraph():
    h = mkman.parse("usage: t CMD\n  a FILE   does a\nexit status: 0 ok, 1 not\n")
    assert [e.term for e in h.blocks[0][1]] == ["a FILE"]
    assert h.exit_status == ["0 ok, 1 not"]


def groff_warnings(page: pathlib.Path) -> str:
    env = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="80", MANROFFSEQ="")
    r = subprocess.run(["man", "--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z", str(page)],
                       capture_output=True, text=True, env=env)
    return r.stderr


def test_vdsoconf_man_page_names_installed_paths(tmp_path):
    out = tmp_path / "vdsoconf.1"
    env = dict(os.environ, VDSOCONF_PREFIX="/usr", SOURCE_DATE_EPOCH="0")
    r = subprocess.run([PYTHON, str(REPO / "man" / "mkman.py"), "--what", "suite",
                        "--version", "9", "-o", str(out), "--", PYTHON,
                        str(REPO / "runner" / "vdsoconf")], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    page = out.read_text()
    assert page.startswith('.TH VDSOCONF 1 "1970-01-01" "vdsoconf 9"')
    for sub in ("run", "faults", "lint", "matrix"):
        assert f'.SS "vdsoconf {sub}"' in page
    assert "/usr/lib/vdsoconf" in page and "\\-\\-results DIR" in page
    assert "build/" not in page, "an installed page must not name the checkout"
    if shutil.which("man"):
        assert groff_warnings(out) == ""


def test_mkman_refuses_a_failing_command(tmp_path):
    r = subprocess.run([PYTHON, str(REPO / "man" / "mkman.py"), "--what", "x", "-o",
                        str(tmp_path / "x.1"), "--", "false"], capture_output=True, text=True)
    assert r.returncode != 0 and "false --help exited 1" in r.stderr
    assert not (tmp_path / "x.1").exists()


# --- the runner: --results, and the installed layout -----------------------------

def test_run_results_dir(tmp_path):
    cases = runner_helpers.stub_dir(tmp_path, "pass")
    r = runner_helpers.vdsoconf("run", "--cases-dir", cases, "--results", tmp_path / "out")
    assert r.returncode == 0, runner_helpers.describe(r)
    for name in ("ktap.log", "junit.xml", "report.json"):
        assert (tmp_path / "out" / name).stat().st_size > 0
    # a file named on its own still goes where it is named
    r = runner_helpers.vdsoconf("run", "--cases-dir", cases, "--results", tmp_path / "out2",
                                "--json", tmp_path / "own.json", "--junit", "")
    assert r.returncode == 0, runner_helpers.describe(r)
    assert (tmp_path / "own.json").is_file() and (tmp_path / "out2" / "ktap.log").is_file()
    assert not (tmp_path / "out2" / "junit.xml").exists()


def test_source_tree_defaults_stay_under_build():
    r = runner_helpers.vdsoconf("run", "--help")
    assert "(default: build/cases)" in r.stdout and "(default: build/results)" in r.stdout


def installed_copy(root: pathlib.Path) -> pathlib.Path:
    """The layout install-bin makes, under root/usr, with stub cases."""
    usr = root / "usr"
    for src in (REPO / "runner").rglob("*.py"):
        dest = usr / "share" / "vdsoconf" / "runner" / src.relative_to(REPO / "runner")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, dest)
    (usr / "bin").mkdir(parents=True)
    shutil.copy(REPO / "runner" / "vdsoconf", usr / "bin" / "vdsoconf")
    runner_helpers.write_stubs(usr / "lib" / "vdsoconf", ["pass", "fail"])
    return usr


def test_installed_run_finds_its_cases_and_writes_here(tmp_path):
    usr = installed_copy(tmp_path / "root")
    work = tmp_path / "work"
    work.mkdir()
    r = subprocess.run([PYTHON, str(usr / "bin" / "vdsoconf"), "run", "-j1"], cwd=work,
                       capture_output=True, text=True, env=runner_helpers.clean_env(), timeout=60)
    assert r.returncode == 1, runner_helpers.describe(r)     # the fail stub fails
    rows = runner_helpers.summary_rows(r.stdout)
    assert rows["pass"] == (2, 0, 0, 0) and rows["fail"] == (1, 1, 0, 0)
    for name in ("ktap.log", "junit.xml", "report.json"):
        assert (work / "vdsoconf-results" / name).is_file()
    assert "KTAP log:    vdsoconf-results/ktap.log" in r.stdout


def test_installed_commands_that_need_the_checkout_say_so(tmp_path):
    usr = installed_copy(tmp_path / "root")
    run = [PYTHON, str(usr / "bin" / "vdsoconf")]
    r = subprocess.run(run + ["faults"], cwd=tmp_path, capture_output=True, text=True,
                       env=runner_helpers.clean_env(), timeout=60)
    assert r.returncode == 2 and "source tree" in r.stderr, runner_helpers.describe(r)
    assert len(r.stderr.strip().splitlines()) == 1
    for args in (["run", "--kernel", "sid-amd64"], ["matrix"], ["matrix", "--kernel", "x"]):
        r = subprocess.run(run + args, cwd=tmp_path, capture_output=True, text=True,
                           env=runner_helpers.clean_env(), timeout=60)
        assert r.returncode == 2 and r.stderr.count("\n") == 1, runner_helpers.describe(r)
        assert "needs vdsoconf's source tree" in r.stderr
        assert not (tmp_path / "vdsoconf-results").exists()
    # unwrapped: argparse would break the temporary path at its hyphens
    env = dict(runner_helpers.clean_env(), COLUMNS="10000")
    r = subprocess.run(run + ["run", "--help"], cwd=tmp_path, capture_output=True, text=True,
                       env=env, timeout=60)
    assert f"(default: {usr}/lib/vdsoconf)" in r.stdout
