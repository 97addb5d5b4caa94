"""Where the runner finds the checkout it runs from and what it builds.

The runner works from a checkout without being installed, so every
default (cases, reports, tools) is a path below the repository.
"""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build"
RESULTS = BUILD / "results"
DEFAULT_CASES_DIR = BUILD / "cases"
