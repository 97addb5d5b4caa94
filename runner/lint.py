"""`vdsoconf lint`: extract the vDSOs of kernel images, lint them and any
image files given, and report as the runner does (summary, JUnit XML, JSON).

    vdsoconf lint [--strict] [--junit FILE] [--json FILE] [--extract-dir DIR]
                  [--tool VDSOTOOL] [LABEL=]IMAGE_OR_KERNEL...

An argument that is an ELF shared object is linted as an image; anything
else is a kernel image, whose vDSOs `vdsotool extract` writes to
DIR/LABEL/ (LABEL: the file's name, or what LABEL= gives) before they are
linted.  Every lint rule of every image is one test case; a kernel that
holds no vDSO fails as LABEL.extract.

Exit status: 0 nothing failed (warnings do not fail unless --strict);
1 an error, a kernel without vDSO or a tool failure; 2 usage errors.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Dict, List, Optional

from runner.paths import REPO

RESULTS = REPO / "build" / "results" / "lint"
TOOL = REPO / "build" / "vdsotool"
# vdsotool lint reads at most this much of a file: larger ones are kernels
IMAGE_LIMIT = 1 << 20


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"vdsoconf: error: {message} (see 'vdsoconf lint --help')\n")


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="vdsoconf lint",
                description="Extract and lint the vDSO images of kernel images and image files.")
    p.add_argument("inputs", nargs="+", metavar="[LABEL=]IMAGE_OR_KERNEL")
    p.add_argument("--strict", action="store_true", help="warnings fail too")
    p.add_argument("--junit", default=str(RESULTS / "junit.xml"), metavar="FILE",
                   help="JUnit XML report (default: build/results/lint/junit.xml; '' for none)")
    p.add_argument("--json", default=str(RESULTS / "report.json"), metavar="FILE",
                   help="JSON report (default: build/results/lint/report.json; '' for none)")
    p.add_argument("--extract-dir", default=str(RESULTS / "images"), metavar="DIR",
                   help="where the images of kernels go (default: build/results/lint/images)")
    p.add_argument("--tool", default=str(TOOL), metavar="VDSOTOOL",
                   help="the vdsotool to use (default: build/vdsotool)")
    p.add_argument("-v", "--verbose", action="store_true", help="one line per rule")
    return p


def split_label(arg: str):
    """LABEL=PATH, unless the whole argument is itself a path."""
    if "=" in arg and not os.path.exists(arg):
        label, path = arg.split("=", 1)
        if label and "/" not in label:
            return label, path
    return None, arg


def is_image(path: str) -> bool:
    """An ELF shared object small enough to be a vDSO."""
    try:
        with open(path, "rb") as f:
            head = f.read(18)
        size = os.path.getsize(path)
    except OSError:
        return False
    if len(head) < 18 or head[:4] != b"\x7fELF" or head[5] not in (1, 2):
        return False
    e_type = int.from_bytes(head[16:18], "little" if head[5] == 1 else "big")
    return e_type == 3 and size <= IMAGE_LIMIT


def safe_label(text: str) -> str:
    return "".join(c if c.isalnum() or c in "._+-" else "_" for c in text) or "kernel"


def extract(tool: str, path: str, label: str, out_dir: Path) -> dict:
    dest = out_dir / label
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("*.so"):
        old.unlink()            # a re-run must not lint last time's images
    t0 = time.monotonic()
    r = subprocess.run([tool, "extract", "--json", path, "-o", str(dest)],
                       capture_output=True, text=True, errors="replace")
    result = {"path": path, "label": label, "kind": "kernel", "exit_code": r.returncode,
              "duration_s": round(time.monotonic() - t0, 3), "error": None, "images": [],
              "streams": []}
    if r.returncode != 0:
        result["error"] = (r.stderr.strip().splitlines() or [f"exit {r.returncode}"])[-1]
        return result
    try:
        doc = json.loads(r.stdout)
    except ValueError as e:
        result["error"] = f"vdsotool extract printed no JSON: {e}"
        return result
    result["images"] = doc.get("images", [])
    result["streams"] = doc.get("streams", [])
    return result


def run_lint(tool: str, images: List[str], strict: bool) -> dict:
    argv = [tool, "lint", "--json"] + (["--strict"] if strict else []) + ["--"] + images
    r = subprocess.run(argv, capture_output=True, text=True, errors="replace")
    if r.returncode not in (0, 1):
        raise RuntimeError(f"vdsotool lint exited {r.returncode}: {r.stderr.strip()}")
    try:
        return json.loads(r.stdout)
    except ValueError as e:
        raise RuntimeError(f"vdsotool lint printed no JSON ({e}): {r.stderr.strip()}")


def point_name(image: dict) -> str:
    """lint.<label>.<image> for images from kernels, lint.<image> else."""
    return f"lint.{image['input']}.{image['name']}" if image.get("input") else f"lint.{image['name']}"


def junit(report: dict) -> ET.ElementTree:
    suite = ET.Element("testsuite", name="vdsoconf-lint")
    counts = dict(tests=0, failures=0, skipped=0, errors=0)
    for inp in report["inputs"]:
        if inp["kind"] == "kernel" and inp["error"]:
            case = ET.SubElement(suite, "testcase", classname=f"lint.{inp['label']}",
                                 name=f"lint.{inp['label']}.extract")
            ET.SubElement(case, "failure", message=inp["error"]).text = inp["error"]
            counts["tests"] += 1
            counts["failures"] += 1
    for img in report["images"]:
        base = point_name(img)
        for rule in img["rules"]:
            case = ET.SubElement(suite, "testcase", classname=base, name=f"{base}.{rule['rule']}")
            text = "\n".join(rule["messages"])
            counts["tests"] += 1
            if rule["status"] == "fail":
                counts["failures"] += 1
                ET.SubElement(case, "failure", message=(rule["messages"] or [rule["what"]])[0]).text = text
            elif rule["status"] == "skip":
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=(rule["messages"] or ["skipped"])[0])
            elif text:
                ET.SubElement(case, "system-out").text = \
                    ("warning: " if rule["status"] == "warn" else "") + text
    for k, v in counts.items():
        suite.set(k, str(v))
    suite.set("timestamp", report["started"])
    return ET.ElementTree(suite)


def summary(report: dict, verbose: bool) -> str:
    rows = [("input", "image", "machine", "class", "soname", "linux", "result", "errors", "warnings")]
    for inp in report["inputs"]:
        if inp["kind"] == "kernel" and inp["error"]:
            rows.append((inp["label"], "-", "-", "-", "-", "-", "FAIL", "-", "-"))
    for img in report["images"]:
        rows.append((img.get("input") or "-", img["name"], str(img["machine"]), str(img["class"]),
                     str(img["soname"]), str(img["linux_version"]),
                     "FAIL" if img["result"] == "fail" else "ok", str(img["errors"]), str(img["warnings"])))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    for inp in report["inputs"]:
        if inp["kind"] == "kernel" and inp["error"]:
            lines.append(f"FAIL lint.{inp['label']}.extract: {inp['error']}")
    for img in report["images"]:
        for rule in img["rules"]:
            if rule["status"] in ("fail", "warn") or (verbose and rule["status"] != "pass"):
                word = {"fail": "FAIL", "warn": "WARN", "skip": "SKIP"}[rule["status"]]
                for msg in rule["messages"] or [rule["what"]]:
                    lines.append(f"{word} {point_name(img)}.{rule['rule']}: {msg}")
            elif verbose:
                lines.append(f"ok   {point_name(img)}.{rule['rule']}")
    t = report["totals"]
    lines.append(f"{t['images']} images from {len(report['inputs'])} inputs: {t['passed']} passed, "
                 f"{t['failed']} failed; {t['errors']} errors, {t['warnings']} warnings"
                 f"{' (--strict)' if report['strict'] else ''}")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    args = parser().parse_args(sys.argv[1:] if argv is None else argv)
    if not os.access(args.tool, os.X_OK):
        print(f"vdsoconf: {args.tool} not built (run 'make')", file=sys.stderr)
        return 2
    inputs = []
    for arg in args.inputs:
        label, path = split_label(arg)
        if not os.path.isfile(path):
            print(f"vdsoconf: error: {path}: no such file", file=sys.stderr)
            return 2
        image = is_image(path)
        label = safe_label(label or os.path.basename(path))
        inputs.append({"path": path, "label": label, "kind": "image" if image else "kernel"})
    labels = [i["label"] for i in inputs if i["kind"] == "kernel"]
    if len(set(labels)) != len(labels):
        print("vdsoconf: error: two kernels with one label; name them LABEL=PATH", file=sys.stderr)
        return 2

    started = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    t0 = time.monotonic()
    lint_paths: List[str] = []
    origin: Dict[str, Optional[str]] = {}
    for i, inp in enumerate(inputs):
        if inp["kind"] == "image":
            inp.update(error=None, images=[])
            lint_paths.append(os.path.abspath(inp["path"]))
            origin[lint_paths[-1]] = None
            continue
        inputs[i] = inp = extract(args.tool, inp["path"], inp["label"], Path(args.extract_dir))
        for img in inp["images"]:
            lint_paths.append(img["file"])
            origin[img["file"]] = inp["label"]
    images = []
    if lint_paths:
        try:
            doc = run_lint(args.tool, lint_paths, args.strict)
        except RuntimeError as e:
            print(f"vdsoconf: {e}", file=sys.stderr)
            return 1
        for img in doc["images"]:
            img["input"] = origin.get(img["file"])
            images.append(img)
    failed_inputs = sum(1 for i in inputs if i["kind"] == "kernel" and i["error"])
    totals = {"images": len(images), "passed": sum(i["result"] == "pass" for i in images),
              "failed": sum(i["result"] == "fail" for i in images),
              "errors": sum(i["errors"] for i in images),
              "warnings": sum(i["warnings"] for i in images), "inputs_failed": failed_inputs}
    report = {"version": 1, "started": started, "duration_s": round(time.monotonic() - t0, 3),
              "tool": args.tool, "strict": args.strict, "inputs": inputs, "images": images,
              "totals": totals}
    print(summary(report, args.verbose))
    for label, path, write in (("JUnit XML", args.junit, lambda p: junit(report).write(
            p, encoding="utf-8", xml_declaration=True)),
            ("JSON report", args.json, lambda p: Path(p).write_text(json.dumps(report, indent=1) + "\n"))):
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            write(path)
            print(f"{label + ':':<13}{path}")
    return 1 if totals["failed"] or failed_inputs else 0
