"""Answer-level grading: is the quoted clause the one that answers, and does the answer carry the fact?

Works on the answer exactly as clients receive it (the `POST /api/v1/ask` JSON: `answer`, `abstained`,
`quotes[]`, `sources[]`), against gold items in the clause-level format of `answers-dev.jsonl`:

    {"id", "question", "kind", "gold": [{"doc", "article", "clause", "point"}], "answer_fact": str | null,
     "notes": "topic=… | …", "expects_warning": true (optional)}

The rules follow the eval README (and agree with its independent grader): document numbers compared
accent-folded without spaces or leading zeros; a whole-article (or whole-clause) quote counts for a clause
(or point) when it contains the answer fact; an article of a sub-document written `QC-5` matches a quote
numbered `5` only when that quote contains the fact; a validity note counts when a quote of the gold
document carries it or a paragraph of the answer outside the quoted text names the document and says so.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

VALIDITY_TERMS = (
    "het hieu luc",
    "duoc thay the",
    "bi thay the",
    "khong con hieu luc",
    "chua ro hieu luc",
    "hieu luc chua ro",
    "can doi chieu hieu luc",
    "bi bai bo",
    "da bai bo",
    "ngung hieu luc",
)
_PUNCT = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "\u00a0": " "})
_SUB_ARTICLE = re.compile(r"^([a-z]+)-(\d+[a-z]?)$")


def fold(text: str | None) -> str:
    """NFC, no diacritics (đ → d), lower case, quotes and dashes unified, whitespace collapsed."""
    s = unicodedata.normalize("NFC", text or "").replace("đ", "d").replace("Đ", "D")
    s = "".join(ch for ch in unicodedata.normalize("NFD", s) if unicodedata.category(ch) != "Mn")
    return re.sub(r"\s+", " ", s.translate(_PUNCT)).strip().lower()


def doc_key(number: str | None) -> str:
    """A document number for comparison: folded, no spaces, '_' → '-', no leading zeros of the first number."""
    s = fold(number).replace(" ", "").replace("_", "-").upper()
    return re.sub(r"^0+(\d)", r"\1", s)


def _doc_stem(number: str) -> str:
    return re.sub(r"^0+(\d)", r"\1", fold(number).replace(" ", "").replace("/", "-").replace("_", "-"))


def _part(value: Any) -> str:
    return fold(str(value or "")).replace(" ", "")


def is_clause_level(row: dict[str, Any]) -> bool:
    return "gold" in row


def topic_of(row: dict[str, Any]) -> str:
    m = re.match(r"\s*topic=([^|\s]+)", row.get("notes") or "")
    return m.group(1) if m else "unknown"


def has_validity_note(text: str) -> bool:
    f = fold(text)
    return any(t in f for t in VALIDITY_TERMS)


def _notes(quote: dict[str, Any]) -> list[str]:
    notes = quote.get("notes") or []
    return [notes] if isinstance(notes, str) else [str(n) for n in notes]


def warning_found(gold_docs: set[str], answer: str, quotes: Sequence[dict[str, Any]]) -> tuple[bool, bool]:
    """(in a quote's notes, in the answer's own words): a validity note about one of `gold_docs`."""
    in_notes = any(
        doc_key(q.get("doc_number")) in gold_docs and any(has_validity_note(n) for n in _notes(q)) for q in quotes
    )
    body = answer or ""
    for q in quotes:  # words inside a quoted legal text are not a note
        if q.get("text"):
            body = body.replace(q["text"], "…")
    body = re.sub(r"«[^»]*»", "«…»", body)
    in_answer = any(
        has_validity_note(block) and any(d and d in fold(block).replace(" ", "").upper() for d in gold_docs)
        for block in re.split(r"\n\s*\n", body)
    )
    return in_notes, in_answer


def _source_key(source: dict[str, Any]) -> tuple[str | None, str | None]:
    unit_id = source.get("unit_id") or ""
    if ":" in unit_id:
        parts = unit_id.split(":")
        m = re.match(r"d(.+)", parts[1])
        return re.sub(r"^0+(\d)", r"\1", parts[0].lower()), _part(m.group(1)) if m else None
    m = re.search(r"Điều\s+(\w+).*?số\s+(\S+)", unicodedata.normalize("NFC", source.get("citation") or ""))
    return (_doc_stem(m.group(2)), _part(m.group(1))) if m else (None, None)


def grade(row: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    """One gold item against one answer (API JSON): the per-question record."""
    gold = row.get("gold") or []
    answer = response.get("answer") or ""
    quotes: list[dict[str, Any]] = response.get("quotes") or []
    sources: list[dict[str, Any]] = response.get("sources") or []
    rec: dict[str, Any] = {
        "id": row.get("id"),
        "kind": row.get("kind", "all"),
        "topic": topic_of(row),
        "answerable": bool(gold),
        "abstained": bool(response.get("abstained")),
        "answer_len": len(answer),
        "quotes": [
            {k: q.get(k) for k in ("doc_number", "article", "clause", "point")} | {"len": len(q.get("text") or "")}
            for q in quotes
        ],
    }
    if not gold:
        return rec
    fact = fold(row.get("answer_fact"))  # "" for an unanswerable item
    texts = [fold(q.get("text")) for q in quotes]
    art_hit = clause_hit = point_hit = wrong_article = wrong_clause = False
    keys: set[tuple[str, str]] = set()
    for g in gold:
        gdoc, gart = doc_key(g["doc"]), _part(g["article"])
        sub = _SUB_ARTICLE.match(gart)
        alias = sub.group(2) if sub else None
        gcl = _part(g.get("clause")) or None
        gpt = fold(g.get("point")) or None
        keys.add((_doc_stem(g["doc"]), gart))
        if alias:
            keys.add((_doc_stem(g["doc"]), alias))
        for q, qt in zip(quotes, texts, strict=True):
            if doc_key(q.get("doc_number")) != gdoc:
                continue
            covers = bool(fact) and fact in qt
            qart = _part(q.get("article"))
            if qart != gart and not (alias and qart == alias and covers):
                wrong_article = True
                continue
            art_hit = True
            qcl = _part(q.get("clause")) or None
            if gcl is None or qcl == gcl or (qcl is None and covers):
                clause_hit = True
                qpt = fold(q.get("point")) or None
                if gpt is None or qpt == gpt or (qpt is None and covers):
                    point_hit = True
            else:
                wrong_clause = True
    rank = next((i for i, s in enumerate(sources, 1) if _source_key(s) in keys), None)
    rec.update(
        {
            "article_hit": art_hit,
            "clause_hit": clause_hit,
            "point_hit": point_hit if any(g.get("point") for g in gold) else None,
            "fact_hit": bool(fact) and fact in fold(answer),
            "fact_in_quotes": bool(fact) and any(fact in t for t in texts),
            "lead_fact_hit": bool(fact) and bool(texts) and fact in texts[0],
            "source_rank": rank,
            "wrong_article_same_doc": wrong_article and not art_hit,
            "wrong_clause_same_article": wrong_clause and not clause_hit,
        }
    )
    if row.get("expects_warning"):
        in_notes, in_answer = warning_found({doc_key(g["doc"]) for g in gold}, answer, quotes)
        rec["warning_hit"] = in_notes or in_answer
    return rec


def _rate(hits: Iterable[bool], n: int) -> float | None:
    return round(sum(1 for h in hits if h) / n, 3) if n else None


def _pct(values: Sequence[float], p: float) -> float | None:
    """Linear-interpolated percentile (the grader's definition)."""
    if not values:
        return None
    xs = sorted(values)
    k = (len(xs) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return round(xs[lo] + (xs[hi] - xs[lo]) * (k - lo), 1)


def summarise(recs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    ans = [r for r in recs if r["answerable"]]
    una = [r for r in recs if not r["answerable"]]
    pts = [r for r in ans if r.get("point_hit") is not None]
    warn = [r for r in ans if "warning_hit" in r]
    answered_lens = [r["answer_len"] for r in recs if not r["abstained"]]
    return {
        "n": len(recs),
        "n_answerable": len(ans),
        "n_unanswerable": len(una),
        "fact_hit": _rate((r["fact_hit"] for r in ans), len(ans)),
        "lead_fact_hit": _rate((r["lead_fact_hit"] for r in ans), len(ans)),
        "fact_in_quotes": _rate((r["fact_in_quotes"] for r in ans), len(ans)),
        "clause_hit": _rate((r["clause_hit"] for r in ans), len(ans)),
        "point_hit": _rate((r["point_hit"] for r in pts), len(pts)),
        "n_with_point": len(pts),
        "article_hit": _rate((r["article_hit"] for r in ans), len(ans)),
        "wrong_article_same_doc": sum(r["wrong_article_same_doc"] for r in ans),
        "wrong_clause_same_article": sum(r["wrong_clause_same_article"] for r in ans),
        "source_mrr": round(sum(1 / r["source_rank"] for r in ans if r["source_rank"]) / len(ans), 3) if ans else None,
        "abstention_on_unanswerable": _rate((r["abstained"] for r in una), len(una)),
        "false_abstentions": sum(r["abstained"] for r in ans),
        "false_abstention_rate": _rate((r["abstained"] for r in ans), len(ans)),
        "warning_hit": _rate((r["warning_hit"] for r in warn), len(warn)),
        "n_expects_warning": len(warn),
        "answer_len_median": _pct([r["answer_len"] for r in recs], 0.5),
        "answer_len_p90": _pct([r["answer_len"] for r in recs], 0.9),
        "answer_len_median_answered": _pct(answered_lens, 0.5),
        "answer_len_mean_answered": round(statistics.mean(answered_lens), 1) if answered_lens else None,
    }


def report(recs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Summary, by kind and by topic, and the per-question records."""
    return {
        "summary": summarise(recs),
        "by_kind": {k: summarise([r for r in recs if r["kind"] == k]) for k in sorted({r["kind"] for r in recs})},
        "by_topic": {t: summarise([r for r in recs if r["topic"] == t]) for t in sorted({r["topic"] for r in recs})},
        "questions": list(recs),
    }
