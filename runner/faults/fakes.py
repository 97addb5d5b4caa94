"""The fake vDSOs (fixtures/fakes, built into build/fakes with a manifest)
and the cases that can load each: a fake is an object of one ABI."""

import json
from pathlib import Path
from typing import Dict, List

from runner.core.discover import cases_by_abi
from runner.paths import BUILD

FAKES_DIR = BUILD / "fakes"
FAITHFUL = "faithful"


def load_fakes(fakes_dir: Path) -> List[dict]:
    manifest = fakes_dir / "manifest.json"
    if not manifest.is_file():
        raise FileNotFoundError(f"{manifest} not found (build the fakes with 'make fakes')")
    return json.loads(manifest.read_text())


def abi_cases(cases_dir: Path, abi: str) -> Dict[str, Path]:
    """{case: path} of the cases that can load a fake of this ABI ('native'
    or a suffix's name: 'i386', 'x32')."""
    return cases_by_abi(cases_dir, "" if abi == "native" else f"-{abi}")


def is_faithful(fake: dict) -> bool:
    return fake["name"].split("-")[0] == FAITHFUL


def fake_abi(fake: dict, native: str) -> str:
    abi = fake.get("abi", native)
    return "native" if abi == native else abi
