"""CAT-6 search behaviour, one suite for every backend: the embedded engine always, Elasticsearch when
``ELASTICSEARCH_URL`` is set (skipped otherwise)."""

from __future__ import annotations

import dataclasses
import os
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest

from catalog.search.base import FacetCount, SearchBackend, SearchQuery
from catalog.search.common import range_buckets
from catalog.search.embedded import EmbeddedBackend
from tests.catalog.search.listings import (
    BAOTOU,
    BY_ID,
    DESKTOP,
    FURNITURE,
    GOODS,
    HOHHOT,
    IT,
    LAPTOP,
    LISTINGS,
    NEI_MONGOL,
    NUMERIC,
    OFFICE,
    PAPER,
    PRINTER,
    SERVER,
    XINCHENG,
    expected_ids,
    listing,
    matches_filters,
    param_list,
)

ES_URL = os.environ.get("ELASTICSEARCH_URL")
ALL = 100  # per_page that holds every test listing


def _embedded() -> Iterator[SearchBackend]:
    backend = EmbeddedBackend(None)
    yield backend
    backend.close()


def _elasticsearch() -> Iterator[SearchBackend]:
    from catalog.search.elastic import ElasticsearchBackend

    prefix = f"mall-test-{uuid.uuid4().hex[:10]}"
    backend = ElasticsearchBackend(ES_URL, index_prefix=prefix)
    yield backend
    names = list(backend.client.indices.get(index=f"{prefix}-listings-*").body)
    for name in names:
        backend.client.indices.delete(index=name)


BACKENDS = [
    pytest.param(_embedded, id="embedded"),
    pytest.param(
        _elasticsearch,
        id="elasticsearch",
        marks=pytest.mark.skipif(not ES_URL, reason="ELASTICSEARCH_URL is not set"),
    ),
]


@pytest.fixture(scope="module", params=BACKENDS)
def catalog(request) -> Iterator[SearchBackend]:
    """A backend holding every test listing; tests using it must not write."""
    factory: Callable[[], Iterator[SearchBackend]] = request.param
    backends = factory()
    backend = next(backends)
    backend.rebuild(LISTINGS)
    yield backend
    next(backends, None)


@pytest.fixture(params=BACKENDS)
def fresh(request) -> Iterator[SearchBackend]:
    """A backend of its own, holding every test listing, for tests that write."""
    factory: Callable[[], Iterator[SearchBackend]] = request.param
    backends = factory()
    backend = next(backends)
    backend.index(LISTINGS)
    yield backend
    next(backends, None)


def ids(backend: SearchBackend, text: str = "", **criteria) -> list[int]:
    return backend.search(SearchQuery(text=text, per_page=ALL, **criteria)).ids


def facet(result, name: str) -> dict[str, int]:
    return {f.value: f.count for f in result.facets[name]}


# -- text ----------------------------------------------------------------------------------------


def test_chinese_two_character_word_finds_longer_words(catalog):
    """CAT-6: 台式 is found inside 台式计算机 / 台式电脑, 打印 inside 打印机 and 打印纸; 电脑 is a
    synonym of 计算机 and finds every computer (desktops, laptops, servers)."""
    assert set(ids(catalog, "台式")) == {1, 2, 3, 4, 5}
    assert set(ids(catalog, "打印")) == {11, 12, 13, 14, 15, 16, 18}
    assert set(ids(catalog, "电脑")) == {*range(1, 11), 23, 24}
    assert ids(catalog, "电脑")[0] in {5, 7, 9}  # the word itself in a title ranks first


def test_chinese_word_inside_compound(catalog):
    """CAT-6: 打印机 finds 激光打印机 and 喷墨打印机; 复印纸 finds the copy paper and its synonym
    打印纸 only."""
    assert set(ids(catalog, "打印机")) == {11, 12, 13, 14, 15, 16}
    assert set(ids(catalog, "复印纸")) == {16, 17, 18}
    assert ids(catalog, "办公椅") == [20]


def test_dictionary_compound_also_matches_when_spelled_in_parts(catalog):
    """CAT-6: 激光打印机 finds listings with the whole word and the one that writes 激光 打印机 (and,
    through its synonym "laser printer", the printer whose print type is laser)."""
    assert set(ids(catalog, "激光打印机")) == {11, 12, 14, 15, 16}
    assert set(ids(catalog, "台式计算机")) == {1, 2, 3, 4, 5}
    assert ids(catalog, "激光打印机")[:2] in ([11, 12], [12, 11])  # whole word in the title first


def test_a_word_typed_with_a_wrong_character_of_the_same_sound(catalog):
    """CAT-6: pinyin input slips — 打印记 for 打印机, 复印只 for 复印纸, 台式电恼 for 台式电脑 — find what
    the word they were typed for finds, also beside other words."""
    assert set(ids(catalog, "打印记")) == set(ids(catalog, "打印机"))
    assert set(ids(catalog, "复印只")) == set(ids(catalog, "复印纸"))
    assert set(ids(catalog, "台式电恼")) == set(ids(catalog, "台式电脑")) != set()
    assert set(ids(catalog, "华为 笔记本电恼")) == set(ids(catalog, "华为 笔记本电脑")) != set()


def test_every_query_word_must_match(catalog):
    """CAT-6: several words narrow the result (AND)."""
    assert set(ids(catalog, "联想 台式")) == {1, 5}
    assert set(ids(catalog, "华为 笔记本")) == {7, 10}
    assert set(ids(catalog, "得力 复印纸 A3")) == {17}
    assert ids(catalog, "华为 订书机") == []


def test_english_is_case_insensitive(catalog):
    """CAT-6: English words match whatever their case, also full-width letters; laptop also finds
    its synonyms 便携式计算机, 笔记本, notebook."""
    assert set(ids(catalog, "laptop")) == {6, 7, 8, 9, 10}
    assert set(ids(catalog, "ｌａｐｔｏｐ")) == {6, 7, 8, 9, 10}
    assert ids(catalog, "LAPTOP") == ids(catalog, "laptop")
    assert set(ids(catalog, "Lenovo Laptop")) == {6, 9}
    assert ids(catalog, "ＴｈｉｎｋＰａｄ") == [6]
    assert set(ids(catalog, "printer")) == {11, 12, 13, 14, 15, 16}


def test_model_numbers_and_brands_match(catalog):
    """CAT-6: brand and model text are searchable in Chinese and English."""
    assert ids(catalog, "M1136") == [11]
    assert ids(catalog, "e14") == [6]
    assert set(ids(catalog, "联想")) == {1, 5, 6, 9, 15, 24}
    assert set(ids(catalog, "lenovo")) == {1, 5, 6, 9, 15, 24}


def test_title_matches_rank_above_other_text(catalog):
    """CAT-6 relevance: 16 mentions 打印机 only in its description, so it comes after every printer."""
    found = ids(catalog, "打印机")
    assert found[-1] == 16
    assert set(found[:-1]) == {11, 12, 13, 14, 15}


def test_no_match(catalog):
    result = catalog.search(SearchQuery(text="潜水艇"))
    assert result.ids == [] and result.total == 0
    assert result.facets["category"] == [] and result.facets["brand"] == []


def test_empty_text_matches_everything(catalog):
    result = catalog.search(SearchQuery(per_page=ALL))
    assert result.total == len(LISTINGS)
    assert result.ids == sorted(BY_ID)


# -- filters -------------------------------------------------------------------------------------


FILTER_CASES = {
    "category subtree (IT)": dict(category_id=IT),
    "category leaf": dict(category_id=PAPER),
    "category with own listings": dict(category_id=OFFICE),
    "price range inclusive": dict(price_min=Decimal("899.00"), price_max=Decimal("1299")),
    "price from": dict(price_min=Decimal("20000")),
    "price to": dict(price_max=Decimal("189.00")),
    "one brand": dict(brands=("得力",)),
    "any of brands": dict(brands=("华为", "惠普")),
    "parameter": dict(params={"cpu": ("i7",)}),
    "parameter any value": dict(params={"print_type": ("laser", "inkjet")}),
    "parameters all codes": dict(params={"cpu": ("i5", "i7"), "memory_gb": ("16",)}),
    "numeric range": dict(params={"memory_gb": ("10..20",)}),
    "numeric range open above": dict(params={"screen_in": ("14.1..",)}),
    "numeric range open below": dict(params={"weight_gsm": ("..75",)}),
    "numeric ranges or a value": dict(params={"memory_gb": ("..8", "32")}),
    "numeric range and another parameter": dict(params={"memory_gb": ("16..32",), "cpu": ("i7",)}),
    "multi-valued parameter": dict(params={"material": ("steel",)}),
    "sme only": dict(sme_only=True),
    "green only": dict(green_only=True),
    "region county": dict(region_id=XINCHENG),
    "region city": dict(region_id=HOHHOT),
    "region whole": dict(region_id=NEI_MONGOL),
    "everything at once": dict(
        category_id=GOODS,
        price_max=Decimal("6000"),
        brands=("联想", "华为", "得力"),
        green_only=True,
        region_id=NEI_MONGOL,
    ),
}


@pytest.mark.parametrize("criteria", FILTER_CASES.values(), ids=FILTER_CASES.keys())
def test_filters(catalog, criteria):
    """CAT-6: category, price, brand, parameter, SME, green and region filters."""
    query = SearchQuery(per_page=ALL, **criteria)
    expected = expected_ids(query)
    assert expected, "a case must select something"
    assert expected != sorted(BY_ID), "a case must leave something out"
    result = catalog.search(query)
    assert result.ids == expected
    assert result.total == len(expected)


def test_filters_worked_examples(catalog):
    """CAT-6: a few filter answers spelled out."""
    assert ids(catalog, category_id=PAPER) == [16, 17, 18]
    assert ids(catalog, price_min=Decimal("899"), price_max=Decimal("999.00")) == [12, 15, 20]
    assert ids(catalog, params={"memory_gb": ("32",)}) == [9, 10]
    assert ids(catalog, region_id=BAOTOU) == [3, 8, 13, 18, 24]
    assert set(ids(catalog, "打印机", sme_only=True)) == {11, 12, 15, 16}
    assert set(ids(catalog, "笔记本", green_only=True, brands=("华为",))) == {7}


def test_numeric_ranges_worked_examples(catalog):
    """CAT-6 numeric parameters filter by inclusive ranges, open at either end; a range of a
    parameter that is not numeric matches nothing."""
    assert ids(catalog, params={"memory_gb": ("16..32",)}) == [2, 3, 5, 6, 7, 8, 9, 10]
    assert ids(catalog, params={"memory_gb": ("17..31",)}) == []
    assert ids(catalog, params={"screen_in": ("14..14.2",)}) == [6, 7, 8, 10]
    assert ids(catalog, params={"screen_in": ("16..",)}) == [5, 9]
    assert ids(catalog, params={"weight_gsm": ("..70",)}) == [16, 18]
    assert ids(catalog, params={"memory_gb": ("..8", "32..")}) == [1, 4, 9, 10]
    assert ids(catalog, params={"cpu": ("1..9",)}) == []


def test_numeric_parameters_facet_as_ranges(catalog):
    """CAT-6 numeric facets: buckets drawn from the matching values, each labelled with its lowest
    and highest value; following a bucket finds exactly its count."""
    result = catalog.search(SearchQuery(category_id=IT, per_page=1))
    assert facet(result, "range:memory_gb") == {"8..8": 2, "16..16": 6, "32..32": 2}
    assert facet(result, "range:screen_in") == {
        "14..14": 3,
        "14.2..14.2": 1,
        "16..16": 1,
        "23.8..23.8": 1,
    }
    assert "range:cpu" not in result.facets  # not a numeric parameter
    for bucket in result.facets["range:memory_gb"]:
        query = SearchQuery(category_id=IT, params={"memory_gb": (bucket.value,)})
        assert catalog.search(query).total == bucket.count
    narrowed = catalog.search(SearchQuery(text="笔记本", per_page=1))
    assert facet(narrowed, "range:memory_gb") == {"16..16": 3, "32..32": 2}


@pytest.mark.parametrize("bad", ["30..10", "..", "a..b", "1..2..3"])
def test_malformed_ranges_are_refused(catalog, bad):
    with pytest.raises(ValueError):
        catalog.search(SearchQuery(params={"memory_gb": (bad,)}))


def test_filters_without_values_do_not_filter(catalog):
    assert ids(catalog, brands=(), params={"cpu": ()}) == sorted(BY_ID)


# -- sorting and paging --------------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["relevance", "price_asc", "price_desc", "sales"])
def test_sorts_break_ties_by_id(catalog, sort):
    """CAT-6 sorting: listings 1 and 5 share price and sales, 12 and 20 a price, 16 and 18 sales;
    ties come out by id ascending."""
    query = SearchQuery(sort=sort, per_page=ALL)
    assert catalog.search(query).ids == expected_ids(query)


def test_sorts_with_text_and_filters(catalog):
    assert ids(catalog, "打印机", sort="price_asc") == [16, 13, 12, 15, 11, 14]
    assert ids(catalog, "打印机", sort="price_desc") == [14, 11, 15, 12, 13, 16]
    assert ids(catalog, "打印机", sort="sales") == [16, 11, 12, 13, 15, 14]
    assert ids(catalog, category_id=DESKTOP, sort="price_desc") == [3, 2, 1, 5, 4]


def test_relevance_is_deterministic_with_equal_scores(catalog):
    """Equal scores are ordered by id, whatever the page size."""
    whole = ids(catalog, "笔记本电脑")
    assert set(whole) == {6, 7, 8, 9, 10}
    paged = [
        i
        for page in range(1, 6)
        for i in catalog.search(SearchQuery(text="笔记本电脑", per_page=1, page=page)).ids
    ]
    assert paged == whole


@pytest.mark.parametrize("sort", ["relevance", "price_asc", "sales"])
@pytest.mark.parametrize("text", ["", "计算机"])
def test_pagination(catalog, sort, text):
    """CAT-6: pages do not overlap, add up to the whole result, and report the same total."""
    whole = catalog.search(SearchQuery(text=text, sort=sort, per_page=ALL))
    assert whole.total == len(whole.ids) >= 8
    pages, totals = [], set()
    for page in range(1, 20):
        result = catalog.search(SearchQuery(text=text, sort=sort, page=page, per_page=3))
        totals.add(result.total)
        if not result.ids:
            break
        assert len(result.ids) <= 3
        pages.append(result.ids)
    flat = [i for page in pages for i in page]
    assert flat == whole.ids
    assert len(set(flat)) == len(flat)
    assert totals == {whole.total}
    assert all(len(page) == 3 for page in pages[:-1])


def test_page_past_the_end_is_empty(catalog):
    result = catalog.search(SearchQuery(page=50, per_page=10))
    assert result.ids == [] and result.total == len(LISTINGS)


@pytest.mark.parametrize(
    "bad",
    [dict(sort="newest"), dict(page=0), dict(per_page=0), dict(per_page=101), dict(page=1000)],
)
def test_invalid_queries_are_refused(catalog, bad):
    with pytest.raises(ValueError):
        catalog.search(SearchQuery(**bad))


def test_float_prices_are_refused(catalog):
    """Money is Decimal: a float bound is a programming error, not a query."""
    with pytest.raises(TypeError):
        catalog.search(SearchQuery(price_min=9.99))


# -- facets --------------------------------------------------------------------------------------


def _reference_facets(query: SearchQuery, docs=LISTINGS) -> dict[str, dict[str, int]]:
    matching = [d for d in docs if matches_filters(d, query)]
    out: dict[str, dict[str, int]] = {"category": {}, "brand": {}, "price": {}}
    buckets = [("0-500", 0, 500), ("500-2000", 500, 2000), ("2000-5000", 2000, 5000)]
    buckets += [("5000-20000", 5000, 20000), ("20000-", 20000, 10**12)]
    for d in matching:
        out["category"][str(d.category_id)] = out["category"].get(str(d.category_id), 0) + 1
        out["brand"][d.brand] = out["brand"].get(d.brand, 0) + 1
        for label, low, high in buckets:
            if low <= d.price < high:
                out["price"][label] = out["price"].get(label, 0) + 1
        for code in d.params:
            counts = out.setdefault(f"param:{code}", {})
            for value in param_list(d, code):
                counts[value] = counts.get(value, 0) + 1
    for code in NUMERIC:
        if f"param:{code}" in out:
            pairs = list(out[f"param:{code}"].items())
            out[f"range:{code}"] = {f.value: f.count for f in range_buckets(pairs)}
    return out


@pytest.mark.parametrize(
    "criteria",
    [dict(), dict(category_id=IT), dict(sme_only=True), dict(price_max=Decimal("5000"))],
    ids=["all", "IT", "sme", "cheap"],
)
def test_facets_count_all_matches_not_the_page(catalog, criteria):
    """CAT-6 facets: counts cover every match of the query, with a page of two."""
    query = SearchQuery(per_page=2, **criteria)
    result = catalog.search(query)
    assert len(result.ids) == 2
    expected = _reference_facets(query)
    got = {name: facet(result, name) for name in result.facets}
    assert got == expected


def test_facet_values_and_order(catalog):
    """Counts descending, then value; price buckets in price order; categories are direct ones."""
    result = catalog.search(SearchQuery(category_id=IT, per_page=1))
    assert result.total == 17
    assert result.facets["category"] == [
        FacetCount(str(DESKTOP), 5),
        FacetCount(str(LAPTOP), 5),
        FacetCount(str(PRINTER), 5),
        FacetCount(str(SERVER), 2),
    ]
    assert result.facets["brand"] == [
        FacetCount("联想", 6),
        FacetCount("华为", 5),
        FacetCount("惠普", 4),
        FacetCount("同方", 1),
        FacetCount("得力", 1),
    ]
    assert result.facets["price"] == [
        FacetCount("500-2000", 5),
        FacetCount("2000-5000", 4),
        FacetCount("5000-20000", 6),
        FacetCount("20000-", 2),
    ]
    assert result.facets["param:cpu"] == [
        FacetCount("i5", 5),
        FacetCount("i7", 3),
        FacetCount("xeon", 2),
        FacetCount("kx-6000", 1),
        FacetCount("ultra7", 1),
    ]
    assert "param:size" not in result.facets


def test_facets_follow_the_text(catalog):
    result = catalog.search(SearchQuery(text="复印纸", per_page=1))
    assert facet(result, "category") == {str(PAPER): 3}  # 复印纸 and its synonym 打印纸
    assert facet(result, "param:size") == {"A4": 2, "A3": 1}
    assert facet(result, "price") == {"0-500": 3}


# -- writes --------------------------------------------------------------------------------------


def test_delete(fresh):
    """CAT-6: a listing that leaves the shelf is no longer found, nor counted."""
    assert ids(fresh, "M1136") == [11]
    fresh.delete([11, 9999])
    assert ids(fresh, "M1136") == []
    result = fresh.search(SearchQuery(category_id=PRINTER, per_page=ALL))
    assert result.ids == [12, 13, 14, 15]
    assert facet(result, "category") == {str(PRINTER): 4}
    fresh.delete([])
    assert fresh.search(SearchQuery()).total == len(LISTINGS) - 1


def test_reindex_replaces_changed_document(fresh):
    """CAT-6: indexing a listing again replaces it: old words stop matching, nothing is doubled."""
    changed = dataclasses.replace(
        BY_ID[13],
        title_zh="惠普彩色喷墨一体机 Smart Tank 589",
        title_en="HP Smart Tank 589 All-in-One",
        model="Smart Tank 589",
        price=Decimal("1099.00"),
        params={"print_type": "inkjet", "duplex": "yes"},
    )
    fresh.index([changed])
    assert 13 in ids(fresh, "一体机")
    assert 13 not in ids(fresh, "Ink Tank 419")
    assert ids(fresh, "smart tank") == [13]
    assert fresh.search(SearchQuery()).total == len(LISTINGS)
    assert ids(fresh, price_min=Decimal("1099"), price_max=Decimal("1099")) == [13]
    assert 13 in ids(fresh, params={"duplex": ("yes",)})


def test_index_adds_new_listings(fresh):
    new = listing(
        30,
        "华为台式计算机 擎云B730",
        "Huawei Qingyun B730 Desktop",
        "华为",
        "B730",
        DESKTOP,
        "5899.00",
        0,
        (NEI_MONGOL,),
        sme=False,
        green=True,
    )
    fresh.index([new])
    assert 30 in ids(fresh, "台式")
    assert ids(fresh, "擎云") == [30]
    assert fresh.search(SearchQuery()).total == len(LISTINGS) + 1


def test_rebuild_replaces_everything(fresh):
    """CAT-6: rebuild leaves exactly the given listings."""
    kept = [d for d in LISTINGS if d.category_id == FURNITURE]
    new = listing(
        31,
        "得力办公桌 1.4米",
        "Deli Office Desk 1.4m",
        "得力",
        "DK-1400",
        FURNITURE,
        "1380.00",
        0,
        (NEI_MONGOL,),
        sme=True,
    )
    fresh.rebuild([*kept, new])
    result = fresh.search(SearchQuery(per_page=ALL))
    assert result.ids == [20, 21, 22, 31]
    assert ids(fresh, "台式") == []
    assert ids(fresh, "办公桌") == [31]
    fresh.index([BY_ID[1]])  # writes after a rebuild go to the new index
    assert ids(fresh, "台式") == [1]


def test_clear(fresh):
    fresh.clear()
    result = fresh.search(SearchQuery())
    assert result.total == 0 and result.ids == []
    fresh.index([BY_ID[6]])
    assert ids(fresh) == [6]
