"""The package's layers hold: each module imports only its own layer or those below, nothing
below the book imports a plotting or widget library, and modules and functions stay short.

The layers, bottom to top: the machine (paper §3; one layer per module, in the order
below), tasks, paper, training, {evaluate, zoo, bench}, analysis, book. The checks read
every module's source (imports inside functions included), so they need no import of
the modules themselves, except the subprocess test, which imports them for real.
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT

PACKAGE = ROOT / "ntmlib"

#: (module or package, layer name, rank): a module may import a lower rank or its own layer.
LAYERS = [
    *((f"ntmlib.{name}", name, rank) for rank, name in enumerate(
        ("validation", "addressing", "memory", "heads", "controllers", "ntm", "baseline", "metrics"))),
    ("ntmlib.tasks", "tasks", 10),
    ("ntmlib.paper", "paper", 20),
    # The package's own __init__ imports the machine, tasks and paper; the training layer's
    # names it imports on first use, by name (PEP 562), never with an import statement.
    ("ntmlib", "paper", 20),
    ("ntmlib.training", "training", 30),
    ("ntmlib.evaluate", "uses training", 40),
    ("ntmlib.zoo", "uses training", 40),
    ("ntmlib.bench", "uses training", 40),
    ("ntmlib.analysis", "analysis", 50),
    ("ntmlib.book", "book", 60),  # book/figures and book/widgets import book's own modules
]

#: What only the book may import (the rest of the package runs without a display).
VISUAL = ("matplotlib", "ipywidgets", "anywidget", "IPython")

#: Longest modules and functions allowed, and the justified exceptions: "path" or
#: "path::qualified.name" -> why (empty: no helper has reported one).
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 400, 60
SIZE_EXCEPTIONS: dict[str, str] = {}


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(root: Path = PACKAGE) -> dict[str, Path]:
    """Every Python module of the package under ``root``, by dotted name."""
    return {module_name(path, root): path for path in sorted(root.rglob("*.py"))}


def layer_of(name: str, layers=LAYERS):
    """(layer name, rank) of a module of the package, from the longest matching entry; None if in none."""
    # The package itself ("ntmlib", no dot) is its __init__ alone, not everything under it.
    matches = [(len(prefix), layer, rank) for prefix, layer, rank in layers
               if name == prefix or ("." in prefix and name.startswith(prefix + "."))]
    return max(matches)[1:] if matches else None


def imported_names(path: Path, name: str, known: set[str]):
    """(line, imported module) of every import in the file, relative ones resolved; for
    ``from package import x`` the submodule ``package.x`` where it is one."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            targets = {f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names}
            yield from ((node.lineno, target) for target in sorted(targets))


def layer_violations(root: Path = PACKAGE, layers=LAYERS) -> list[str]:
    """One line per import that goes up a layer, per module in no layer, and per import of a
    visual library below the book."""
    found, book_rank = modules(root), max(rank for *_, rank in layers)
    problems = []
    for name, path in found.items():
        own = layer_of(name, layers)
        if own is None:
            problems.append(f"{name} is in no layer: add it to LAYERS in tests/test_layers.py")
            continue
        for line, target in imported_names(path, name, set(found)):
            where = f"{path.relative_to(root.parent)}:{line}"
            if target.split(".")[0] in VISUAL and own[1] < book_rank:
                problems.append(f"{where}: {name} ({own[0]}) imports {target}, which only the book may")
            theirs = layer_of(target, layers) if target.split(".")[0] == root.name else None
            if theirs is not None and theirs[0] != own[0] and theirs[1] >= own[1]:
                problems.append(f"{where}: {name} ({own[0]}) imports {target} ({theirs[0]}), a layer above")
    return problems


def size_violations(root: Path = PACKAGE, exceptions=SIZE_EXCEPTIONS) -> list[str]:
    """One line per module over MAX_MODULE_LINES and per function over MAX_FUNCTION_LINES."""
    problems = []
    for path in modules(root).values():
        relative, text = str(path.relative_to(root.parent)), path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES and relative not in exceptions:
            problems.append(f"{relative}: {len(text.splitlines())} lines (at most {MAX_MODULE_LINES})")
        for qualname, lines in function_lengths(ast.parse(text)):
            if lines > MAX_FUNCTION_LINES and f"{relative}::{qualname}" not in exceptions:
                problems.append(f"{relative}::{qualname}: {lines} lines (at most {MAX_FUNCTION_LINES})")
    return problems


def function_lengths(tree: ast.AST, prefix: str = ""):
    """(qualified name, lines from ``def`` to its last line) of every function, nested too."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield prefix + node.name, node.end_lineno - node.lineno + 1
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield from function_lengths(node, f"{prefix}{node.name}.")
        else:
            yield from function_lengths(node, prefix)


# --- the package ------------------------------------------------------------------------------

@pytest.mark.slow
def test_importing_the_package_below_the_book_pulls_in_no_visual_library():
    """For real, in a fresh interpreter: the brief's modules, then every module outside the
    book, each charged with the visual libraries that appeared when it was imported."""
    named = ["ntmlib", "ntmlib.ntm", "ntmlib.tasks", "ntmlib.training"]
    rest = [name for name in modules() if layer_of(name) != ("book", 60) and not name.endswith("__main__")]
    script = (
        "import importlib, json, sys\n"
        f"visual = {VISUAL!r}\n"
        "blame, seen = {}, set()\n"
        f"for name in {named + sorted(set(rest) - set(named))!r}:\n"
        "    importlib.import_module(name)\n"
        "    new = {m.split('.')[0] for m in sys.modules if m.split('.')[0] in visual} - seen\n"
        "    if new:\n"
        "        blame[name], seen = sorted(new), seen | new\n"
        "print(json.dumps(blame))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    # Importing any submodule runs ntmlib/__init__ first, so the machine's, the tasks' and
    # the paper's imports are charged to "ntmlib"; the static check below names the line.
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {}


def test_every_module_imports_only_its_own_layer_or_below():
    problems = layer_violations()
    assert not problems, "\n".join(problems)


def test_no_module_or_function_is_too_long():
    problems = size_violations()
    assert not problems, "\n".join(problems)


def unknown_size_exceptions(root: Path = PACKAGE, exceptions=SIZE_EXCEPTIONS) -> list[str]:
    """The keys of ``exceptions`` (``path`` or ``path::function``) that name nothing in ``root``."""
    paths = {str(path.relative_to(root.parent)): path for path in modules(root).values()}
    unknown = []
    for key in exceptions:
        relative, _, function = key.partition("::")
        names = ({name for name, _ in function_lengths(ast.parse(paths[relative].read_text(encoding="utf-8")))}
                 if relative in paths else set())
        if relative not in paths or (function and function not in names):
            unknown.append(key)
    return unknown


def test_size_exceptions_name_real_modules_or_functions(tmp_path):
    assert not unknown_size_exceptions(), "SIZE_EXCEPTIONS names something that does not exist"
    package = scratch_package(tmp_path, {"__init__.py": "", "a.py": "def f():\n    return 1\n"})
    assert unknown_size_exceptions(package, {"ntmlib/a.py::f": "", "ntmlib/a.py": ""}) == []
    assert unknown_size_exceptions(package, {"ntmlib/a.py::g": "", "ntmlib/b.py": ""}) == ["ntmlib/a.py::g", "ntmlib/b.py"]


# --- the checks themselves, on a scratch package ------------------------------------------------

def scratch_package(root: Path, files: dict[str, str]) -> Path:
    package = root / "ntmlib"
    for relative, text in files.items():
        (package / relative).parent.mkdir(parents=True, exist_ok=True)
        (package / relative).write_text(text, encoding="utf-8")
    return package


GOOD = {
    "__init__.py": "from .ntm import NTM\n",
    "validation.py": "import torch\n",
    "ntm.py": "from .validation import check_int\nfrom . import addressing\n",
    "addressing.py": "",
    "tasks/__init__.py": "from .copy import CopyTask\n",
    "tasks/copy.py": "from ..validation import check_int\nfrom .base import Task\n",
    "tasks/base.py": "",
    "training/__init__.py": "from ntmlib.tasks import get_task\nfrom ntmlib import paper\n",
    "paper.py": "from .ntm import NTM\n",
    "book/__init__.py": "import matplotlib\n",
    "book/figures/plots.py": "from ntmlib.book import style\nfrom ..style import COLORS\nfrom ntmlib import zoo\n",
    "book/style.py": "",
    "zoo.py": "from .training import train\n",
}


@pytest.mark.parametrize("path, source, expected", [
    ("addressing.py", "from .ntm import NTM\n", "ntmlib/addressing.py:1: ntmlib.addressing (addressing) imports "
                                                  "ntmlib.ntm (ntm), a layer above"),
    ("tasks/copy.py", "def f():\n    from ntmlib.training import train\n",
     "ntmlib/tasks/copy.py:2: ntmlib.tasks.copy (tasks) imports ntmlib.training (training), a layer above"),
    ("tasks/base.py", "from .. import paper\n", "ntmlib.tasks.base (tasks) imports ntmlib.paper (paper)"),
    ("ntm.py", "from ntmlib import NTM\n", "ntmlib.ntm (ntm) imports ntmlib (paper), a layer above"),
    ("training/__init__.py", "def f():\n    import matplotlib.pyplot as plt\n",
     "ntmlib/training/__init__.py:2: ntmlib.training (training) imports matplotlib.pyplot, which only the book may"),
    ("zoo.py", "from .book.style import COLORS\n", "ntmlib.zoo (uses training) imports ntmlib.book.style (book)"),
    ("plotting.py", "", "ntmlib.plotting is in no layer"),
])
def test_the_layer_check_names_the_module_and_the_import(tmp_path, path, source, expected):
    assert layer_violations(scratch_package(tmp_path, GOOD)) == []
    problems = layer_violations(scratch_package(tmp_path, {path: source}))
    assert len(problems) == 1 and expected in problems[0], problems


def test_the_size_check_counts_modules_and_nested_functions(tmp_path):
    long_body = "".join(f"    x{i} = {i}\n" for i in range(60))
    package = scratch_package(tmp_path, {
        "ok.py": "def short():\n    return 1\n",
        "big.py": "\n" * 401,
        "methods.py": f"class A:\n    def long(self):\n{long_body.replace('    ', '        ')}\n"
                      f"if True:\n    def inner():\n{long_body.replace('    ', '        ')}",
    })
    assert sorted(size_violations(package, {})) == [
        "ntmlib/big.py: 401 lines (at most 400)",
        "ntmlib/methods.py::A.long: 61 lines (at most 60)",
        "ntmlib/methods.py::inner: 61 lines (at most 60)",
    ]
    assert size_violations(package, {"ntmlib/big.py": "why", "ntmlib/methods.py::A.long": "why",
                                     "ntmlib/methods.py::inner": "why"}) == []
