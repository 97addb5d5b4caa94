"""The lint report (every rule of every image one test case) as JUnit XML
and as the terminal summary; the JSON report is the document itself."""

import xml.etree.ElementTree as ET


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
