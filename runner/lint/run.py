"""A lint run: extract the images of each kernel, lint every image, total up.

The result is the JSON report's document; lint/report.py renders it.
"""

import datetime
import os
import time
from pathlib import Path
from typing import Dict, List, Optional

from runner.lint.vdsotool import extract, run_lint


def lint(tool: str, inputs: List[dict], strict: bool, extract_dir: Path) -> dict:
    """inputs: {path, label, kind} each, kind "image" or "kernel".  Raises
    RuntimeError when vdsotool lint itself fails."""
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
        inputs[i] = inp = extract(tool, inp["path"], inp["label"], extract_dir)
        for img in inp["images"]:
            lint_paths.append(img["file"])
            origin[img["file"]] = inp["label"]
    images = []
    if lint_paths:
        doc = run_lint(tool, lint_paths, strict)
        for img in doc["images"]:
            img["input"] = origin.get(img["file"])
            images.append(img)
    failed_inputs = sum(1 for i in inputs if i["kind"] == "kernel" and i["error"])
    totals = {"images": len(images), "passed": sum(i["result"] == "pass" for i in images),
              "failed": sum(i["result"] == "fail" for i in images),
              "errors": sum(i["errors"] for i in images),
              "warnings": sum(i["warnings"] for i in images), "inputs_failed": failed_inputs}
    return {"version": 1, "started": started, "duration_s": round(time.monotonic() - t0, 3),
            "tool": tool, "strict": strict, "inputs": inputs, "images": images,
            "totals": totals}
