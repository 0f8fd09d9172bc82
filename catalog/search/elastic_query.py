"""The Elasticsearch side of CAT-6 search as pure functions, pinned by tests: the index definition
(a ``whitespace`` tokenizer and ``lowercase`` filter over the tokens of ``analysis``), a listing as a
document source, a ``SearchQuery`` as a request body, and the response as a ``SearchResult``. The
backend (``elastic``) sends them.
"""

from __future__ import annotations

from typing import Any

from catalog.search import aggregations, analysis, common
from catalog.search.base import ListingDocument, SearchQuery, SearchResult

ANALYZER = "mall_tokens"
TITLE_BOOST = 2


def index_definition() -> dict[str, Any]:
    """Settings (analysis) and mappings of a listings index."""
    text = {"type": "text", "analyzer": ANALYZER, "index_options": "freqs"}
    return {
        "settings": {
            "index": {
                "number_of_shards": 1,
                "max_result_window": common.MAX_RESULT_WINDOW,
            },
            "analysis": {
                "analyzer": {
                    ANALYZER: {
                        "type": "custom",
                        "tokenizer": "whitespace",
                        "filter": ["lowercase"],
                    }
                }
            },
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "id": {"type": "long"},
                "title": dict(text),
                "body": dict(text),
                "category_id": {"type": "long"},
                "category_path": {"type": "long"},
                "price_fen": {"type": "long"},
                "brand": {"type": "keyword"},
                "region_ids": {"type": "long"},
                "sme": {"type": "boolean"},
                "green": {"type": "boolean"},
                "sales": {"type": "long"},
                "params": {"type": "keyword"},
                "numbers": {"type": "long"},
                "numeric": {"type": "keyword"},
            },
        },
    }


def document_source(doc: ListingDocument) -> dict[str, Any]:
    """The ``_source`` indexed for one listing."""
    f = common.indexed_listing(doc)
    return {
        "id": f.id,
        "title": f.title,
        "body": f.body,
        "category_id": f.category_id,
        "category_path": list(f.category_path),
        "price_fen": f.price_fen,
        "brand": f.brand or None,  # no brand: not counted in the brand facet
        "region_ids": list(f.region_ids),
        "sme": f.sme,
        "green": f.green,
        "sales": f.sales,
        "params": list(f.params),
        "numbers": list(f.numbers),
        "numeric": list(f.numeric),
    }


def _term_clause(token: str) -> dict[str, Any]:
    return {
        "multi_match": {
            "query": token,
            "fields": [f"title^{TITLE_BOOST}", "body"],
            "type": "best_fields",
        }
    }


def _option_clause(tokens: tuple[str, ...], boost: float | None = None) -> dict[str, Any]:
    if len(tokens) == 1:
        clause = _term_clause(tokens[0])
        if boost is not None:
            clause["multi_match"]["boost"] = boost
        return clause
    boolean: dict[str, Any] = {"must": [_term_clause(t) for t in tokens]}
    if boost is not None:
        boolean["boost"] = boost
    return {"bool": boolean}


def _word_clause(word: analysis.QueryWord) -> dict[str, Any]:
    """The word whole or in its parts (both add up), or any of its alternatives: the best of these
    scores, an alternative at ``common.ALTERNATIVE_WEIGHT``."""
    if " " in word.word:  # a phrase: all its words
        own = _option_clause(word.parts)
    elif word.parts:
        split = _option_clause(word.parts)
        own = {"bool": {"should": [_term_clause(word.word), split], "minimum_should_match": 1}}
    else:
        own = _term_clause(word.word)
    if not word.alternatives:
        return own
    others = [_option_clause(t, common.ALTERNATIVE_WEIGHT) for t in word.alternatives]
    return {"dis_max": {"queries": [own, *others]}}


def _filters(query: SearchQuery) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if query.category_id is not None:
        out.append({"term": {"category_path": query.category_id}})
    low, high = common.price_range_fen(query)
    if low is not None or high is not None:
        bounds = {}
        if low is not None:
            bounds["gte"] = low
        if high is not None:
            bounds["lte"] = high
        out.append({"range": {"price_fen": bounds}})
    if brands := common.brand_filter(query):
        out.append({"terms": {"brand": brands}})
    for accepted in common.param_filters(query):
        options: list[dict[str, Any]] = (
            [{"terms": {"params": list(accepted.tokens)}}] if accepted.tokens else []
        )
        options += [
            {"range": {"numbers": {"gte": low, "lte": high}}} for low, high in accepted.ranges
        ]
        if len(options) == 1:
            out.append(options[0])
        else:
            out.append({"bool": {"should": options, "minimum_should_match": 1}})
    if query.sme_only:
        out.append({"term": {"sme": True}})
    if query.green_only:
        out.append({"term": {"green": True}})
    if query.region_id is not None:
        out.append({"term": {"region_ids": query.region_id}})
    return out


_SORTS: dict[str, list[dict[str, str]]] = {
    "relevance": [{"_score": "desc"}, {"id": "asc"}],
    "price_asc": [{"price_fen": "asc"}, {"id": "asc"}],
    "price_desc": [{"price_fen": "desc"}, {"id": "asc"}],
    "sales": [{"sales": "desc"}, {"id": "asc"}],
}


def build_query_body(query: SearchQuery) -> dict[str, Any]:
    """The ``_search`` request body for ``query`` (which must pass ``common.check_query``)."""
    words = [_word_clause(w) for w in analysis.query_words(query.text)]
    filters = _filters(query)
    if words or filters:
        boolean: dict[str, Any] = {}
        if words:
            boolean["must"] = words
            boolean["should"] = [
                {
                    "constant_score": {
                        "filter": {"term": {"green": True}},
                        "boost": common.GREEN_BOOST,
                    }
                }
            ]
        if filters:
            boolean["filter"] = filters
        es_query: dict[str, Any] = {"bool": boolean}
    else:
        es_query = {"match_all": {}}
    return {
        "query": es_query,
        "sort": _SORTS[query.sort],
        "from": common.offset(query),
        "size": query.per_page,
        "track_total_hits": True,
        "_source": False,
        "aggs": aggregations.facet_aggregations(),
    }


def parse_search_response(response: dict[str, Any]) -> SearchResult:
    """A ``SearchResult`` from a ``_search`` answer to a ``build_query_body`` request."""
    hits = response["hits"]
    total = hits["total"]
    return SearchResult(
        ids=[int(hit["_id"]) for hit in hits["hits"]],
        total=int(total["value"] if isinstance(total, dict) else total),
        facets=aggregations.facets_from_aggregations(response.get("aggregations", {})),
    )
