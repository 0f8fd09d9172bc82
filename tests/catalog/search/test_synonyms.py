"""CAT-6 synonym and hypernym dictionary (catalog/search/synonyms.txt), spelling corrections, and the
numeric range helpers both backends share."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pytest

from catalog.search import synonyms
from catalog.search.analysis import keyword_tokens, query_words, segmenter
from catalog.search.common import (
    number_key,
    number_key_range,
    parse_range,
    range_buckets,
)

SAMPLE = """
# comment
便携式计算机, 笔记本电脑, 笔记本, Laptop   # trailing comment
计算机, 电脑, computer
计算机 > 便携式计算机, 台式计算机
台式计算机, 台式机
copy paper, 复印纸
"""


def test_parse_equivalences_and_hypernyms():
    d = synonyms.parse(SAMPLE.splitlines())
    assert d.synonyms("laptop") == ("便携式计算机", "笔记本电脑", "笔记本", "laptop")
    assert set(d.expansions("电脑")) == {
        "计算机",
        "computer",
        "便携式计算机",
        "笔记本电脑",
        "笔记本",
        "laptop",
        "台式计算机",
        "台式机",
    }
    # a narrower word does not find the broader one
    assert "计算机" not in d.expansions("笔记本")
    # but a listing of the narrower category is findable by the broader words
    assert set(d.wider("笔记本")) == {
        "便携式计算机",
        "笔记本电脑",
        "laptop",
        "计算机",
        "电脑",
        "computer",
    }
    assert d.synonyms("copy paper") == ("copy paper", "复印纸")


@pytest.mark.parametrize(
    "line", ["只有一个词", "a > ", "a, b > c", "> c", "a > b > c"], ids=lambda s: s or "empty"
)
def test_malformed_dictionary_lines_are_refused(line):
    with pytest.raises(synonyms.DictionaryError, match="line 1"):
        synonyms.parse([line])


def test_the_maintained_dictionary_loads_and_joins_the_segmenter():
    d = synonyms.dictionary()
    assert {"笔记本电脑", "笔记本", "手提电脑", "laptop", "notebook"} <= set(
        d.synonyms("便携式计算机")
    )
    assert "计算机" in d.synonyms("电脑")
    assert {"激光打印机", "喷墨打印机"} <= set(d.expansions("打印机"))
    jieba = segmenter()
    assert all(jieba.has_word(w) for w in synonyms.segmenter_words())
    assert all(not w.isascii() for w in synonyms.segmenter_words())
    assert jieba.cut("手提电脑") == ["手提电脑"]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("laptp", "laptop"),
        ("labtop", "laptop"),
        ("lapotp", "laptop"),  # neighbours swapped: one edit
        ("printr", "printer"),
        ("printers", "printer"),
        ("refrigirator", "refrigerator"),
        ("conferance", "conference"),
    ],
)
def test_near_miss_latin_words_are_corrected(typed, meant):
    assert meant in synonyms.corrections(typed)
    (word,) = query_words(typed)
    assert word.word == typed  # the literal word is kept
    assert (meant,) in word.alternatives


@pytest.mark.parametrize(
    "word", ["laptop", "printer", "desk", "pcs", "m437", "e14gen", "qwertyuiop"]
)
def test_dictionary_words_short_words_and_codes_are_not_corrected(word):
    assert synonyms.corrections(word) == ()


def test_full_width_and_upper_case_queries_are_the_same_words():
    assert query_words("ＬＡＰＴＯＰ") == query_words("laptop")
    assert query_words("Ａ４纸") == query_words("a4纸")
    assert [w.word for w in query_words("笔记本电脑　联想")] == ["笔记本电脑", "联想"]


def test_phrases_of_the_dictionary_are_one_query_word():
    (word,) = query_words("Copy  Paper")
    assert (word.word, word.parts) == ("copy paper", ("copy", "paper"))
    assert ("复印纸",) in word.alternatives


def test_keywords_are_indexed_whole():
    assert keyword_tokens(["电脑桌", "Copy Paper", "ＰＣ", "电脑桌"]) == [
        "电脑桌",
        "copy",
        "paper",
        "pc",
    ]


def test_index_terms_are_synonyms_and_broader_words_of_category_names():
    terms = synonyms.index_terms(["货物", "计算机", "便携式计算机", "Laptop"])
    assert {"笔记本电脑", "笔记本", "手提电脑", "notebook", "电脑", "computer"} <= set(terms)
    assert "便携式计算机" not in terms and "laptop" not in terms  # already named


# -- numeric ranges ------------------------------------------------------------------------------


def test_parse_range():
    assert parse_range("10..30") == (Decimal(10), Decimal(30))
    assert parse_range(" 1.5 .. ") == (Decimal("1.5"), None)
    assert parse_range("..-2") == (None, Decimal(-2))
    assert parse_range("30") is None
    for bad in ("..", "a..b", "30..10", "1..2..3", "1e3..2e3"):
        with pytest.raises(ValueError):
            parse_range(bad)


def test_number_keys_keep_order_within_a_code_and_apart_between_codes():
    values = [Decimal(v) for v in ("-5", "0", "0.001", "0.8", "14", "14.2", "120", "30000")]
    keys = [number_key("ppm", v) for v in values]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert all(0 <= k < 2**63 for k in keys)
    low, high = number_key_range("ppm", Decimal("0.8"), Decimal("14.2"))
    assert [low <= k <= high for k in keys] == [False, False, False, True, True, True, False, False]
    everything = number_key_range("ppm", None, None)
    assert all(everything[0] <= k <= everything[1] for k in keys)
    other = number_key("pages", Decimal(14))
    assert not everything[0] <= other <= everything[1]


def test_range_buckets_cut_many_values_into_at_most_six():
    pairs = [(str(v), 1 + v % 3) for v in range(10, 121)]  # 111 speeds
    buckets = range_buckets(pairs)
    assert 3 <= len(buckets) <= 6
    assert sum(b.count for b in buckets) == sum(c for _, c in pairs)
    bounds = [tuple(Decimal(x) for x in b.value.split("..")) for b in buckets]
    assert bounds[0][0] == 10 and bounds[-1][1] == 120
    assert all(low <= high for low, high in bounds)
    assert all(a[1] < b[0] for a, b in pairwise(bounds))  # no overlap
    shares = [b.count / sum(c for _, c in pairs) for b in buckets]
    assert max(shares) < 0.45  # quantile cuts: no bucket swallows the matches


def test_range_buckets_of_few_values_and_of_odd_input():
    assert [(b.value, b.count) for b in range_buckets([("16", 2), ("8", 1), ("16.0", 1)])] == [
        ("8..8", 1),
        ("16..16", 3),
    ]
    assert range_buckets([("A4", 3), ("x", 1)]) == []
    assert range_buckets([]) == []
