"""The rule set for reviewers and administrators: list, show rule ↔ clause side by side, coverage, checks, drafts.

Reads the loaded rules and the documents the product holds; changes nothing except where `write_drafts` is asked
to write files into a directory the caller names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from assistant.domain import Document
from assistant.enrollment.drafting import Coverage, DraftReport, coverage, draft_rules
from assistant.enrollment.rules import SEED_RULES, LegalBasis, Rule, RuleSet, load_rules, normalize_title_code
from assistant.enrollment.validity import STATE_LABELS, BasisNote, RuleValidity
from assistant.errors import InvalidInput, NotFound
from assistant.text import fold_accents


@dataclass(frozen=True)
class ClauseView:
    """One basis of a rule next to the corpus text of the unit it cites."""

    label: str
    unit_id: str
    quote: str
    corpus_text: str | None  # the cited point/clause (or article) as the corpus holds it; None when missing
    found_verbatim: bool
    validity: str  # "" when in force, else the Vietnamese note
    role: str  # "yêu cầu" or "miễn trừ / chuyển tiếp"


@dataclass(frozen=True)
class RuleView:
    rule: Rule
    clauses: list[ClauseView]
    conditions: list[str]  # what the engine checks, in Vietnamese
    deadlines: list[str]
    exemptions: list[str]


_ANCHORS = {
    "recruitment": "ngày tuyển dụng",
    "title_appointment": "ngày bổ nhiệm chức danh",
    "position_appointment": "ngày bổ nhiệm chức vụ",
}
_WHEN = {
    "appointed_before": "bổ nhiệm chức danh",
    "recruited_before": "tuyển dụng",
    "title_transfer": "chuyển chức danh nghề nghiệp",
}


def _fold(text: str) -> str:
    return " ".join(text.split())


def _quote_in(quote: str, text: str) -> bool:
    body, pos = _fold(text), 0
    for fragment in (_fold(f) for f in quote.split("[…]")):
        pos = body.find(fragment, pos)
        if pos < 0:
            return False
        pos += len(fragment)
    return True


def cited_text(documents: dict[str, Document], basis: LegalBasis) -> str | None:
    doc = documents.get(basis.document)
    art = next((a for a in doc.articles if a.number == basis.article), None) if doc else None
    if art is None:
        return None
    clause = next((c for c in art.clauses if c.number == basis.clause), None) if basis.clause else None
    if clause is None:
        return art.text
    point = next((p for p in clause.points if p.letter == basis.point), None) if basis.point else None
    return point.text if point else clause.text


def describe_condition(cond: object, rules: RuleSet) -> str:
    kind = getattr(cond, "kind", "")
    if kind == "certificate":
        names = " hoặc ".join(rules.certificate_name(t) for t in getattr(cond, "types", []))
        extra = ""
        if (before := getattr(cond, "issued_before", None)) is not None:
            extra += f" (cấp trước {before:%d/%m/%Y})"
        if (months := getattr(cond, "validity_months", None)) is not None:
            extra += f" (có giá trị {months} tháng)"
        return f"Chứng chỉ: {names}{extra}"
    if kind == "qualification":
        from assistant.enrollment.engine import _FIELD_NAMES, level_label

        field = getattr(cond, "field", "")
        return f"{_FIELD_NAMES.get(field, field)}: từ {level_label(getattr(cond, 'min_level', ''))} trở lên"
    if kind == "course":
        return "Khóa học loại: " + ", ".join(str(t) for t in getattr(cond, "course_types", []))
    if kind == "hours":
        return f"{getattr(cond, 'hours', 0)} tiết/năm loại " + ", ".join(
            str(t) for t in getattr(cond, "course_types", [])
        )
    if kind == "service_commitment":
        return "Làm việc đủ thời gian cam kết sau đào tạo"
    if kind == "tenure":
        return f"Giữ chức danh {', '.join(getattr(cond, 'title_codes', []))} đủ {getattr(cond, 'years', 0)} năm"
    if kind == "all_of":
        return " và ".join(describe_condition(c, rules) for c in getattr(cond, "conditions", []))
    return kind


class RuleCatalog:
    def __init__(self, rules: RuleSet, documents: Callable[[], Iterable[Document]]) -> None:
        self.rules = rules
        self._documents = documents

    def _docs(self) -> dict[str, Document]:
        return {d.number: d for d in self._documents()}

    def search(self, query: str = "", title_code: str = "") -> list[Rule]:
        """Rules whose id, title, document or title code contains `query` (accent-insensitive); or for one code."""
        q = fold_accents(query.strip())
        code = normalize_title_code(title_code)
        out = []
        for r in self.rules.rules:
            if code and code not in {normalize_title_code(c) for c in r.applies_to.title_codes}:
                continue
            hay = fold_accents(" ".join([r.id, r.title, *r.applies_to.title_codes, *(b.document for b in r.all_bases)]))
            if q and q not in hay:
                continue
            out.append(r)
        return out

    def show(self, rule_id: str, as_of: date | None = None) -> RuleView:
        rule = self.rules.by_id(rule_id.strip())
        if rule is None:
            raise NotFound(f"Không có quy tắc mã '{rule_id}'. Xem danh sách: assistant rules list")
        docs = self._docs()
        validity = RuleValidity(docs.values())
        as_of = as_of or date.today()
        views = []
        for role, bases in (
            ("yêu cầu", rule.legal_basis),
            ("miễn trừ / chuyển tiếp", [b for e in rule.exemptions for b in e.legal_basis]),
        ):
            for b in bases:
                text = cited_text(docs, b)
                note = validity.basis_note(rule.id, b, as_of)
                views.append(
                    ClauseView(
                        b.full_label,
                        b.unit_id,
                        b.quote,
                        text,
                        bool(text and _quote_in(b.quote, text)),
                        note.message if note else "",
                        role,
                    )
                )
        deadlines = []
        for d in rule.deadlines:
            when = f"{d.on:%d/%m/%Y}" if d.on else f"{d.months} tháng kể từ {_ANCHORS.get(d.anchor, d.anchor)}"
            window = ""
            if d.anchor_on_or_after or d.anchor_before:
                lo = f"từ {d.anchor_on_or_after:%d/%m/%Y}" if d.anchor_on_or_after else ""
                hi = f"trước {d.anchor_before:%d/%m/%Y}" if d.anchor_before else ""
                window = f" — khi {_ANCHORS.get(d.window_anchor or '', d.window_anchor)} " + " ".join(
                    p for p in (lo, hi) if p
                )
            deadlines.append(when + window)
        exemptions = [
            f"{_WHEN[e.when]}{' trước ' + format(e.before, '%d/%m/%Y') if e.before else ''} → "
            f"{'được xác định là đáp ứng' if e.effect == 'met' else 'không yêu cầu'}"
            + (f" (cần xác minh: {e.confirm})" if e.confirm else "")
            + f" — {e.citation}"
            for e in rule.exemptions
        ]
        conditions = [describe_condition(c, self.rules) for c in rule.satisfied_by]
        return RuleView(rule, views, conditions, deadlines, exemptions)

    def coverage(self) -> Coverage:
        return coverage(self._documents(), self.rules)

    def check(self, as_of: date | None = None) -> list[BasisNote]:
        """Every basis that is missing from the corpus or not plainly in force on `as_of`."""
        return RuleValidity(self._documents()).report(self.rules, as_of or date.today())

    def draft(self) -> DraftReport:
        """Drafts for the clauses no hand-written rule (seed.yaml) implements."""
        return draft_rules(self._documents(), load_rules(SEED_RULES))

    def write_drafts(self, out_dir: Path) -> list[Path]:
        report = self.draft()
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            written = []
            for slug in report.files:
                path = out_dir / f"{slug}.yaml"
                path.write_text(report.yaml_text(slug), encoding="utf-8")
                written.append(path)
        except OSError as e:
            raise InvalidInput(f"Không ghi được bản nháp vào {out_dir}: {e.strerror or e}") from e
        return written


__all__ = ["STATE_LABELS", "ClauseView", "RuleCatalog", "RuleView", "describe_condition"]
