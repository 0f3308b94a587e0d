"""Plain-data views of domain results, shared by the CLI's --json and the API."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from assistant.knowledge import TimedAnswer


def answer_to_dict(timed: TimedAnswer) -> dict[str, Any]:
    a = timed.answer
    return {
        "question": a.question,
        "answer": a.text,
        "abstained": a.abstained,
        "confidence": a.confidence,
        "quotes": [asdict(q) for q in a.quotes],
        "sources": [
            {
                "unit_id": h.unit.id,
                "citation": h.unit.citation,
                "score": round(h.score, 4),
                "status": h.unit.status,
                "warning": h.warning,
            }
            for h in a.hits[:5]
        ],
        "generation": a.generation,
        "trace_id": timed.trace_id,
        "latency_ms": round(timed.seconds * 1000, 1),
    }
