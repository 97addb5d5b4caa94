"""One JUnit file for the whole matrix: each cell's testsuite, renamed after
its kernel and architecture, under one <testsuites>."""

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import List


def merge(columns: List[dict], path: Path) -> Path:
    root = ET.Element("testsuites", name="vdsoconf matrix")
    for col in columns:
        report = col.get("report")
        junit = Path(report).parent / "junit.xml" if report else None
        suites = []
        if junit and junit.is_file():
            try:
                top = ET.parse(junit).getroot()
                suites = [top] if top.tag == "testsuite" else list(top.iter("testsuite"))
            except ET.ParseError:
                suites = []
        name = f"{col.get('label')} [{col.get('arch') or '?'}]"
        if not suites:
            suites = [ET.Element("testsuite", tests="0", failures="0", errors="0", skipped="0")]
        for s in suites:
            s.set("name", name)
            root.append(s)
        if not col.get("ok"):
            # the cell did not run to the end: one failed test case says why
            s = suites[0]
            tc = ET.SubElement(s, "testcase", classname=name, name="kernel")
            ET.SubElement(tc, "failure", message=str(col.get("problem") or "did not run"))
            s.set("tests", str(int(s.get("tests", "0")) + 1))
            s.set("failures", str(int(s.get("failures", "0")) + 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path
