"""The runner's module structure, read from its source with `ast`: no
import cycle, no module using another module's private (underscore) names,
and each layer importing only the layers below it, so that the packages
can be read, changed and tested from the bottom up.

A new top-level module or package of runner/ needs a place in LAYERS.
"""

import ast
import pathlib
from typing import Dict, List, Optional, Set, Tuple

import runner_helpers as h

# A module may import modules of its own package and of lower layers.
LAYERS = {
    "runner": 0,
    "runner.paths": 0,
    "runner.core": 1,            # the run model: cases, KTAP, verdicts, state
    "runner.report": 2,          # renders a session's state
    "runner.guest": 2,           # QEMU, the guest's console, the suite in a guest
    "runner.faults": 2,          # fakes against cases
    "runner.lint": 2,            # vdsotool extract and lint
    "runner.plots": 2,           # the SVG plots of make bench
    "runner.lava": 3,            # the suite as a LAVA job, LAVA's results
    "runner.plugin": 3,          # pytest: options, collection, report files
    "runner.session": 4,         # a run: RunOptions, pytest with the plugin
    "runner.matrix": 5,          # several kernels, one table
    "runner.cli": 6,             # the command line
    "runner.vdsoconf": 7,        # the executable
}


def modules(root: pathlib.Path) -> Dict[str, pathlib.Path]:
    """{dotted name: file} of every module under root (a package named
    root.name), and of the executable vdsoconf script if there is one."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    script = root / "vdsoconf"
    if script.is_file():
        out[f"{root.name}.vdsoconf"] = script
    return out


def _is_package(name: str, known: Dict[str, pathlib.Path]) -> bool:
    return known.get(name, pathlib.Path()).name == "__init__.py"


def _absolute(module: Optional[str], level: int, importer: str,
              known: Dict[str, pathlib.Path]) -> str:
    if not level:
        return module or ""
    base = importer.split(".")
    if not _is_package(importer, known):
        base = base[:-1]
    base = base[:len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def imports(name: str, known: Dict[str, pathlib.Path]) -> Tuple[Set[str], List[str]]:
    """(the modules of the package that name imports, its uses of other
    modules' private names), from anywhere in the file, functions included."""
    top = name.split(".")[0]
    tree = ast.parse(known[name].read_text(), str(known[name]))
    targets: Set[str] = set()
    private: List[str] = []
    aliases: Dict[str, str] = {}       # local name -> module it is bound to
    where = str(known[name].relative_to(known[top].parent.parent))

    def is_private(attr: str) -> bool:
        return attr.startswith("_") and not (attr.startswith("__") and attr.endswith("__"))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == top:
                    targets.add(a.name)
                    aliases[a.asname or a.name.split(".")[0]] = a.asname and a.name or top
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(node.module, node.level, name, known)
            if source.split(".")[0] != top:
                continue
            for a in node.names:
                full = f"{source}.{a.name}"
                if full in known:
                    targets.add(full)
                    aliases[a.asname or a.name] = full
                else:
                    targets.add(source)
                    if is_private(a.name) and source != name:
                        private.append(f"{where}:{node.lineno}: from {source} import {a.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            chain, value = [], node.value
            while isinstance(value, ast.Attribute):
                chain.insert(0, value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id in aliases:
                owner = ".".join([aliases[value.id]] + chain)
                if owner in known and owner != name:
                    private.append(f"{where}:{node.lineno}: {owner}.{node.attr}")
    targets.discard(name)
    # importing a submodule runs the __init__ of every package above it
    for t in list(targets):
        parts = t.split(".")
        for i in range(1, len(parts)):
            package = ".".join(parts[:i])
            if package in known and not name.startswith(package + "."):
                targets.add(package)
    return {t for t in targets if t in known and t != name}, private


def graph(root: pathlib.Path) -> Tuple[Dict[str, Set[str]], List[str]]:
    known = modules(root)
    edges, private = {}, []
    for name in known:
        edges[name], bad = imports(name, known)
        private += bad
    return edges, private


def cycle(edges: Dict[str, Set[str]]) -> Optional[List[str]]:
    """One import cycle as the list of modules around it, or None."""
    state: Dict[str, int] = {}      # 1 on the current path, 2 done
    path: List[str] = []

    def visit(m: str) -> Optional[List[str]]:
        state[m] = 1
        path.append(m)
        for t in sorted(edges.get(m, ())):
            if state.get(t) == 1:
                return path[path.index(t):] + [t]
            if t not in state:
                found = visit(t)
                if found:
                    return found
        path.pop()
        state[m] = 2
        return None

    for m in sorted(edges):
        if m not in state:
            found = visit(m)
            if found:
                return found
    return None


def layer(name: str) -> Optional[Tuple[str, int]]:
    """The LAYERS entry a module belongs to: its longest matching prefix."""
    best = None
    for prefix, rank in LAYERS.items():
        if name == prefix or name.startswith(prefix + "."):
            if best is None or len(prefix) > len(best[0]):
                best = (prefix, rank)
    return best


def upward(edges: Dict[str, Set[str]]) -> List[str]:
    out = []
    for name, targets in sorted(edges.items()):
        mine = layer(name)
        if mine is None:
            out.append(f"{name}: no place in LAYERS")
            continue
        for t in sorted(targets):
            theirs = layer(t)
            if theirs is None or theirs[0] == mine[0] or t == "runner":
                continue
            if theirs[1] >= mine[1]:
                out.append(f"{name} ({mine[0]}, layer {mine[1]}) imports {t} "
                           f"({theirs[0]}, layer {theirs[1]})")
    return out


def test_no_import_cycle():
    edges, _ = graph(h.REPO / "runner")
    assert len(edges) > 20, sorted(edges)       # the walk found the runner
    assert cycle(edges) is None, " -> ".join(cycle(edges))


def test_no_private_name_of_another_module():
    _, private = graph(h.REPO / "runner")
    assert not private, "\n".join(private)


def test_layers_import_downwards():
    edges, _ = graph(h.REPO / "runner")
    assert not upward(edges), "\n".join(upward(edges))


def _tree(tmp_path: pathlib.Path, files: Dict[str, str]) -> pathlib.Path:
    root = tmp_path / "runner"
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_the_checks_bite(tmp_path):
    """The checker itself, on a made-up runner: each violation is found."""
    root = _tree(tmp_path, {
        "__init__.py": "",
        "core/__init__.py": "",
        "core/a.py": "from runner.core import b\n\ndef _helper():\n    pass\n",
        "core/b.py": "def f():\n    from runner.core.a import _helper\n    return _helper\n",
        "core/c.py": "import runner.core.a\nrunner.core.a._helper()\n",
        "core/d.py": "from . import a\na._helper()\nfrom runner.cli import main\n",
        "cli/__init__.py": "",
        "cli/main.py": "from runner.core import a\nx = a.__name__\n",
    })
    edges, private = graph(root)
    assert cycle(edges) in (["runner.core.a", "runner.core.b", "runner.core.a"],
                            ["runner.core.b", "runner.core.a", "runner.core.b"])
    assert sorted(p.split(":")[0] for p in private) == [
        "runner/core/b.py", "runner/core/c.py", "runner/core/d.py"]
    assert upward(edges) == ["runner.core.d (runner.core, layer 1) imports runner.cli "
                             "(runner.cli, layer 6)",
                             "runner.core.d (runner.core, layer 1) imports runner.cli.main "
                             "(runner.cli, layer 6)"]
