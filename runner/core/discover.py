"""Which files in a cases directory are case programs."""

import os
from pathlib import Path
from typing import Dict, List

# The build puts objects, dependency files and fake vDSO targets next to
# the case programs; shared objects are often executable, so the mode bit
# alone does not tell a case from a fake target.
_NOT_CASES = {".o", ".a", ".d", ".so", ".c", ".h", ".py", ".pyc", ".txt",
              ".log", ".json", ".xml", ".map", ".dSYM"}

# `make install` puts the inspection tool beside the cases
_NOT_CASE_NAMES = {"vdsotool"}


def is_case(path: Path) -> bool:
    name = path.name
    if name.startswith(".") or name in _NOT_CASE_NAMES:
        return False
    if path.suffix in _NOT_CASES or ".so." in name:
        return False
    return path.is_file() and os.access(path, os.X_OK)


def find_cases(cases_dir: Path) -> List[Path]:
    if not cases_dir.is_dir():
        return []
    return sorted(p for p in cases_dir.iterdir() if is_case(p))


# The build names the programs of the other ABIs it makes NAME-i386,
# NAME-x32 (x86_64) and NAME-arm (32-bit ARM on aarch64).
ABI_SUFFIXES = ("-i386", "-x32", "-arm")


def cases_by_abi(cases_dir: Path, suffix: str) -> Dict[str, Path]:
    """{case: path} of the programs of one ABI, by suffix: '' for the
    native ones, '-i386', '-x32' or '-arm'.  A fake target is an object of one ABI
    and only the cases of that ABI can load it."""
    out = {}
    for p in find_cases(cases_dir):
        s = next((x for x in ABI_SUFFIXES if p.name.endswith(x)), "")
        if s == suffix:
            out[p.name[:len(p.name) - len(s)]] = p
    return out
