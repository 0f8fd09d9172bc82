"""CAT-6 text analysis shared by the backends: rjieba segmentation with the procurement dictionary."""

from __future__ import annotations

from catalog.search.analysis import (
    PROCUREMENT_WORDS,
    QueryWord,
    document_text,
    document_tokens,
    query_words,
    segmenter,
)


def test_procurement_words_are_in_the_dictionary():
    jieba = segmenter()
    assert all(jieba.has_word(word) for word in PROCUREMENT_WORDS)
    assert jieba.cut("联想台式计算机") == ["联想", "台式计算机"]  # rjieba alone: 台式 / 计算机


def test_documents_yield_words_and_their_parts():
    tokens = document_tokens("惠普黑白激光打印机")
    assert {"激光打印机", "打印机", "打印", "激光", "惠普"} <= set(tokens)
    assert {"台式", "计算机", "台式计算机"} <= set(document_tokens("台式计算机"))


def test_documents_are_lowercased_and_punctuation_dropped():
    assert document_tokens("Lenovo ThinkPad, 16GB/512GB！") == [
        "lenovo",
        "thinkpad",
        "16gb",
        "512gb",
    ]
    assert document_text("ＴｈｉｎｋＰａｄ　Ｅ１４") == "thinkpad e14"  # full-width forms
    assert document_tokens("") == []


def test_query_words_are_precise_with_parts_for_compounds():
    (laser,) = query_words("激光打印机")
    assert (laser.word, laser.parts) == ("激光打印机", ("激光", "打印机"))
    assert query_words("台式") == [QueryWord("台式")]
    (printer,) = query_words("打印机")
    assert (printer.word, printer.parts) == ("打印机", ())  # 打印 / 印机 overlap: no parts
    assert query_words("E14-Gen5") == [QueryWord("e14-gen5", ("e14", "gen5"))]


def test_query_words_drop_stopwords_spaces_and_repeats():
    assert [w.word for w in query_words("联想 的 台式  联想")] == ["联想", "台式"]
    assert [w.word for w in query_words("的")] == ["的"]  # nothing else left: keep it
    assert query_words("   ") == [] and query_words("，。！") == []
