"""CAT-6: a Chinese word typed with a wrong character of the same sound (a pinyin input slip) finds
what the word it was typed for finds, in both backends (they share ``analysis.query_words``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.search import analysis, homophones

QUERIES = Path(__file__).with_name("relevance_queries.tsv")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("笔记本电恼", "笔记本电脑"),
        ("打印记", "打印机"),
        ("扫瞄仪", "扫描仪"),
        ("复印只", "复印纸"),
        ("交换鸡", "交换机"),
    ],
)
def test_a_slip_matches_the_word_it_was_typed_for(typed: str, meant: str) -> None:
    [word] = analysis.query_words(typed)
    assert word.word == typed  # what was typed still matches itself
    assert word.alternatives[0] == (meant,)
    # and everything the word it was typed for matches (its synonyms, narrower words)
    for alternative in analysis.query_words(meant)[0].alternatives:
        assert alternative in word.alternatives


def test_a_slip_inside_a_longer_query_is_corrected_in_place() -> None:
    words = analysis.query_words("联想 笔记本电恼 轻薄")
    assert [w.word for w in words] == ["联想", "笔记本电恼", "轻薄"]
    assert words[1].alternatives[0] == ("笔记本电脑",)


@pytest.mark.parametrize("text", ["打印机", "激光打印机", "印记", "保险柜", "碎纸机", "办公椅子"])
def test_words_that_are_right_are_left_alone(text: str) -> None:
    assert homophones.slips(analysis.normalize(text)) == []


def test_characters_of_another_sound_are_not_a_slip() -> None:
    assert homophones.correction("打字机") is None  # zi is not yin
    assert homophones.correction("电视") is None
    # two wrong characters in three are too many to guess
    assert homophones.correction("大银机") is None


def test_a_character_with_several_readings_counts_each() -> None:
    assert {"xing", "hang"} <= homophones.readings("行")
    assert homophones.readings("绿") == {"lv", "lu"}  # lǜ, lù
    assert homophones.readings("女") == {"nv", "ru"}


def test_the_relevance_set_holds_chinese_slips() -> None:
    rows = [
        line.split("\t")
        for line in QUERIES.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    chinese_typos = [r[0] for r in rows if r[2].strip() == "typo" and not r[0].isascii()]
    assert len(chinese_typos) >= 10
    for query in chinese_typos:
        assert any(homophones.slips(analysis.normalize(query))), query
