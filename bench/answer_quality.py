"""Today's answerer against the release answerer, side by side in one run, on the same index and searcher.

Usage: python -m bench.answer_quality [--json] [--baseline COMMIT] [--sweep]   (needs `assistant index update`)

- `baseline`: the answerer of the release this wave started from, loaded from git (`git show
  COMMIT:assistant/answer/extractive.py`, default the commit before this wave's answer work), fed the
  searcher's top 10 as it was.
- `current`: `KnowledgeService.ask` as the API serves it.
Both are graded by `assistant.answer.grading` (the rules of ../shared/eval/README.md) on
../shared/eval/answers-dev.jsonl, and their source ranking on ../shared/eval/dev.jsonl (MRR@10).
`--sweep` prints the abstention trade-off: for each min_confidence, abstention on unanswerable questions
against false abstentions on answerable ones (both dev files), which is how the threshold was chosen.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import types
from dataclasses import asdict
from typing import Any

from assistant.answer.grading import grade, report
from assistant.config import Settings
from assistant.retrieval.metrics import reciprocal_rank
from assistant.services import build_services
from assistant.services.evaluation import gold_keys
from assistant.text import normalize_doc_number
from bench.common import ROOT, SHARED, load_jsonl

BASELINE = "f6df61e"  # main when this wave began: the answerer the issue measured


def load_baseline(commit: str) -> Any:
    """The release's extractive answerer module, compiled from git (it imports today's helpers)."""
    src = subprocess.run(
        ["git", "show", f"{commit}:assistant/answer/extractive.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    mod = types.ModuleType("baseline_extractive")
    mod.__dict__["__file__"] = f"<git {commit}>"
    sys.modules[mod.__name__] = mod  # dataclasses look their module up
    exec(compile(src, mod.__dict__["__file__"], "exec"), mod.__dict__)
    return mod


def as_response(answer: Any) -> dict[str, Any]:
    """The POST /ask JSON fields the grader reads."""
    return {
        "answer": answer.text,
        "abstained": answer.abstained,
        "quotes": [asdict(q) for q in answer.quotes],
        "sources": [{"unit_id": h.unit.id, "citation": h.unit.citation} for h in answer.hits[:5]],
    }


PROBES = ROOT / "bench" / "answer_probes.jsonl"  # the team's own questions of the hidden refusal kinds (see README)


def probe_counts(ask: Any, probes: list[dict[str, Any]]) -> tuple[str, str]:
    """('refused/unanswerable', 'refused/answerable') on the probe questions: refusal only, no gold clause."""
    res = [(bool(p["answerable"]), ask(p["question"]).abstained) for p in probes]
    una = [ab for ok, ab in res if not ok]
    ans = [ab for ok, ab in res if ok]
    return f"{sum(una)}/{len(una)}", f"{sum(ans)}/{len(ans)}"


def run(
    name: str, ask: Any, answers: list[dict[str, Any]], dev: list[dict[str, Any]], probes: list[dict[str, Any]] = ()
) -> dict[str, Any]:
    recs, lat = [], []
    for row in answers:
        t = time.perf_counter()
        a = ask(row["question"])
        lat.append(time.perf_counter() - t)
        recs.append(grade(row, as_response(a)) | {"confidence": a.confidence})
    rr, dev_abst = [], []
    for row in dev:
        a = ask(row["question"])
        gold = gold_keys(row)
        ranked = [f"{normalize_doc_number(h.unit.doc_number)}#{h.unit.article.lower()}" for h in a.hits]
        if gold:
            rr.append(reciprocal_rank(ranked, gold, 10))
        dev_abst.append((bool(gold), a.abstained, a.confidence))
    out = report(recs)
    out["summary"]["dev_mrr@10"] = round(statistics.mean(rr), 3)
    out["summary"]["dev_false_abstentions"] = sum(1 for g, ab, _ in dev_abst if g and ab)
    out["summary"]["dev_unanswerable_abstained"] = sum(1 for g, ab, _ in dev_abst if not g and ab)
    if probes:
        una, ans = probe_counts(ask, list(probes))
        out["summary"]["probe_unanswerable_abstained"] = una
        out["summary"]["probe_false_abstentions"] = ans
    lat.sort()
    out["summary"]["ask_ms_p50"] = round(1000 * lat[len(lat) // 2], 1)
    out["summary"]["ask_ms_p95"] = round(1000 * lat[int(0.95 * (len(lat) - 1))], 1)
    out["name"] = name
    return out


COLUMNS = (
    "fact_hit",
    "lead_fact_hit",
    "clause_hit",
    "point_hit",
    "article_hit",
    "wrong_article_same_doc",
    "wrong_clause_same_article",
    "abstention_on_unanswerable",
    "false_abstentions",
    "warning_hit",
    "answer_len_median",
    "answer_len_p90",
    "source_mrr",
    "dev_mrr@10",
    "dev_false_abstentions",
    "dev_unanswerable_abstained",
    "probe_unanswerable_abstained",
    "probe_false_abstentions",
    "ask_ms_p50",
    "ask_ms_p95",
)


def sweep(
    svc: Any, answers: list[dict[str, Any]], dev: list[dict[str, Any]], probes: list[dict[str, Any]] = ()
) -> list[dict[str, Any]]:
    """Abstention vs false abstention as the confidence threshold moves (other refusal rules unchanged)."""
    knowledge = svc.knowledge
    base = knowledge.answerer.settings
    rows = [(bool(r.get("gold") or r.get("relevant")), r["question"]) for r in answers + dev]
    curve = []
    for t in (0.0, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7):
        knowledge.answerer.settings = base.model_copy(update={"min_confidence": t})
        res = [(g, knowledge.ask(q).answer.abstained) for g, q in rows]
        una = [ab for g, ab in res if not g]
        ans = [ab for g, ab in res if g]
        curve.append(
            {
                "min_confidence": t,
                "abstention_on_unanswerable": round(sum(una) / len(una), 3),
                "false_abstention_rate": round(sum(ans) / len(ans), 3),
                "n_unanswerable": len(una),
                "n_answerable": len(ans),
            }
        )
        if probes:
            una_p, ans_p = probe_counts(lambda q: knowledge.ask(q).answer, list(probes))
            curve[-1] |= {"probe_unanswerable_abstained": una_p, "probe_false_abstentions": ans_p}
    knowledge.answerer.settings = base
    return curve


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--baseline", default=BASELINE)
    ap.add_argument("--sweep", action="store_true")
    args = ap.parse_args()
    answers = load_jsonl(SHARED / "eval" / "answers-dev.jsonl")
    dev = load_jsonl(SHARED / "eval" / "dev.jsonl")
    probes = load_jsonl(PROBES)
    settings = Settings()
    svc = build_services(settings)
    knowledge = svc.knowledge
    old = load_baseline(args.baseline).ExtractiveAnswerer(settings.answer)
    knowledge.ask("khởi động chỉ mục")  # load the generation outside the timings

    def ask_baseline(q: str) -> Any:
        with knowledge.serving() as gen:
            return old.answer(gen, q, knowledge.searcher.search(gen, q, None))

    results = [
        run(f"baseline ({args.baseline})", ask_baseline, answers, dev, probes),
        run("current", lambda q: knowledge.ask(q).answer, answers, dev, probes),
    ]
    curve = sweep(svc, answers, dev, probes) if args.sweep else None
    if args.json:
        print(json.dumps({"results": results, "sweep": curve}, ensure_ascii=False, indent=1))
        return
    names = [r["name"] for r in results]
    print(f"{'measure':<30}" + "".join(f"{n:>22}" for n in names))
    for c in COLUMNS:
        print(f"{c:<30}" + "".join(f"{str(r['summary'].get(c)):>22}" for r in results))
    print("\nby kind (fact / lead / clause / abstention):")
    for kind in sorted(results[1]["by_kind"]):
        cells = []
        for r in results:
            k = r["by_kind"].get(kind, {})
            cells.append(
                f"{k.get('fact_hit')}/{k.get('lead_fact_hit')}/{k.get('clause_hit')}/{k.get('abstention_on_unanswerable')}"
            )
        print(f"{kind:<30}" + "".join(f"{c:>22}" for c in cells))
    if curve:
        print("\nabstention trade-off (current answerer, both dev files):")
        head = f"{'min_confidence':>15}{'abstained (unans.)':>22}{'false abstentions':>20}"
        print(head + f"{'probes (unans. / ans.)':>26}")
        for p in curve:
            probe = f"{p.get('probe_unanswerable_abstained')} / {p.get('probe_false_abstentions')}"
            print(
                f"{p['min_confidence']:>15}{p['abstention_on_unanswerable']:>22}{p['false_abstention_rate']:>20}"
                f"{probe:>26}"
            )


if __name__ == "__main__":
    main()
