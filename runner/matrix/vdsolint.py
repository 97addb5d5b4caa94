"""The lint column of the matrix: the vDSOs a cell's kernel image embeds
(compat images included), extracted, linted, and read by the resolver
models, so that each kernel shows what its images break and which
consumers can no longer find them.

For the host, the images are the live ones: the native vDSO, and the
compat vDSOs this kernel maps into i386 and x32 processes, written out by
the small compat dumpers (build/vdsodump-i386, -x32) where they were built
and the kernel runs them.

Each image carries named findings, so that a report or a page can list
them without reading the rules: "lint.RULE" for a lint error,
"resolvers.CONSUMER.nothing" for a consumer that finds no entry point (its
programs fall back to system calls in silence), "resolvers.unread" for an
image the resolver models could not read.
"""

import subprocess
from pathlib import Path
from typing import List, Optional

from runner.lint.vdsotool import TOOL, extract, run_lint, run_resolvers

# the compat ABIs the host maps a vDSO for, and the dumper built for each
COMPAT_DUMPERS = (("i386", "vdsodump-i386"), ("x32", "vdsodump-x32"))


def lint_kernel(kernel: Path, directory: Path, tool: Optional[str] = None) -> dict:
    """{images: [{name, arch, errors, warnings, failed: [rule...],
    blind: {consumer: why}, findings: [{name, why}]}], findings, error};
    never raises for a bad kernel."""
    tool = tool or str(TOOL)
    try:
        ex = extract(tool, str(kernel), "vdso", directory)
    except OSError as e:
        return {"images": [], "findings": [], "error": str(e)}
    if ex["error"]:
        return {"images": [], "findings": [], "error": f"vdsotool extract: {ex['error']}"}
    files = [img["file"] for img in ex["images"]]
    if not files:
        return {"images": [], "findings": [], "error": "no vDSO image found in the kernel"}
    return lint_images(files, tool)


def lint_live(directory: Path, tool: Optional[str] = None) -> dict:
    """The same for this machine's live vDSOs: native, and each compat one
    whose dumper exists and runs (a kernel without x32 support cannot run
    the x32 one: noted in `skipped`, not an error)."""
    tool = tool or str(TOOL)
    out_dir = directory / "vdso"
    out_dir.mkdir(parents=True, exist_ok=True)
    native = out_dir / "live.so"
    r = _dump([tool, "dump", "-o", str(native)])
    if r:
        return {"images": [], "findings": [], "error": "vdsotool dump: " + r}
    files, skipped = [str(native)], {}
    for abi, name in COMPAT_DUMPERS:
        dumper = Path(tool).parent / name
        if not dumper.is_file():
            skipped[abi] = f"{name} not built"
            continue
        image = out_dir / f"live-{abi}.so"
        why = _dump([str(dumper), "-o", str(image)])
        if why:
            skipped[abi] = why
        else:
            files.append(str(image))
    out = lint_images(files, tool)
    out["skipped"] = skipped
    return out


def _dump(argv: List[str]) -> Optional[str]:
    """None when argv wrote its image, else why not (one line)."""
    try:
        r = subprocess.run(argv, capture_output=True, text=True, errors="replace")
    except OSError as e:
        return e.strerror or str(e)
    if r.returncode:
        return (r.stderr.strip().splitlines() or [f"exit {r.returncode}"])[-1]
    return None


def lint_images(files, tool: Optional[str] = None) -> dict:
    """The same, for image files (the host's live vDSOs, dumped)."""
    tool = tool or str(TOOL)
    out = {"images": [], "findings": [], "error": None}
    try:
        linted = {img["file"]: img for img in run_lint(tool, files, strict=False)["images"]}
        readers = {r["file"]: r for r in run_resolvers(tool, files)}
    except (OSError, RuntimeError) as e:
        out["error"] = str(e)
        return out
    for f in files:
        li = linted.get(f, {})
        rs = readers.get(f)
        img = {
            "name": li.get("name") or Path(f).stem,
            "arch": li.get("arch") or (rs or {}).get("arch"),
            "file": f,
            "errors": li.get("errors", 0),
            "warnings": li.get("warnings", 0),
            "failed": [r["rule"] for r in li.get("rules", [])
                       if r.get("status") == "fail" and r.get("severity") == "error"],
            "blind": {c: v.get("why", "") for c, v in (rs or {}).get("consumers", {}).items()
                      if v.get("nothing")},
            "resolvers": {c: {"found": v.get("found", 0), "of": v.get("of", 0)}
                          for c, v in (rs or {}).get("consumers", {}).items()},
        }
        img["findings"] = _findings(img, li, rs)
        out["images"].append(img)
        out["findings"] += [dict(f_, image=img["name"], arch=img["arch"]) for f_ in img["findings"]]
    return out


def _findings(img: dict, li: dict, rs: Optional[dict]) -> List[dict]:
    found = []
    for rule in li.get("rules", []):
        if rule.get("status") == "fail" and rule.get("severity") == "error":
            found.append({"name": f"lint.{rule['rule']}", "why": (rule.get("messages") or [""])[0]})
    if rs is None:
        found.append({"name": "resolvers.unread",
                      "why": "vdsotool resolvers has no report for it (no expectations for its machine)"})
    return found + blind_findings(img)


def blind_findings(img: dict) -> List[dict]:
    """The named findings of the consumers that find nothing in img."""
    return [{"name": f"resolvers.{consumer}.nothing",
             "why": f"{consumer} finds no entry point: {why}; its programs fall back to system calls"}
            for consumer, why in sorted(img.get("blind", {}).items())]


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
    for abi, why in sorted((lint.get("skipped") or {}).items()):
        parts.append(f"{abi}: not read ({why})")
    return "; ".join(parts)
