"""The import graph: `frontline -> maps -> geo -> gazetteer`, never upward, and no module imports itself back.

Every import counts, also those inside functions (imported late for speed, still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Each package may import only the packages after it.
LAYERS = ("frontline", "maps", "geo", "gazetteer")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for layer in LAYERS for path in sorted((ROOT / layer).rglob("*.py"))}


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Return the project modules that module `name` imports (a package's module when one is named)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        found.update(target for target in targets if target.split(".")[0] in LAYERS and target in MODULES)
    found.discard(name)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def test_the_graph_sees_every_package() -> None:
    assert {name.split(".")[0] for name in MODULES} == set(LAYERS)
    assert "frontline.cli" in GRAPH["frontline.__main__"] and "geo.readers.run" in GRAPH["geo.readers.text"]


@pytest.mark.parametrize("layer", LAYERS)
def test_no_package_imports_one_above_it(layer: str) -> None:
    allowed = set(LAYERS[LAYERS.index(layer):])
    upward = sorted(
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if name.split(".")[0] == layer
        for target in targets
        if target.split(".")[0] not in allowed
    )
    assert upward == []


def test_no_import_cycles() -> None:
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for target in sorted(GRAPH[name]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target):], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[name] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name)
    assert [" -> ".join(cycle) for cycle in cycles] == []
