"""make bench's plots: bench_calls --samples writes what runner/plots
reads, the SVG is well formed and shows every clock and kernel, bad input
is one clear error, and the matrix page links the plots that exist."""

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from conftest import REPO, build_path

sys.path.insert(0, str(REPO))
from runner.matrix import html  # noqa: E402
from runner.plots import boot, latency  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str):
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]


def plots(*args):
    return subprocess.run([sys.executable, "-m", "runner.plots", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_bench_calls_samples(tmp_path):
    r = subprocess.run(["make", "-s", f"B={build_path()}", f"{build_path()}/bench/bench_calls"],
                       cwd=REPO, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    program = build_path() / "bench" / "bench_calls"
    bad = subprocess.run([str(program), "--samples"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr == "usage: bench_calls [--samples FILE | --raw]\n"
    out = tmp_path / "latency.txt"
    r = subprocess.run([str(program), "--samples", str(out)], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    data = latency.read(out)
    assert {"CLOCK_REALTIME", "CLOCK_MONOTONIC"} <= set(data)
    for paths in data.values():
        assert len(paths["vdso"]) == len(paths["syscall"]) == 4000
    r = plots("--out", tmp_path, "--latency", out)
    assert r.returncode == 0, r.stderr
    shown = texts((tmp_path / "latency.svg").read_text())
    assert {c.replace("CLOCK_", "") for c in data} <= set(shown)


def test_latency_plot_shows_both_paths():
    data = {"CLOCK_MONOTONIC": {"vdso": [20.0] * 99 + [400.0], "syscall": [70.0] * 100}}
    shown = texts(latency.draw(data, "t"))
    assert "MONOTONIC" in shown
    assert "vDSO 20 / 400 ns" in shown and "syscall 70 / 70 ns" in shown


def test_latency_input_errors(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("CLOCK_MONOTONIC vdso 20\nCLOCK_MONOTONIC kernel 70\n")
    r = plots("--out", tmp_path, "--latency", bad)
    assert r.returncode == 1
    assert r.stderr == (f"plots: {bad}:2: expected 'CLOCK vdso|syscall NS', "
                        "got 'CLOCK_MONOTONIC kernel 70'\n")
    (tmp_path / "empty.txt").write_text("")
    r = plots("--out", tmp_path, "--latency", tmp_path / "empty.txt")
    assert r.returncode == 1 and "no samples" in r.stderr
    r = plots("--out", tmp_path)
    assert r.returncode == 2 and "nothing to plot" in r.stderr


MATRIX = {"columns": [
    {"kind": "guest", "label": "6.1.0-1-cloud-amd64", "arch": "x86_64", "ok": True,
     "boot_s": 2.0, "results_s": 14.7, "total_s": 14.8},
    {"kind": "guest", "label": "6.1.0-1-cloud-arm64", "arch": "aarch64", "ok": True,
     "boot_s": 1.6, "results_s": 7.2, "total_s": 7.3},
    {"kind": "guest", "label": "7.0-broken", "arch": "x86_64", "ok": False,
     "problem": "kernel panic", "boot_s": None, "results_s": None, "total_s": 3.0},
    {"kind": "host", "label": "this machine", "arch": "x86_64"},
]}


def test_boot_plot_groups_kernels_by_architecture(tmp_path):
    shown = texts(boot.draw(MATRIX, "t"))
    assert shown.index("aarch64") < shown.index("6.1.0-1-cloud-arm64") < shown.index("x86_64")
    assert "/init 2.0 s, results 14.7 s" in shown
    assert "no results: kernel panic" in shown
    assert "this machine" not in shown
    src = tmp_path / "matrix.json"
    src.write_text(json.dumps(MATRIX))
    r = plots("--out", tmp_path, "--boot", src)
    assert r.returncode == 0 and (tmp_path / "boot.svg").is_file(), r.stderr
    r = plots("--out", tmp_path, "--boot", tmp_path / "none.json")
    assert r.returncode == 0 and "no boot plot" in r.stdout
    src.write_text(json.dumps({"columns": []}))
    r = plots("--out", tmp_path, "--boot", src)
    assert r.returncode == 1 and "no guest kernel" in r.stderr


def test_matrix_page_links_the_plots(tmp_path, monkeypatch):
    build = tmp_path / "build"
    monkeypatch.setattr(html, "BUILD", build)
    page = tmp_path / "matrix"
    page.mkdir()
    assert "Plots:" not in html.render({"columns": []}, page)
    (page / "boot.svg").write_text(boot.draw(MATRIX, "t"))
    (build / "bench").mkdir(parents=True)
    (build / "bench" / "latency.svg").write_text("<svg/>")
    text = html.render({"columns": []}, page)
    assert '<a href="boot.svg">boot to results per architecture (these kernels)</a>' in text
    assert '<a href="../build/bench/latency.svg">vDSO against system call latency' in text
