"""Lines per route function in assistant/api/routes/ (from `def` to its last line; decorators not counted).

    python -m bench.route_lines [ROOT]
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROUTE_DECORATORS = {"get", "post", "put", "patch", "delete", "api_route"}


def routes(root: Path) -> list[tuple[str, int]]:
    out = []
    for path in sorted((root / "assistant" / "api" / "routes").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in ROUTE_DECORATORS
                for d in node.decorator_list
            ):
                out.append((f"{path.name}:{node.name}", (node.end_lineno or node.lineno) - node.lineno + 1))
    return out


def main() -> None:
    root = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]
    found = routes(root)
    sizes = sorted(n for _, n in found)
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in (root / "assistant/api/routes").glob("*.py"))
    print(f"root: {root}")
    print(f"route functions: {len(found)}  lines in api/routes/: {lines}")
    print(f"lines per route: max {sizes[-1]}, median {sizes[len(sizes) // 2]}, mean {sum(sizes) / len(sizes):.1f}")
    over = [(name, n) for name, n in found if n > 15]
    print(f"routes over 15 lines: {len(over)}")
    for name, n in sorted(over, key=lambda x: -x[1]):
        print(f"  {name}: {n}")


if __name__ == "__main__":
    main()
