"""Case runs recorded elsewhere (inside a QEMU guest), replayed by the plugin.

A recording is a directory: `system.json` describes the machine the cases
ran on (it replaces this host's kernel, machine and clocksource in the
reports), and `cases/<name>` holds one case run as JSON, the same fields a
local run fills in.  The plugin collects those files instead of executing
programs, so verdicts, pytest results, the summary, JUnit XML, the JSON
report and the KTAP log come out of one code path for both.
"""

import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any, Dict, List

from runner.core.caserun import CaseRun

SYSTEM = "system.json"
CASES = "cases"


def write(directory: Path, runs: List[CaseRun], system: Dict[str, Any]) -> List[Path]:
    """Replace whatever recording was in directory; return the case files in order."""
    cases = directory / CASES
    if cases.is_dir():
        shutil.rmtree(cases)
    cases.mkdir(parents=True)
    (directory / SYSTEM).write_text(json.dumps(system, indent=1) + "\n")
    paths = []
    for run in runs:
        path = cases / run.name
        path.write_text(json.dumps(dataclasses.asdict(run), indent=1) + "\n")
        paths.append(path)
    return paths


def is_record(path: Path, recording: Path) -> bool:
    return path.parent.resolve() == (recording / CASES).resolve() and path.is_file()


def load_run(path: Path) -> CaseRun:
    data = json.loads(path.read_text())
    known = {f.name for f in dataclasses.fields(CaseRun)}
    return CaseRun(**{k: v for k, v in data.items() if k in known})


def load_system(recording: Path) -> Dict[str, Any]:
    try:
        return json.loads((recording / SYSTEM).read_text())
    except (OSError, ValueError):
        return {}
