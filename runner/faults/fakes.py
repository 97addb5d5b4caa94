"""The fake vDSOs (fixtures/fakes, built into build/fakes with a manifest)
and the cases that can load each: a fake is an object of one ABI."""

import json
from pathlib import Path
from typing import Dict, List

from runner.core.discover import find_cases
from runner.paths import BUILD

FAKES_DIR = BUILD / "fakes"
FAITHFUL = "faithful"


def load_fakes(fakes_dir: Path) -> List[dict]:
    manifest = fakes_dir / "manifest.json"
    if not manifest.is_file():
        raise FileNotFoundError(f"{manifest} not found (build the fakes with 'make fakes')")
    return json.loads(manifest.read_text())


ABI_SUFFIXES = ("-i386", "-x32")


def abi_cases(cases_dir: Path, abi: str) -> Dict[str, Path]:
    """{case: path} of the cases built for one ABI: a fake is an object of
    one ABI and can only be loaded by cases of that ABI.  The native ones
    carry no suffix, the others are NAME-<abi>."""
    out = {}
    for p in find_cases(cases_dir):
        suffix = next((s for s in ABI_SUFFIXES if p.name.endswith(s)), "")
        if (suffix == "" and abi == "native") or suffix == f"-{abi}":
            out[p.name[:len(p.name) - len(suffix)]] = p
    return out


def is_faithful(fake: dict) -> bool:
    return fake["name"].split("-")[0] == FAITHFUL


def fake_abi(fake: dict, native: str) -> str:
    abi = fake.get("abi", native)
    return "native" if abi == native else abi
