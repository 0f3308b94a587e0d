"""The layering rules hold: no import cycles between folders or modules, nothing below the edges imports them,
`assistant` never imports `bots`, and edges leave authorization and audit to the services."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from bench.import_graph import folder, graph, layer, strongly_connected

ROOT = Path(__file__).resolve().parents[2]


def test_no_cycles_no_upward_imports_and_assistant_never_imports_bots() -> None:
    modules, deps = graph(ROOT)
    node_of = {m: folder(rel) for m, rel in modules.items()}
    edges: dict[str, set[str]] = defaultdict(set)
    upward, bots = [], []
    for m, targets in deps.items():
        for t in targets:
            if node_of[m] != node_of[t]:
                edges[node_of[m]].add(node_of[t])
                if layer(node_of[t]) > layer(node_of[m]):
                    upward.append(f"{modules[m]} -> {modules[t]}")
            if modules[m].startswith("assistant/") and modules[t].startswith("bots/"):
                bots.append(f"{modules[m]} -> {modules[t]}")
    assert strongly_connected(set(node_of.values()), edges) == []
    assert strongly_connected(set(deps), deps) == []
    assert upward == [] and bots == []


def test_routes_and_cli_do_not_check_scope_or_write_audit_themselves() -> None:
    edges = [*sorted((ROOT / "assistant" / "api").rglob("*.py")), ROOT / "assistant" / "cli.py"]
    pattern = re.compile(r"\b(scope|audit)\.(require_\w+|action|answer|feedback)\(")
    found = [
        f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
        for p in edges
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == [], "edges parse, call one service method and format; the service checks and audits:\n" + "\n".join(
        found
    )
