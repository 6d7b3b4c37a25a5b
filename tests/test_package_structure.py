"""The package's shape: no import cycle, few imports inside functions (each with its reason), and
the folders in data-path order (sources -> pose -> judge -> outputs -> front ends)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "formcheck"
MAX_FUNCTION_IMPORTS = 25

# Each stage may import the stages before it, never one after it.
STAGES = ["errors", "atomic", "sources", "pose", "judge", "outputs", "engine"]
FRONT_ENDS = {"cli", "live", "batch", "assess", "calibrate", "app", "routines"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


class _Imports(ast.NodeVisitor):
    """Every ``formcheck`` import of one module, split into module level and inside functions."""

    def __init__(self) -> None:
        self.top: list[tuple[str, int]] = []
        self.inner: list[tuple[str, int]] = []  # any import at all, formcheck's or not
        self._depth = 0
        self._type_checking = 0
        self.typing: list[tuple[str, int]] = []  # under ``if TYPE_CHECKING``: types tie modules too

    def visit_FunctionDef(self, node) -> None:
        self._depth += 1
        self.generic_visit(node)
        self._depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        guarded = "TYPE_CHECKING" in ast.unparse(node.test)
        self._type_checking += guarded
        self.generic_visit(node)
        self._type_checking -= guarded

    def _add(self, names: list[str], node) -> None:
        if self._type_checking:
            self.typing += [(name, node.lineno) for name in names]
            return
        for name in names:
            (self.inner if self._depth else self.top).append((name, node.lineno))

    def visit_Import(self, node: ast.Import) -> None:
        self._add([a.name for a in node.names], node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        assert node.level == 0, "formcheck uses absolute imports only"
        self._add([f"{node.module}.{a.name}" for a in node.names], node)


def _scan() -> tuple[dict[str, Path], dict[str, _Imports]]:
    modules = _modules()
    found = {}
    for name, path in modules.items():
        visitor = _Imports()
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        found[name] = visitor
    return modules, found


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def _internal_edges() -> dict[str, set[str]]:
    """Which module imports which: at module level, inside functions and for type checking alike."""
    modules, found = _scan()
    edges: dict[str, set[str]] = {}
    for name, imports in found.items():
        pairs = imports.top + imports.inner + imports.typing
        for target, _ in pairs:
            if not target.startswith("formcheck."):
                continue
            resolved = _resolve(target, modules)
            if resolved and resolved != name and not name.startswith(resolved + "."):
                edges.setdefault(name, set()).add(resolved)
    return edges


def test_no_import_cycle_even_through_imports_inside_functions_or_for_types():
    assert _cycles(_internal_edges()) == []


def test_few_imports_inside_functions_and_each_says_why():
    modules, found = _scan()
    inner = [(modules[name], line) for name, imports in found.items() for _, line in imports.inner]
    unique = sorted(set(inner))
    assert len(unique) <= MAX_FUNCTION_IMPORTS, (
        f"{len(unique)} imports inside functions (at most {MAX_FUNCTION_IMPORTS}):\n"
        + "\n".join(f"{p.relative_to(PACKAGE.parent)}:{line}" for p, line in unique))
    unexplained = []
    for path, line in unique:
        lines = path.read_text(encoding="utf-8").splitlines()
        # The reason is a comment on the import's line or on the line just above it.
        if "#" not in lines[line - 1] and not lines[line - 2].strip().startswith("#"):
            unexplained.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {lines[line - 1].strip()}")
    assert not unexplained, "imports inside functions without a comment saying why:\n" + "\n".join(unexplained)


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_never_imports_a_later_stage_or_a_front_end(stage):
    later = set(STAGES[STAGES.index(stage) + 1:]) | FRONT_ENDS
    wrong = sorted(f"{src} -> {dst}" for src, targets in _internal_edges().items()
                   if _stage(src) == stage for dst in targets if _stage(dst) in later)
    assert wrong == []


def test_no_two_modules_in_a_folder_differ_by_one_letter():
    def one_apart(a: str, b: str) -> bool:
        if abs(len(a) - len(b)) > 1 or a == b:
            return False
        if len(a) == len(b):
            return sum(x != y for x, y in zip(a, b)) == 1
        short, long_ = sorted((a, b), key=len)
        return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))

    clashes = []
    folders: dict[Path, list[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        folders.setdefault(path.parent, []).append(path.stem)
    for folder, names in folders.items():
        clashes += [f"{folder.name}/{a} ~ {b}" for i, a in enumerate(names) for b in names[i + 1:] if one_apart(a, b)]
    assert clashes == []
