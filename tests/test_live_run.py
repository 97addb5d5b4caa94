"""A whole live run through the runner: on a kernel with a vDSO every
point passes or skips with a reason, and all three reports are written."""

import json
import subprocess
import xml.etree.ElementTree as ET

from conftest import REPO, build_path


def test_live_run(tmp_path):
    out = {k: tmp_path / n for k, n in (("junit", "j.xml"), ("json", "r.json"), ("ktap", "k.log"))}
    r = subprocess.run(["/usr/bin/python3", str(REPO / "runner" / "vdsoconf"), "run",
                        "--cases-dir", str(build_path() / "cases"), "--junit", str(out["junit"]),
                        "--json", str(out["json"]), "--ktap", str(out["ktap"])],
                       capture_output=True, text=True, timeout=600)
    # the failures first: a long summary would push them out of the tail
    failed = [line for line in r.stdout.splitlines() if line.startswith(("FAIL", "ERROR"))]
    assert r.returncode == 0, "\n".join(failed[:20]) + "\n" + r.stdout[-3000:] + r.stderr[-2000:]
    rep = json.loads(out["json"].read_text())
    assert rep["totals"]["fail"] == 0 and rep["totals"]["pass"] > 100
    for case in rep["cases"]:
        for t in case["tests"]:
            if t["status"] == "skip":
                assert t["reason"].strip(), f"{t['name']} skipped without a reason"
    ET.parse(out["junit"])
    assert out["ktap"].read_text().startswith("KTAP version 1\n")
