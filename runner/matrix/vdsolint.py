"""The lint column of the matrix: the vDSOs a cell's kernel image embeds
(compat images included), extracted, linted, and read by the resolver
models, so that each kernel shows what its images break and which
consumers can no longer find them."""

from pathlib import Path
from typing import Optional

from runner.lint.vdsotool import TOOL, extract, run_lint, run_resolvers


def lint_kernel(kernel: Path, directory: Path, tool: Optional[str] = None) -> dict:
    """{images: [{name, arch, errors, warnings, failed: [rule...],
    blind: {consumer: why}}], error}; never raises for a bad kernel."""
    tool = tool or str(TOOL)
    try:
        ex = extract(tool, str(kernel), "vdso", directory)
    except OSError as e:
        return {"images": [], "error": str(e)}
    if ex["error"]:
        return {"images": [], "error": f"vdsotool extract: {ex['error']}"}
    files = [img["file"] for img in ex["images"]]
    if not files:
        return {"images": [], "error": "no vDSO image found in the kernel"}
    return lint_images(files, tool)


def lint_images(files, tool: Optional[str] = None) -> dict:
    """The same, for image files (the host's live vDSO, dumped)."""
    tool = tool or str(TOOL)
    out = {"images": [], "error": None}
    try:
        linted = {img["file"]: img for img in run_lint(tool, files, strict=False)["images"]}
        readers = {r["file"]: r for r in run_resolvers(tool, files)}
    except (OSError, RuntimeError) as e:
        out["error"] = str(e)
        return out
    for f in files:
        li = linted.get(f, {})
        rs = readers.get(f, {})
        out["images"].append({
            "name": li.get("name") or Path(f).stem,
            "arch": li.get("arch") or rs.get("arch"),
            "file": f,
            "errors": li.get("errors", 0),
            "warnings": li.get("warnings", 0),
            "failed": [r["rule"] for r in li.get("rules", [])
                       if r.get("status") == "fail" and r.get("severity") == "error"],
            "blind": {c: v.get("why", "") for c, v in rs.get("consumers", {}).items()
                      if v.get("nothing")},
        })
    return out


def summary(lint: Optional[dict]) -> str:
    """One line: images, lint errors by rule, consumers that find nothing."""
    if not lint:
        return "-"
    if lint.get("error"):
        return f"not linted: {lint['error']}"
    parts = []
    for img in lint["images"]:
        what = f"{img['arch'] or img['name']}: "
        what += (f"{img['errors']} error{'s' if img['errors'] != 1 else ''} ({', '.join(img['failed'])})"
                 if img["errors"] else "clean")
        if img["blind"]:
            what += "; finds nothing: " + ", ".join(sorted(img["blind"]))
        parts.append(what)
    return "; ".join(parts)
