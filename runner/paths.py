"""Where the runner finds its cases, its tool and where its reports go.

Two layouts:

* the source tree: the runner package sits in the checkout, next to the
  Makefile; cases, vdsotool, fakes and reports are under build/;
* installed (the Debian package): the runner package is
  PREFIX/share/vdsoconf/runner, the cases PREFIX/lib/vdsoconf, the tool
  PREFIX/bin/vdsotool, and reports go to ./vdsoconf-results, as there is
  no build directory to write into.

PREFIX is taken from where the package lies, not fixed at /usr, so that a
package unpacked into a scratch root runs from there.  VDSOCONF_PREFIX
forces the installed layout under a given prefix: the manual pages are
generated that way from the source tree, so that they name /usr paths.
"""

import os
from pathlib import Path
from typing import Optional

# the directory holding the runner package
HOME = Path(__file__).resolve().parent.parent

_forced = os.environ.get("VDSOCONF_PREFIX")
SOURCE_TREE = (not _forced and (HOME / "Makefile").is_file()
               and (HOME / "lib" / "vdso" / "vdso.h").is_file())

if SOURCE_TREE:
    PREFIX: Optional[Path] = None
    REPO = HOME
    BUILD = REPO / "build"
    RESULTS = BUILD / "results"
    DEFAULT_CASES_DIR = BUILD / "cases"
    TOOL = BUILD / "vdsotool"
else:
    # PREFIX/share/vdsoconf/runner: two levels up from HOME
    PREFIX = Path(_forced) if _forced else HOME.parent.parent
    # nothing of the checkout exists; these names are kept so that a
    # command needing it can say so (see need_source) instead of failing
    # on import
    REPO = HOME
    BUILD = Path("build")
    RESULTS = Path("vdsoconf-results")
    DEFAULT_CASES_DIR = PREFIX / "lib" / "vdsoconf"
    TOOL = PREFIX / "bin" / "vdsotool"


def help_path(path: Path) -> str:
    """A default path as help texts print it: relative to the checkout in
    the source tree (where `make` runs), as it is when installed."""
    if SOURCE_TREE:
        try:
            return str(path.relative_to(REPO))
        except ValueError:
            pass
    # a relative default is relative to where the command is run
    return str(path) if path.is_absolute() else f"./{path}"


class NeedsSource(RuntimeError):
    """A command that builds with the Makefile was run from an installed copy."""


def need_source(what: str) -> None:
    if not SOURCE_TREE:
        raise NeedsSource(f"{what} needs vdsoconf's source tree; installed, vdsoconf "
                          f"runs the cases on this kernel (run) and lints images (lint)")
