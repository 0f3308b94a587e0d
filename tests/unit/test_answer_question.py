"""Reading a question: grade, professional title, subject, documents it names."""

from __future__ import annotations

from assistant.answer.question import doc_subjects, named_documents, read_question, title_name


def test_grade_and_title_from_article_titles():
    t = title_name("Bác sĩ y học dự phòng chính (hạng II) - Mã số: V.08.02.05")
    assert t is not None and t.words == ("bac", "si", "y", "hoc", "du", "phong") and t.grade == "II"
    assert title_name("Dược sĩ cao cấp - Mã số: V.08.08.20").grade == "I"  # type: ignore[union-attr]
    assert title_name("Dược sĩ - Mã số: V.08.08.22").grade is None  # type: ignore[union-attr]
    assert title_name("Giáo viên dự bị đại họchạng II - Mã số: V.07.07.18").grade == "II"  # type: ignore[union-attr]
    assert title_name("Giáo viên tiểu học hạng I -Mã số: V.07.03.27").words == ("giao", "vien", "tieu", "hoc")  # type: ignore[union-attr]
    assert title_name("Chế độ đào tạo, bồi dưỡng viên chức") is None


def test_question_grade_prefers_the_target_of_a_promotion():
    assert read_question("Tôi là giáo viên hạng III, muốn lên hạng II cần chứng chỉ gì?").grades == {"II"}
    assert read_question("quay phim hang IV can bang gi").grades == {"IV"}
    assert read_question("Hộ sinh phải tốt nghiệp trình độ nào?").grades == set()


def test_title_match_reads_chinh_and_cao_cap_after_the_name():
    q = read_question("Muốn làm bác sĩ y học dự phòng chính thì cần bằng gì?")
    assert q.title_match(title_name("Bác sĩ y học dự phòng chính (hạng II) - Mã số: V.08.02.05")) == (6, "II")
    assert q.title_match(title_name("Bác sĩ chính (hạng II) - Mã số: V.08.01.02")) == (2, None)
    assert read_question("Kỹ sư cao cấp cần gì").title_match(title_name("Kỹ sư - Mã số: V.05.02.07")) == (2, "I")
    assert read_question("cán bộ học chính trị").title_match(title_name("Cán bộ - Mã số: X")) == (2, None)


def test_subjects_of_questions_and_documents():
    assert read_question("Công chức được cử đi học có phải đền bù?").subjects == {"công chức"}
    assert doc_subjects("Quy định mã số, tiêu chuẩn chức danh nghề nghiệp dược") == {"viên chức"}
    assert doc_subjects("Luật Cán bộ, công chức") == {"cán bộ", "công chức"}
    assert doc_subjects("Quy định về xếp hạng đơn vị") == frozenset()


def test_document_references_and_what_the_corpus_holds():
    docs = {
        "171/2025/NĐ-CP": {"relations": [{"kind": "replaces", "target": "101/2017/NĐ-CP"}]},
        "11/2020/TT-BGTVT": {"relations": [{"kind": "amended_by", "target": "44/2022/TT-BGTVT"}]},
        "27/2015/TTLT-BYT-BNV": {"relations": [{"kind": "amended_by", "target": "03/2022/TT-BYT"}]},
        "03/2022/TT-BYT": {"relations": []},
        "164-QĐ/TW": {"relations": []},
    }

    def names(q: str) -> tuple[set[str], list[str]]:
        held, missing = named_documents(read_question(q).doc_refs, docs)
        return held, [r.text for r, _ in missing]

    assert names("Theo Nghị định 171/2025 thì sao?") == ({"171/2025/NĐ-CP"}, [])
    held, missing = names("Theo Nghị định 101/2017/NĐ-CP viên chức cam kết bao lâu?")
    assert not held and missing == ["101/2017/NĐ-CP"]
    assert names("Theo quy định đã sửa đổi bởi Thông tư 44/2022/TT-BGTVT")[0] == {"11/2020/TT-BGTVT"}
    assert names("Sau Thông tư 03/2022/TT-BYT dược sĩ")[0] == {"03/2022/TT-BYT", "27/2015/TTLT-BYT-BNV"}
    assert names("Quy định 350-QĐ/TW của Ban Bí thư")[1] == ["350-QĐ/TW"]
    assert names("Quy định 164-QĐ/TW")[0] == {"164-QĐ/TW"}
    assert names("chứng chỉ cấp tháng 5/2021 có được không") == (set(), [])  # a date, not a document
