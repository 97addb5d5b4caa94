"""The running kernel's vDSO through the resolver: the addresses libvdso
computes must land inside the [vdso] mapping the kernel reports."""

import json
import os
import pathlib
import subprocess

import pytest


def self_report(vdsotool):
    r = subprocess.run([vdsotool, "inspect", "--json", "--self"], capture_output=True, text=True)
    if r.returncode == 1 and "no vDSO" in r.stderr:
        pytest.skip("this kernel maps no vDSO: " + r.stderr.strip())
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_self_parses(vdsotool):
    rep = self_report(vdsotool)
    assert rep["symbols"], "the live vDSO exports no symbol"
    assert rep["machine"] == "x86_64" or os.uname().machine != "x86_64"


def test_symbols_inside_vdso_mapping(vdsotool):
    rep = self_report(vdsotool)
    lo, hi = rep["mapping"]["start"], rep["mapping"]["end"]
    assert rep["mapping"]["perms"] == "r-xp"
    for s in rep["symbols"]:
        if s["shndx"] in (0, 0xFFF1):  # undefined, absolute (version symbols)
            continue
        assert lo <= s["addr"] < hi, f"{s['name']} at {s['addr']:#x} outside [vdso] [{lo:#x}, {hi:#x})"


def test_text_is_the_mapping(vdsotool):
    """The executable PT_LOAD bytes, page-rounded, are the r-xp [vdso]."""
    rep = self_report(vdsotool)
    page = os.sysconf("SC_PAGE_SIZE")
    lo, hi = rep["mapping"]["start"], rep["mapping"]["end"]
    starts = [rep["load_offset"] + t["start"] for t in rep["text"]]
    ends = [rep["load_offset"] + t["end"] for t in rep["text"]]
    assert min(starts) == lo
    assert (max(ends) + page - 1) // page * page == hi


def test_dump_is_the_mapping(vdsotool, tmp_path):
    out = tmp_path / "live.so"
    r = subprocess.run([vdsotool, "dump", "-o", str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rep = self_report(vdsotool)
    data = out.read_bytes()
    assert data[:4] == b"\x7fELF"
    assert len(data) == rep["mapping"]["end"] - rep["mapping"]["start"]
    again = subprocess.run([vdsotool, "inspect", "--json", str(out)], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["symbols"] == [
        {k: v for k, v in s.items() if k != "addr"} for s in rep["symbols"]]
