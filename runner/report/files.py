"""Report files: written wherever they are asked for, named as a user can open them."""

import os


def write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def shown(path: str) -> str:
    """Relative to the current directory when below it, absolute otherwise."""
    rel = os.path.relpath(os.path.abspath(path))
    return rel if not rel.startswith("..") else os.path.abspath(path)
