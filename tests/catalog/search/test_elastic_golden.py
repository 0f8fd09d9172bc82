"""CAT-6 Elasticsearch backend without a server: the index definition and query bodies are pinned by
golden JSON files (``golden/``; regenerate with ``UPDATE_GOLDEN=1`` and review the diff), and the HTTP
exchanges are replayed with ``responses`` in the shape Elasticsearch 9 answers."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import requests
import responses

from catalog.search import make_backend
from catalog.search.base import FacetCount, SearchBackendError, SearchQuery
from catalog.search.elastic import (
    ElasticsearchBackend,
    build_query_body,
    document_source,
    index_definition,
    parse_search_response,
)
from catalog.search.embedded import EmbeddedBackend
from tests.catalog.search.listings import BY_ID, HOHHOT, IT, PAPER

GOLDEN = Path(__file__).parent / "golden"
ES = "http://es.test:9200"
ALIAS = "mall-listings"
NEW = "mall-listings-20250301083000123456"
OLD = "mall-listings-20250201000000000000"
ES_HEADERS = {"X-Elastic-Product": "Elasticsearch"}
ES_JSON = "application/vnd.elasticsearch+json;compatible-with=9"


def golden(name: str, actual: dict) -> None:
    path = GOLDEN / f"{name}.json"
    text = json.dumps(actual, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
        pytest.skip(f"wrote {path.name}")
    assert json.loads(path.read_text(encoding="utf-8")) == actual


# -- golden bodies -------------------------------------------------------------------------------


def test_index_definition_is_pinned():
    """CAT-6: the analyser and mapping Elasticsearch gets, defined in code."""
    golden("index_definition", index_definition())


@pytest.mark.parametrize(("name", "listing_id"), [("document_desktop", 1), ("document_chair", 20)])
def test_document_source_is_pinned(name, listing_id):
    """CAT-6: what is indexed for a listing: segmented text, fen, category path, param tokens."""
    golden(name, document_source(BY_ID[listing_id]))


QUERIES = {
    "query_match_all": SearchQuery(),
    "query_chinese_category_price": SearchQuery(
        text="联想 台式计算机",
        category_id=IT,
        price_min=Decimal("3000"),
        price_max=Decimal("6000.50"),
        sort="price_asc",
        page=2,
        per_page=10,
    ),
    "query_english_every_filter": SearchQuery(
        text="ThinkPad Laptop",
        brands=("联想", "华为"),
        params={"memory_gb": ("32", "16"), "cpu": ("i7",)},
        sme_only=True,
        green_only=True,
        region_id=HOHHOT,
        sort="sales",
    ),
    "query_compound_word": SearchQuery(text="激光打印机"),
    "query_everyday_words": SearchQuery(text="手提电脑 car repair ｌａｐｔｐ"),
    "query_numeric_ranges": SearchQuery(
        category_id=IT, params={"memory_gb": ("16..32", "..8", "64"), "screen_in": ("14..",)}
    ),
    "query_filters_price_desc": SearchQuery(
        category_id=PAPER, price_max=Decimal("200"), sort="price_desc", per_page=50
    ),
}


@pytest.mark.parametrize("name", QUERIES)
def test_query_body_is_pinned(name):
    """CAT-6: the _search bodies for representative queries."""
    golden(name, build_query_body(QUERIES[name]))


def test_query_body_is_pure():
    query = QUERIES["query_english_every_filter"]
    assert build_query_body(query) == build_query_body(query)
    assert build_query_body(query) is not build_query_body(query)


def test_make_backend_picks_by_configuration():
    assert isinstance(make_backend(None, None), EmbeddedBackend)
    backend = make_backend(ES, None)
    assert isinstance(backend, ElasticsearchBackend)
    assert backend.alias == ALIAS


# -- transport -----------------------------------------------------------------------------------


def es(method: str, path: str, body: dict | None = None, status: int = 200) -> None:
    if method == "HEAD":  # a HEAD answer has no body
        responses.add(method, ES + path, status=status, headers=ES_HEADERS)
        return
    responses.add(
        method, ES + path, json=body or {}, status=status, headers=ES_HEADERS, content_type=ES_JSON
    )


def backend(**options) -> ElasticsearchBackend:
    options.setdefault("now", lambda: datetime(2025, 3, 1, 8, 30, 0, 123456, tzinfo=UTC))
    return ElasticsearchBackend(ES, **options)


def sent() -> list[tuple[str, str]]:
    return [(call.request.method, call.request.url.removeprefix(ES)) for call in responses.calls]


def body_of(index: int) -> dict:
    return json.loads(responses.calls[index].request.body)


def ndjson_of(index: int) -> list[dict]:
    raw = responses.calls[index].request.body
    text = raw.decode() if isinstance(raw, bytes) else raw
    return [json.loads(line) for line in text.splitlines() if line]


SEARCH_ANSWER = {
    "took": 7,
    "timed_out": False,
    "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
    "hits": {
        "total": {"value": 6, "relation": "eq"},
        "max_score": None,
        "hits": [
            {"_index": NEW, "_id": "16", "_score": None, "sort": [18900, 16]},
            {"_index": NEW, "_id": "13", "_score": None, "sort": [79900, 13]},
            {"_index": NEW, "_id": "12", "_score": None, "sort": [89900, 12]},
        ],
    },
    "aggregations": {
        "brand": {
            "doc_count_error_upper_bound": 0,
            "sum_other_doc_count": 0,
            "buckets": [
                {"key": "惠普", "doc_count": 2},
                {"key": "得力", "doc_count": 2},
                {"key": "华为", "doc_count": 1},
                {"key": "联想", "doc_count": 1},
            ],
        },
        "category": {
            "doc_count_error_upper_bound": 0,
            "sum_other_doc_count": 0,
            "buckets": [{"key": 5, "doc_count": 5}, {"key": 7, "doc_count": 1}],
        },
        "params": {
            "doc_count_error_upper_bound": 0,
            "sum_other_doc_count": 0,
            "buckets": [
                {"key": "print_type=laser", "doc_count": 4},
                {"key": "duplex=no", "doc_count": 3},
                {"key": "duplex=yes", "doc_count": 2},
                {"key": "print_type=inkjet", "doc_count": 1},
                {"key": "size=A4", "doc_count": 1},
                {"key": "weight_gsm=70", "doc_count": 1},
            ],
        },
        "price": {
            "buckets": [
                {"key": "0-500", "from": 0.0, "to": 50000.0, "doc_count": 1},
                {"key": "500-2000", "from": 50000.0, "to": 200000.0, "doc_count": 5},
                {"key": "2000-5000", "from": 200000.0, "to": 500000.0, "doc_count": 0},
                {"key": "5000-20000", "from": 500000.0, "to": 2000000.0, "doc_count": 0},
                {"key": "20000-", "from": 2000000.0, "doc_count": 0},
            ]
        },
    },
}


@responses.activate
def test_search_sends_the_body_and_parses_hits_and_aggregations():
    """CAT-6: one _search on the alias; ids in hit order, the exact total, facets in common order."""
    es("POST", f"/{ALIAS}/_search", SEARCH_ANSWER)
    query = SearchQuery(text="打印机", sort="price_asc", per_page=3)

    result = backend().search(query)

    assert sent() == [("POST", f"/{ALIAS}/_search")]
    assert body_of(0) == build_query_body(query)
    assert result.ids == [16, 13, 12]
    assert result.total == 6
    assert result.facets == {
        "category": [FacetCount("5", 5), FacetCount("7", 1)],
        "brand": [
            FacetCount("得力", 2),
            FacetCount("惠普", 2),
            FacetCount("华为", 1),
            FacetCount("联想", 1),
        ],
        "price": [FacetCount("0-500", 1), FacetCount("500-2000", 5)],
        "param:duplex": [FacetCount("no", 3), FacetCount("yes", 2)],
        "param:print_type": [FacetCount("laser", 4), FacetCount("inkjet", 1)],
        "param:size": [FacetCount("A4", 1)],
        "param:weight_gsm": [FacetCount("70", 1)],
    }


@responses.activate
def test_search_before_any_index_exists_is_empty():
    es(
        "POST",
        f"/{ALIAS}/_search",
        {
            "error": {
                "root_cause": [{"type": "index_not_found_exception", "reason": "no such index"}],
                "type": "index_not_found_exception",
                "reason": f"no such index [{ALIAS}]",
                "index": ALIAS,
            },
            "status": 404,
        },
        status=404,
    )
    result = backend().search(SearchQuery(text="打印机"))
    assert result.ids == [] and result.total == 0
    assert result.facets == {"category": [], "brand": [], "price": []}


@responses.activate
def test_bad_request_surfaces_as_search_backend_error():
    es(
        "POST",
        f"/{ALIAS}/_search",
        {
            "error": {
                "root_cause": [
                    {"type": "query_shard_exception", "reason": "failed to create query"}
                ],
                "type": "search_phase_execution_exception",
                "reason": "all shards failed",
                "phase": "query",
                "grouped": True,
                "failed_shards": [],
            },
            "status": 400,
        },
        status=400,
    )
    with pytest.raises(SearchBackendError) as raised:
        backend().search(SearchQuery(text="打印机"))
    assert raised.value.status == 400
    assert "HTTP 400" in str(raised.value)
    assert "search_phase_execution_exception: all shards failed" in str(raised.value)


@responses.activate
def test_unavailable_cluster_surfaces_after_the_retry():
    es(
        "POST",
        f"/{ALIAS}/_search",
        {
            "error": {
                "root_cause": [],
                "type": "search_phase_execution_exception",
                "reason": "all shards failed",
            },
            "status": 503,
        },
        status=503,
    )
    with pytest.raises(SearchBackendError) as raised:
        backend(max_retries=1).search(SearchQuery())
    assert raised.value.status == 503
    assert len(responses.calls) == 2  # one retry, then the error


@responses.activate
def test_unreachable_server_surfaces_as_search_backend_error():
    responses.add(
        "POST", f"{ES}/{ALIAS}/_search", body=requests.ConnectionError("connection refused")
    )
    with pytest.raises(SearchBackendError, match="search failed"):
        backend(max_retries=0).search(SearchQuery())


def test_invalid_query_is_refused_before_any_request():
    with responses.RequestsMock() as mock, pytest.raises(ValueError):
        backend().search(SearchQuery(sort="cheapest"))
    assert len(mock.calls) == 0


def _bulk_item(kind: str, listing_id: int, status: int, result: str) -> dict:
    return {
        kind: {
            "_index": NEW,
            "_id": str(listing_id),
            "_version": 1,
            "result": result,
            "_shards": {"total": 1, "successful": 1, "failed": 0},
            "_seq_no": listing_id,
            "_primary_term": 1,
            "status": status,
        }
    }


REFRESHED = {"_shards": {"total": 1, "successful": 1, "failed": 0}}


@responses.activate
def test_index_bulk_loads_through_the_alias_in_chunks_then_refreshes():
    """CAT-6: documents go in _bulk requests of ``bulk_size`` to the alias, then one refresh."""
    es("HEAD", f"/_alias/{ALIAS}")
    es(
        "PUT",
        f"/{ALIAS}/_bulk",
        {
            "errors": False,
            "took": 5,
            "items": [
                _bulk_item("index", 1, 200, "updated"),
                _bulk_item("index", 2, 201, "created"),
            ],
        },
    )
    es("POST", f"/{ALIAS}/_refresh", REFRESHED)
    docs = [BY_ID[1], BY_ID[2], BY_ID[20]]

    backend(bulk_size=2).index(docs)

    assert sent() == [
        ("HEAD", f"/_alias/{ALIAS}"),
        ("PUT", f"/{ALIAS}/_bulk"),
        ("PUT", f"/{ALIAS}/_bulk"),
        ("POST", f"/{ALIAS}/_refresh"),
    ]
    assert ndjson_of(1) == [
        {"index": {"_id": "1"}},
        document_source(BY_ID[1]),
        {"index": {"_id": "2"}},
        document_source(BY_ID[2]),
    ]
    assert ndjson_of(2) == [{"index": {"_id": "20"}}, document_source(BY_ID[20])]


@responses.activate
def test_index_without_refresh_does_not_refresh():
    es("HEAD", f"/_alias/{ALIAS}")
    es("PUT", f"/{ALIAS}/_bulk", {"errors": False, "took": 1, "items": []})
    backend(refresh=False).index([BY_ID[1]])
    assert sent() == [("HEAD", f"/_alias/{ALIAS}"), ("PUT", f"/{ALIAS}/_bulk")]


@responses.activate
def test_bulk_item_failure_raises_with_the_reason():
    es("HEAD", f"/_alias/{ALIAS}")
    failed = {
        "index": {
            "_index": NEW,
            "_id": "2",
            "status": 400,
            "error": {
                "type": "document_parsing_exception",
                "reason": "[1:120] failed to parse field [price_fen] of type [long]",
            },
        }
    }
    es(
        "PUT",
        f"/{ALIAS}/_bulk",
        {"errors": True, "took": 2, "items": [_bulk_item("index", 1, 201, "created"), failed]},
    )
    with pytest.raises(SearchBackendError) as raised:
        backend().index([BY_ID[1], BY_ID[2]])
    message = str(raised.value)
    assert "1 document(s)" in message and "id 2" in message
    assert "document_parsing_exception" in message
    assert raised.value.status == 400
    assert ("POST", f"/{ALIAS}/_refresh") not in sent()


@responses.activate
def test_delete_ignores_listings_already_gone():
    es("HEAD", f"/_alias/{ALIAS}")
    es(
        "PUT",
        f"/{ALIAS}/_bulk",
        {
            "errors": False,
            "took": 1,
            "items": [
                _bulk_item("delete", 1, 200, "deleted"),
                _bulk_item("delete", 9999, 404, "not_found"),
            ],
        },
    )
    es("POST", f"/{ALIAS}/_refresh", REFRESHED)
    backend().delete([1, 9999, 1])
    assert ndjson_of(1) == [{"delete": {"_id": "1"}}, {"delete": {"_id": "9999"}}]
    assert sent()[-1] == ("POST", f"/{ALIAS}/_refresh")


def _rebuild_load(name: str = NEW) -> None:
    es("PUT", f"/{name}", {"acknowledged": True, "shards_acknowledged": True, "index": name})
    es("PUT", f"/{name}/_bulk", {"errors": False, "took": 9, "items": []})
    es("PUT", f"/{name}/_settings", {"acknowledged": True})
    es("POST", f"/{name}/_refresh", REFRESHED)


@responses.activate
def test_rebuild_loads_a_new_index_then_swaps_the_alias_atomically():
    """CAT-6 no downtime: new index → bulk → alias moved in one _aliases call → old index deleted."""
    _rebuild_load()
    es("GET", f"/_alias/{ALIAS}", {OLD: {"aliases": {ALIAS: {}}}})
    es("POST", "/_aliases", {"acknowledged": True, "errors": False})
    es("DELETE", f"/{OLD}", {"acknowledged": True})

    backend().rebuild([BY_ID[1], BY_ID[16]])

    assert sent() == [
        ("PUT", f"/{NEW}"),
        ("PUT", f"/{NEW}/_bulk"),
        ("PUT", f"/{NEW}/_settings"),
        ("POST", f"/{NEW}/_refresh"),
        ("GET", f"/_alias/{ALIAS}"),
        ("POST", "/_aliases"),
        ("DELETE", f"/{OLD}"),
    ]
    created = body_of(0)
    assert created["mappings"] == index_definition()["mappings"]
    assert created["settings"]["analysis"] == index_definition()["settings"]["analysis"]
    assert created["settings"]["index"]["refresh_interval"] == "-1"  # restored after the load
    assert body_of(2) == {"index": {"refresh_interval": None}}
    assert [line for line in ndjson_of(1) if "index" in line] == [
        {"index": {"_id": "1"}},
        {"index": {"_id": "16"}},
    ]
    assert body_of(5) == {
        "actions": [
            {"remove": {"index": OLD, "alias": ALIAS}},
            {"add": {"index": NEW, "alias": ALIAS}},
        ]
    }


@responses.activate
def test_first_rebuild_replaces_an_index_squatting_the_alias_name():
    _rebuild_load()
    es("GET", f"/_alias/{ALIAS}", {"error": f"alias [{ALIAS}] missing", "status": 404}, 404)
    es("HEAD", f"/{ALIAS}")
    es("POST", "/_aliases", {"acknowledged": True, "errors": False})

    backend().rebuild([BY_ID[1]])

    assert sent()[-3:] == [
        ("GET", f"/_alias/{ALIAS}"),
        ("HEAD", f"/{ALIAS}"),
        ("POST", "/_aliases"),
    ]
    assert body_of(len(responses.calls) - 1) == {
        "actions": [{"remove_index": {"index": ALIAS}}, {"add": {"index": NEW, "alias": ALIAS}}]
    }


@responses.activate
def test_failed_rebuild_removes_the_new_index_and_leaves_the_alias():
    es("PUT", f"/{NEW}", {"acknowledged": True, "shards_acknowledged": True, "index": NEW})
    es(
        "PUT",
        f"/{NEW}/_bulk",
        {
            "error": {
                "root_cause": [],
                "type": "illegal_argument_exception",
                "reason": "Malformed action/metadata line [1]",
            },
            "status": 400,
        },
        status=400,
    )
    es("DELETE", f"/{NEW}", {"acknowledged": True})

    with pytest.raises(SearchBackendError, match="illegal_argument_exception"):
        backend().rebuild([BY_ID[1]])

    assert sent() == [
        ("PUT", f"/{NEW}"),
        ("PUT", f"/{NEW}/_bulk"),
        ("DELETE", f"/{NEW}?ignore_unavailable=true"),
    ]


@responses.activate
def test_rebuild_takes_another_name_when_the_timestamp_is_taken():
    taken = {
        "error": {
            "root_cause": [],
            "type": "resource_already_exists_exception",
            "reason": f"index [{NEW}/abc] already exists",
            "index": NEW,
        },
        "status": 400,
    }
    es("PUT", f"/{NEW}", taken, status=400)
    _rebuild_load(f"{NEW}-1")
    es("GET", f"/_alias/{ALIAS}", {NEW: {"aliases": {ALIAS: {}}}})
    es("POST", "/_aliases", {"acknowledged": True, "errors": False})
    es("DELETE", f"/{NEW}", {"acknowledged": True})

    backend().rebuild([])

    assert sent()[:2] == [("PUT", f"/{NEW}"), ("PUT", f"/{NEW}-1")]
    assert ("PUT", f"/{NEW}-1/_bulk") not in sent()  # nothing to load
    assert body_of(len(responses.calls) - 2)["actions"][-1] == {
        "add": {"index": f"{NEW}-1", "alias": ALIAS}
    }


@responses.activate
def test_first_write_creates_the_index_behind_the_alias():
    """Writing before any rebuild must not let Elasticsearch invent a mapping for the alias name."""
    es("HEAD", f"/_alias/{ALIAS}", status=404)
    _rebuild_load()
    es("GET", f"/_alias/{ALIAS}", {"error": f"alias [{ALIAS}] missing", "status": 404}, 404)
    es("HEAD", f"/{ALIAS}", status=404)
    es("POST", "/_aliases", {"acknowledged": True, "errors": False})
    es("PUT", f"/{ALIAS}/_bulk", {"errors": False, "took": 1, "items": []})
    es("POST", f"/{ALIAS}/_refresh", REFRESHED)

    es_backend = backend()
    es_backend.index([BY_ID[1]])
    es_backend.index([BY_ID[2]])

    assert sent() == [
        ("HEAD", f"/_alias/{ALIAS}"),
        ("PUT", f"/{NEW}"),
        ("PUT", f"/{NEW}/_settings"),
        ("POST", f"/{NEW}/_refresh"),
        ("GET", f"/_alias/{ALIAS}"),
        ("HEAD", f"/{ALIAS}"),
        ("POST", "/_aliases"),
        ("PUT", f"/{ALIAS}/_bulk"),
        ("POST", f"/{ALIAS}/_refresh"),
        ("PUT", f"/{ALIAS}/_bulk"),  # the alias is checked once
        ("POST", f"/{ALIAS}/_refresh"),
    ]
    assert body_of(6) == {"actions": [{"add": {"index": NEW, "alias": ALIAS}}]}


@responses.activate
def test_clear_deletes_by_query_and_refreshes():
    es("HEAD", f"/_alias/{ALIAS}")
    es(
        "POST",
        f"/{ALIAS}/_delete_by_query",
        {"took": 12, "timed_out": False, "total": 24, "deleted": 24, "failures": []},
    )
    backend().clear()
    call = responses.calls[1].request
    assert call.method == "POST" and call.path_url.startswith(f"/{ALIAS}/_delete_by_query?")
    assert "refresh=true" in call.path_url and "conflicts=proceed" in call.path_url
    assert json.loads(call.body) == {"query": {"match_all": {}}}


def test_numeric_parameters_come_back_as_range_buckets():
    """CAT-6: with the numeric parameter codes aggregated, Elasticsearch's answer gives the same
    range buckets as the embedded engine (both bucket in ``common.range_buckets``)."""
    answer = json.loads(json.dumps(SEARCH_ANSWER))
    answer["aggregations"]["params"]["buckets"] += [
        {"key": f"ppm={speed}", "doc_count": 1} for speed in range(10, 100, 3)
    ]
    answer["aggregations"]["numeric"] = {
        "doc_count_error_upper_bound": 0,
        "sum_other_doc_count": 0,
        "buckets": [{"key": "ppm", "doc_count": 30}, {"key": "weight_gsm", "doc_count": 1}],
    }
    facets = parse_search_response(answer).facets
    assert facets["range:weight_gsm"] == [FacetCount("70..70", 1)]
    buckets = facets["range:ppm"]
    assert 3 <= len(buckets) <= 6 and sum(b.count for b in buckets) == 30
    assert buckets[0].value.startswith("10..") and buckets[-1].value.endswith("..97")
    assert "range:print_type" not in facets
