"""The seed rules: they validate, and every quote is the verbatim text of the article it cites."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest

from assistant.config import PathSettings
from assistant.domain import unit_id
from assistant.enrollment.errors import RulesInvalid
from assistant.enrollment.rules import SEED_RULES, check_rule_citations, load_rules

SOURCE = PathSettings().sources_dir / "phapdien-vien-chuc.md"
FRAGMENT_SEPARATOR = "[…]"
# An article heading, then its origin note naming the source document and article:
#   Điều 5.2.TT.48.3. Giáo viên mầm non hạng III …
#   (Điều 3 Thông tư số 01/2021/TT-BGDĐT, có hiệu lực …)
# The mirror sometimes glues a heading to the previous line, so headings are not anchored at line start.
ARTICLE = re.compile(
    r"Điều 5\.2\.[A-ZĐ]+(?:\.\d+)+[a-z]?\. [^\n]*\n\s*\(Điều (?P<art>\d+[a-z]?) [^()\n]*?số (?P<doc>\d+/\d{4}/[^\s,)]+)"
)


def fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@cache
def source_articles() -> dict[str, list[str]]:
    """Article-level unit id → folded bodies of that article (a few articles are codified more than once)."""
    assert SOURCE.exists(), f"source file missing: {SOURCE}"
    text = SOURCE.read_text(encoding="utf-8")
    text = text.split("## Danh sách điều khoản")[0]  # the trailing table of contents repeats headings only
    heads = list(ARTICLE.finditer(text))
    bodies: dict[str, list[str]] = {}
    for m, nxt in zip(heads, heads[1:] + [None], strict=True):
        body = text[m.start() : nxt.start() if nxt else len(text)]
        bodies.setdefault(unit_id(m["doc"], m["art"]), []).append(fold(body))
    return bodies


def quote_in(quote: str, bodies: list[str]) -> bool:
    fragments = [fold(f) for f in quote.split(FRAGMENT_SEPARATOR)]
    for body in bodies:
        pos = 0
        for fragment in fragments:
            pos = body.find(fragment, pos)
            if pos < 0:
                break
            pos += len(fragment)
        else:
            return True
    return False


RULES = load_rules(SEED_RULES)  # the hand-written rules; generated ones: test_rule_quotes.py
BASES = [(r.id, i, b) for r in RULES.rules for i, b in enumerate(r.all_bases)]


def test_seed_rules_load_and_cover_several_professions():
    assert 12 <= len(RULES.rules) <= 25
    prefixes = {r.id.split("-")[0] for r in RULES.rules}
    assert {"gvmn", "gvth", "gvthcs", "gvthpt", "dieu", "bac", "luu", "thu", "vien"} <= prefixes
    assert all(r.summary.startswith("Tóm tắt") for r in RULES.rules), "summaries must be labelled as summaries"


@pytest.mark.parametrize(("rule_id", "index", "basis"), BASES, ids=[f"{r}#{i}" for r, i, _ in BASES])
def test_quote_is_verbatim_in_the_cited_article(rule_id, index, basis):
    bodies = source_articles().get(basis.article_unit_id)
    assert bodies, f"{rule_id}: {basis.label} ({basis.article_unit_id}) is not an article of the source file"
    assert quote_in(basis.quote, bodies), f"{rule_id}: quote not found verbatim in {basis.label}"


def test_quote_check_rejects_a_paraphrase():
    bodies = source_articles()["01-2021-tt-bgddt:d3"]
    assert quote_in("Có chứng chỉ bồi dưỡng theo tiêu chuẩn chức danh nghề nghiệp giáo viên mầm non.", bodies)
    assert not quote_in("Phải có chứng chỉ bồi dưỡng chức danh giáo viên mầm non.", bodies)
    assert not quote_in("giáo viên mầm non hạng I. […] Có bằng tốt nghiệp cao đẳng", bodies)  # wrong order


def test_labels_and_unit_ids_follow_the_domain_conventions():
    rule = next(r for r in RULES.rules if r.id == "gvmn-h3-chung-chi-cdnn")
    assert rule.unit_ids[0] == "01-2021-tt-bgddt:d3:k3:b"
    assert rule.legal_basis[0].label == "Điểm b Khoản 3 Điều 3 Thông tư số 01/2021/TT-BGDĐT"
    law = next(r for r in RULES.rules if r.id == "vien-chuc-quan-ly-boi-duong-truoc-bo-nhiem")
    assert law.legal_basis[0].label == "Khoản 1 Điều 33 Luật Viên chức số 58/2010/QH12"


def test_check_rule_citations_accepts_article_ids_covering_clauses():
    known = {b.article_unit_id for r in RULES.rules for b in r.legal_basis}
    assert check_rule_citations(RULES, known) == []
    missing = known - {"26-2015-ttlt-byt-bnv:d5"}
    problems = check_rule_citations(RULES, missing)
    assert [p.rule_id for p in problems] == ["dieu-duong-h3-chung-chi"]
    assert problems[0].unit_id == "26-2015-ttlt-byt-bnv:d5:k2:b" and "không có trong chỉ mục" in problems[0].message
    # A clause id alone covers its points too.
    assert (
        check_rule_citations(RULES.rules[:1], {"01-2021-tt-bgddt:d3:k3", "08-2023-tt-bgddt:d6", "115-2020-nd-cp:d21"})
        == []
    )


def test_invalid_rules_file_is_rejected_with_the_reason(tmp_path: Path):
    text = SEED_RULES.read_text(encoding="utf-8").replace("types: [cdnn_thu_vien]", "types: [chung_chi_bia]")
    bad = tmp_path / "rules.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(RulesInvalid, match="chung_chi_bia"):
        load_rules(bad)
    bad.write_text("rules:\n  - id: X\n", encoding="utf-8")
    with pytest.raises(RulesInvalid):
        load_rules(bad)


CORPUS_DOCS = Path(__file__).resolve().parents[2] / "corpus" / "documents"


@cache
def corpus_articles() -> dict[str, list[str]]:
    import json

    from assistant.domain import Document
    from assistant.text import normalize_text

    out: dict[str, list[str]] = {}
    for path in sorted(CORPUS_DOCS.glob("*.json")):
        doc = Document.from_dict(json.loads(path.read_text(encoding="utf-8")))
        for art in doc.articles:
            out.setdefault(unit_id(doc.number, art.number), []).append(fold(normalize_text(art.text)))
            for clause in art.clauses:
                out.setdefault(unit_id(doc.number, art.number, clause.number), [])
    return out


@pytest.mark.skipif(not CORPUS_DOCS.is_dir(), reason="shipped corpus not built (corpus/documents missing)")
def test_every_citation_and_quote_is_in_the_shipped_corpus():
    """What the index holds is what answers cite: the rules must resolve there too, quotes included."""
    from assistant.text import normalize_text

    articles = corpus_articles()
    assert check_rule_citations(RULES, articles) == []
    for rule_id, _, basis in BASES:
        quote = normalize_text(basis.quote)
        assert quote_in(quote, articles[basis.article_unit_id]), f"{rule_id}: quote not in corpus {basis.label}"
