"""The parser class of every vdsoconf command, and the argument types they share."""

import argparse
from typing import Optional


class Parser(argparse.ArgumentParser):
    """A usage error is one line a user can act on; the usage block buries it.

    see: the help to point to (default: this command's own --help).
    """

    def __init__(self, *args, see: Optional[str] = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.see = see or f"{self.prog} --help"

    def error(self, message):
        self.exit(2, f"vdsoconf: error: {message} (see '{self.see}')\n")


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got '{text}'")
    return value


def count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got '{text}'")
    return int(text)
