"""The architecture, checked from the source: who may import whom, where SQL may live, how big a
module may grow. Read with :mod:`ast`, so the rules hold for every module whether or not a test
happens to import it. The layers are drawn in README.md's "Architecture" section.

Imports under ``if TYPE_CHECKING:`` are type names only and create no run-time dependency, so
they are left out; imports inside functions count, since they run.
"""

from __future__ import annotations

import ast
import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ROOTS = {"pipeline": "argmap.pipeline", "store": "argmap.store", "prompts": "argmap.prompts"}

# Lower layers never import higher ones; units in one layer do not import each other.
# A unit is argmap.store, argmap.prompts, or a module or sub-package directly under argmap.pipeline.
LAYERS: list[set[str]] = [
    {"argmap.store", "argmap.prompts"},
    {
        "argmap.pipeline",
        "argmap.pipeline.errors",
        "argmap.pipeline.text",
        "argmap.pipeline.name_casing",
        "argmap.pipeline.config",
    },
    {
        "argmap.pipeline.cache",
        "argmap.pipeline.heavy_imports",
        "argmap.pipeline.wordpieces",
        "argmap.pipeline.sayers",
    },
    {"argmap.pipeline.minilm", "argmap.pipeline.mpnet"},
    {"argmap.pipeline.sentence_ends"},
    {"argmap.pipeline.plugins", "argmap.pipeline.document", "argmap.pipeline.stages"},
    {
        "argmap.pipeline.llm_client",
        "argmap.pipeline.ingest",
        "argmap.pipeline.search",
        "argmap.pipeline.engines",
    },
    {"argmap.pipeline.extract", "argmap.pipeline.speakers"},
    {"argmap.pipeline.summarise", "argmap.pipeline.compare"},
    {"argmap.pipeline.runner"},
    {"argmap.pipeline.present"},
]
HEAVY = {
    "torch", "sentence_transformers", "transformers", "faster_whisper", "ctranslate2", "yt_dlp",
    "scipy", "sklearn", "onnxruntime", "ray", "pyannote", "resemblyzer", "playwright",
}  # fmt: skip
STORE_MAY_IMPORT = {"sqlite_utils", "pysqlite3", "numpy", "sqlite_vec"}
SQL = re.compile(
    r"\b(?:select\s+(?:distinct\s+)?[\w.*\"'(), ]{1,200}?\s+from\s+[a-z_]"
    r"|insert\s+(?:or\s+\w+\s+)?into\s|delete\s+from\s"
    r"|update\s+[a-z_]+\s+set\s|create\s+(?:virtual\s+)?(?:table|index|trigger)\s"
    r"|pragma\s+[a-z_]+\s*[=(;]?\s*\w*$)",
    re.I | re.S,
)
MAX_LINES = 600


def _modules() -> dict[str, Path]:
    out = {}
    for folder, package in ROOTS.items():
        for path in (REPO / folder).rglob("*.py"):
            rest = list(path.relative_to(REPO / folder).with_suffix("").parts)
            if rest[-1] == "__init__":
                rest = rest[:-1]
            out[".".join([package, *rest])] = path
    return out


MODULES = _modules()


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:``."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for child in node.body for n in ast.walk(child))
    return [n for n in ast.walk(tree) if id(n) not in skip]


def _imports(name: str, path: Path) -> list[tuple[str, int, bool]]:
    """(imported module, line, at module level) for every run-time import in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    top = {id(n) for n in tree.body}
    found = []
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno, id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((module, node.lineno, id(node) in top))
            # "from package import module" imports the module too
            found += [(f"{module}.{a.name}", node.lineno, id(node) in top) for a in node.names]
    return found


def _internal(imported: str) -> str | None:
    """The argmap module an import refers to, if it is one of ours."""
    while imported and imported not in MODULES:
        imported = imported.rpartition(".")[0]
    return imported or None


def _unit(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:3]) if parts[1] == "pipeline" and len(parts) > 2 else ".".join(parts[:2])


def _layer(unit: str) -> int:
    for n, layer in enumerate(LAYERS):
        if unit in layer:
            return n
    raise AssertionError(f"{unit} is in no layer: add it to LAYERS (and README's architecture)")


def test_every_unit_has_a_layer() -> None:
    for module in MODULES:
        _layer(_unit(module))


def test_no_upward_or_sideways_imports() -> None:
    wrong = []
    for module, path in MODULES.items():
        here = _unit(module)
        for imported, line, _ in _imports(module, path):
            target = _internal(imported)
            if target is None or _unit(target) == here:
                continue
            if _layer(_unit(target)) >= _layer(here):
                wrong.append(f"{path.relative_to(REPO)}:{line} {here} imports {_unit(target)}")
    assert not sorted(set(wrong))


def test_no_import_cycles() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in MODULES.items():
        for imported, _, _ in _imports(module, path):
            target = _internal(imported)
            # a package's __init__ is imported on the way to its modules: not an edge of its own
            if target and target != module and not module.startswith(target + "."):
                graph[module].add(target)
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for module in sorted(MODULES):
        if module not in state:
            visit(module, [module])
    assert not cycles


def test_store_imports_nothing_of_pipeline_or_ml() -> None:
    allowed = set(sys.stdlib_module_names) | STORE_MAY_IMPORT | {"argmap"}
    wrong = []
    for module, path in MODULES.items():
        if not module.startswith("argmap.store"):
            continue
        for imported, line, at_top in _imports(module, path):
            root = imported.split(".")[0]
            foreign = imported.startswith("argmap.") and not imported.startswith("argmap.store")
            if foreign or root not in allowed:
                wrong.append(f"{path.name}:{line} {imported}")
            elif root == "numpy" and at_top:
                wrong.append(f"{path.name}:{line} numpy at module level (opening a database must stay cheap)")
    assert not wrong


def test_heavy_libraries_are_imported_lazily() -> None:
    wrong = [
        f"{path.relative_to(REPO)}:{line} {imported}"
        for module, path in MODULES.items()
        for imported, line, at_top in _imports(module, path)
        if at_top and imported.split(".")[0] in HEAVY
    ]
    assert not wrong


def test_heavy_libraries_are_imported_under_the_lock() -> None:
    """Stages import their libraries from threads; transformers resolves names lazily and answered
    "cannot import name 'AutoModel'" to one thread while another imported sentence-transformers
    (the default restorer then fell back to MiniLM unseen). :mod:`argmap.pipeline.heavy_imports`."""
    wrong = []
    for path in MODULES.values():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        guarded: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.With) and any("HEAVY_IMPORTS" in ast.unparse(i) for i in node.items):
                guarded.update(id(n) for child in node.body for n in ast.walk(child))
        top = {id(n) for n in tree.body}
        for node in _runtime_nodes(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)) or id(node) in top or id(node) in guarded:
                continue
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if any(name.split(".")[0] in HEAVY for name in names) and not node.level:
                wrong.append(f"{path.relative_to(REPO)}:{node.lineno} {ast.unparse(node)}")
    assert not wrong


def test_sql_lives_only_in_store() -> None:
    wrong = []
    for module, path in MODULES.items():
        if module.startswith("argmap.store"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(n.body[0].value)
            for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and n.body
            and isinstance(n.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if id(node) in docstrings:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
                wrong.append(f"{path.relative_to(REPO)}:{node.lineno} SQL text")
            raw = isinstance(node, ast.Attribute) and node.attr in ("db", "rows", "execute", "conn")
            if raw and ast.unparse(node.value).split(".")[-1] in ("store", "index_store"):  # type: ignore[attr-defined]
                wrong.append(f"{path.relative_to(REPO)}:{node.lineno} raw database access .{node.attr}")
    assert not wrong


@pytest.mark.parametrize(
    "sql",
    [
        "select id from videos",
        "select a.*, c.name as commentator from arguments a",
        'select id, video_id, type, text, quote, start, "end" from arguments where id = ?',
        "DELETE FROM arguments WHERE x",
        "pragma foreign_keys",
    ],
)
def test_the_sql_check_sees_sql(sql: str) -> None:
    assert SQL.search(sql)


def test_the_cli_is_imported_by_nothing() -> None:
    users = [
        module
        for module, path in MODULES.items()
        for imported, _, _ in _imports(module, path)
        if _internal(imported) == "argmap.pipeline.present.cli"
    ]
    assert not users


def test_no_module_is_too_long() -> None:
    long = {
        str(path.relative_to(REPO)): n
        for path in MODULES.values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long


def test_every_package_is_installed() -> None:
    """A non-editable ``pip install .`` ships only the packages pyproject.toml lists; one left out
    installs fine and fails at its first import."""
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    mapping = config["package-dir"]
    found = set()
    for name, folder in mapping.items():
        for init in (REPO / folder).rglob("__init__.py"):
            parts = init.parent.relative_to(REPO / folder).parts
            found.add(".".join((name, *parts)))
    assert found - listed == set()
