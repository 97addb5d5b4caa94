"""vdsotool's extract and lint, run as programs and read back from their JSON."""

import json
import subprocess
import time
from pathlib import Path
from typing import List

from runner.paths import TOOL

__all__ = ["TOOL", "extract", "run_lint", "run_resolvers"]


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


def run_resolvers(tool: str, images: List[str]) -> list:
    """vdsotool resolvers --json: per image, which consumers find which
    entry points (exit 1 only means some consumer found nothing)."""
    if not images:
        return []
    r = subprocess.run([tool, "resolvers", "--json", "--"] + images, capture_output=True, text=True,
                       errors="replace")
    try:
        return json.loads(r.stdout) if r.stdout.strip() else []
    except ValueError as e:
        raise RuntimeError(f"vdsotool resolvers printed no JSON ({e}): {r.stderr.strip()}")
