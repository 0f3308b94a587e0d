"""Reading a question: grade, professional title, subject, documents it names."""

from __future__ import annotations

from assistant.answer.question import (
    doc_subjects,
    laws_by_title,
    named_documents,
    named_laws,
    read_question,
    title_name,
)


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


LAWS = {
    "58/2010/QH12": {
        "doc_type": "Luật",
        "title": "Luật Viên chức",
        "relations": [
            {"kind": "amended_by", "target": "52/2019/QH14"},
            {"kind": "replaced_by", "target": "129/2025/QH15"},
        ],
    },
    "80/2025/QH15": {"doc_type": "Luật", "title": "Cán bộ, công chức", "relations": []},
    "115/2020/NĐ-CP": {"doc_type": "Nghị định", "title": "Quy định về tuyển dụng", "relations": []},
}


def laws(q: str) -> tuple[set[str], list[tuple[str, set[str]]]]:
    held, missing = laws_by_title(named_laws(q), LAWS)
    return held, [(r.text, related) for r, related in missing]


def test_a_law_named_by_its_title_is_held_or_said_missing():
    assert laws("Theo Luật Viên chức, viên chức được đào tạo theo hình thức nào?") == ({"58/2010/QH12"}, [])
    assert laws("Theo Luật Cán bộ, công chức thì công chức được đào tạo thế nào?") == ({"80/2025/QH15"}, [])
    assert laws("Theo Luật Giáo dục, giáo viên phải đạt trình độ chuẩn nào?") == (set(), [("Luật Giáo dục", set())])
    assert laws("Bộ luật Lao động quy định người lao động được đào tạo nghề thế nào?")[1] == [
        ("Bộ luật Lao động", set())
    ]


def test_another_year_of_a_held_title_is_another_law_unless_it_only_amended_the_held_text():
    assert laws("Luật Viên chức năm 2025 quy định những hình thức đào tạo nào?") == (
        set(),
        [("Luật Viên chức năm 2025", {"58/2010/QH12"})],
    )
    assert laws("Theo Luật Cán bộ, công chức 2008 thì sao?")[1] == [
        ("Luật Cán bộ, công chức năm 2008", {"80/2025/QH15"})
    ]
    assert laws("Luật Viên chức (2019) quy định gì về đào tạo?") == ({"58/2010/QH12"}, [])  # the amending law


def test_a_law_only_mentioned_and_generic_words_are_not_references():
    assert laws("Giảng viên nghỉ theo quy định của Bộ luật Lao động có được giảm định mức không?") == (set(), [])
    assert named_laws("Viên chức bị kỷ luật khiển trách thì sao? Theo quy định của pháp luật.") == []
    assert named_laws("Theo Luật này thì sao?") == []


def test_people_the_corpus_is_not_about_are_read_with_diacritics_when_written():
    assert read_question("Sĩ quan quân đội được cử đi đào tạo phải cam kết bao nhiêu năm?").others == {
        "sĩ quan",
        "quân đội",
    }
    assert read_question("si quan quan doi di hoc cam ket bao lau").others == {"sĩ quan", "quân đội"}
    assert read_question("Tôi có bằng thạc sĩ quản lý giáo dục, đủ chuẩn không?").others == frozenset()
