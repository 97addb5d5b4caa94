"""fixtures/distro/fetch without the network: its argument checks, and the
results table rendered from a `vdsoconf lint` report."""

import json
import subprocess
import sys

from conftest import REPO, describe, run
from test_lint_rules import lint_fixtures

FETCH = REPO / "fixtures" / "distro" / "fetch"


def test_unknown_architecture_is_a_usage_error(tmp_path):
    argv = ["sh", str(FETCH), "sparc64"]
    r = run(argv)
    assert r.returncode == 2 and "unknown architecture 'sparc64'" in r.stderr, describe(argv, r)


def test_results_table(vdsotool, tmp_path):
    images = [e["path"] for e in lint_fixtures() if e["file"] in ("clean-s390x.so", "rule-runpath.so")]
    report = tmp_path / "report.json"
    argv = [sys.executable, str(REPO / "runner" / "vdsoconf"), "lint", "--tool", vdsotool,
            "--json", str(report), "--junit", "", *images]
    r = run(argv)
    assert r.returncode == 0, describe(argv, r)
    pkgs = tmp_path / "list"
    pkgs.write_text("s390x linux-image-6.1.0-50-s390x=6.1.176-1 /x/vmlinuz\n")
    out = subprocess.run([sys.executable, str(REPO / "fixtures" / "distro" / "results.py"),
                          "--packages", str(pkgs), str(report)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    md = out.stdout
    assert "| - | `-` | clean-s390x | s390 (s390x) | 64 | linux-vdso64.so.1 | 6.18.44 |" in md
    assert "- warning `lint.rule-runpath.runpath`: DT_RUNPATH" in md
    assert json.loads(report.read_text())["totals"]["warnings"] == 1
