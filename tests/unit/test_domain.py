from assistant.domain import (
    Article,
    Clause,
    DocStatus,
    Document,
    Point,
    Relation,
    RelationKind,
    citation_label,
    doc_slug,
    unit_id,
)


def law() -> Document:
    return Document(number="58/2010/QH12", doc_type="Luật", title="Luật Viên chức")


def test_citation_labels_in_legal_form():
    assert citation_label(law(), "33", "2", "a") == "Điểm a Khoản 2 Điều 33 Luật Viên chức số 58/2010/QH12"
    assert citation_label(law(), "33") == "Điều 33 Luật Viên chức số 58/2010/QH12"
    decree = Document(
        number="115/2020/NĐ-CP", doc_type="Nghị định", title="Quy định về tuyển dụng, sử dụng và quản lý viên chức"
    )
    assert citation_label(decree, "32", "1") == "Khoản 1 Điều 32 Nghị định số 115/2020/NĐ-CP"


def test_unit_ids_are_stable_and_ascii():
    assert unit_id("58/2010/QH12", "33", "2", "a") == "58-2010-qh12:d33:k2:a"
    assert unit_id("115/2020/NĐ-CP", "5a") == "115-2020-nd-cp:d5a"
    assert doc_slug("10/2015/TTLT-BYT-BNV") == "10-2015-ttlt-byt-bnv"
    assert unit_id("52/2015/TTLT-BTNMT-BNV", "5", "1", "đ") == "52-2015-ttlt-btnmt-bnv:d5:k1:d"


def test_document_round_trips_through_dict():
    doc = law()
    doc.status = DocStatus.IN_FORCE
    doc.relations = [Relation(RelationKind.AMENDED_BY, "52/2019/QH14", "nguồn")]
    doc.articles = [Article("33", "Chế độ", "1. x", [Clause("1", "1. x", [Point("a", "a) y")])])]
    again = Document.from_dict(doc.to_dict())
    assert again == doc and isinstance(again.status, DocStatus) and again.relations[0].kind is RelationKind.AMENDED_BY
