"""The import graph with folders as nodes: who imports whom, upward (layer-breaking) imports, cycles.

    python -m bench.import_graph [ROOT]      # ROOT: a checkout (default: this one)

Layers, top to bottom: edges (assistant/api, assistant/cli.py, bots/*) → use cases (assistant/services; before
they had a home: assistant/asking.py, knowledge.py, training_records.py, evaluation.py, presenters.py,
jobs/documents.py) → everything else (engines, records, infrastructure). An import from a lower layer into a
higher one is counted as upward; a cycle is a strongly connected group of two or more folders.
Only module-level and function-level `import`/`from` statements of project modules count (TYPE_CHECKING included).
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

OLD_USE_CASES = {
    "assistant/asking.py",
    "assistant/knowledge.py",
    "assistant/training_records.py",
    "assistant/evaluation.py",
    "assistant/presenters.py",
    "assistant/services.py",
    "assistant/jobs/documents.py",
    "assistant/api/views.py",
}


def module_name(root: Path, path: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def folder(rel: str) -> str:
    """The node of a module: its top folder under assistant/ or bots/ (assistant/api holds api/routes); a module
    at the root of assistant/ (cli.py, config.py, domain.py, errors.py …) is a node of its own."""
    if rel in OLD_USE_CASES or rel.startswith("assistant/services"):
        return "assistant/services (use cases)"
    parts = Path(rel).parts
    if "migrations" in parts:  # scripts Alembic runs; no application module imports them
        return "/".join(parts[: parts.index("migrations") + 1])
    return "/".join(parts[:2]) if len(parts) > 2 else rel.removesuffix(".py")


def layer(node: str) -> int:
    if node.startswith(("assistant/api", "bots")) or node == "assistant/cli":
        return 3
    if node.startswith("assistant/services"):
        return 2
    return 1


def imports(tree: ast.AST, current: str) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = current.split(".")[: -node.level]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.update(f"{mod}.{a.name}" for a in node.names)  # a submodule, or a name in `mod` (resolved below)
    return out


def graph(root: Path) -> tuple[dict[str, str], dict[str, set[str]]]:
    files = [p for d in ("assistant", "bots") for p in (root / d).rglob("*.py") if "__pycache__" not in p.parts]
    modules = {module_name(root, p): p.relative_to(root).as_posix() for p in files}
    deps: dict[str, set[str]] = {}
    for name, rel in modules.items():
        tree = ast.parse((root / rel).read_text(encoding="utf-8"))
        targets = set()
        for imp in imports(tree, name if not rel.endswith("__init__.py") else name + ".x"):
            while imp and imp not in modules:
                imp = imp.rpartition(".")[0]
            if imp and imp != name:
                targets.add(imp)
        deps[name] = targets
    return modules, deps


def strongly_connected(nodes: set[str], edges: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def main() -> None:
    root = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]
    sys.setrecursionlimit(10000)
    modules, deps = graph(root)
    node_of = {m: folder(rel) for m, rel in modules.items()}
    edges: dict[str, set[str]] = defaultdict(set)
    crossing, upward, bots_imports = set(), [], []
    for m, targets in deps.items():
        for t in targets:
            a, b = node_of[m], node_of[t]
            if modules[t].startswith("bots/") and modules[m].startswith("assistant/"):
                bots_imports.append(f"{modules[m]} -> {modules[t]}")
            if a != b:
                edges[a].add(b)
                crossing.add(m)
                if layer(b) > layer(a):
                    upward.append(f"{modules[m]} -> {modules[t]}")
    module_cycles = strongly_connected(set(deps), deps)
    folder_cycles = strongly_connected(set(node_of.values()), edges)
    print(f"root: {root}")
    n_edges = sum(map(len, edges.values()))
    print(f"modules: {len(modules)}  folders: {len(set(node_of.values()))}  folder edges: {n_edges}")
    print(f"modules importing from another folder: {len(crossing)}")
    print(f"upward imports (a lower layer importing a higher one): {len(upward)}")
    for u in sorted(upward):
        print(f"  {u}")
    print(f"assistant importing bots: {len(bots_imports)}")
    print(f"folder cycles: {len(folder_cycles)}")
    for c in folder_cycles:
        print(f"  {' <-> '.join(c)}")
    print(f"module cycles: {len(module_cycles)}")
    for c in module_cycles:
        print(f"  {' <-> '.join(c)}")


if __name__ == "__main__":
    main()
