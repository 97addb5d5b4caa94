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
import json
import os
import sys
from pathlib import Path

from runner.lint.inputs import is_image, safe_label, split_label
from runner.lint.report import junit, summary
from runner.lint.run import lint
from runner.lint.vdsotool import TOOL
from runner.paths import RESULTS, help_path

LINT_RESULTS = RESULTS / "lint"


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("lint",
                       help="extract the vDSOs of kernel images and lint them with image files",
                       description="Extract and lint the vDSO images of kernel images and "
                                   "image files.")
    p.add_argument("inputs", nargs="+", metavar="[LABEL=]IMAGE_OR_KERNEL")
    p.add_argument("--strict", action="store_true", help="warnings fail too")
    p.add_argument("--junit", default=str(LINT_RESULTS / "junit.xml"), metavar="FILE",
                   help=f"JUnit XML report (default: {help_path(LINT_RESULTS / 'junit.xml')}; '' for none)")
    p.add_argument("--json", default=str(LINT_RESULTS / "report.json"), metavar="FILE",
                   help=f"JSON report (default: {help_path(LINT_RESULTS / 'report.json')}; '' for none)")
    p.add_argument("--extract-dir", default=str(LINT_RESULTS / "images"), metavar="DIR",
                   help=f"where the images of kernels go (default: {help_path(LINT_RESULTS / 'images')})")
    p.add_argument("--tool", default=str(TOOL), metavar="VDSOTOOL",
                   help=f"the vdsotool to use (default: {help_path(TOOL)})")
    p.add_argument("-v", "--verbose", action="store_true", help="one line per rule")
    return p


def main(p: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if not os.access(args.tool, os.X_OK):
        print(f"vdsoconf: {args.tool}: not built (run 'make', or give --tool)", file=sys.stderr)
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
    try:
        report = lint(args.tool, inputs, args.strict, Path(args.extract_dir))
    except RuntimeError as e:
        print(f"vdsoconf: {e}", file=sys.stderr)
        return 1
    print(summary(report, args.verbose))
    for label, path, write in (("JUnit XML", args.junit, lambda p: junit(report).write(
            p, encoding="utf-8", xml_declaration=True)),
            ("JSON report", args.json, lambda p: Path(p).write_text(json.dumps(report, indent=1) + "\n"))):
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            write(path)
            print(f"{label + ':':<13}{path}")
    totals = report["totals"]
    return 1 if totals["failed"] or totals["inputs_failed"] else 0
