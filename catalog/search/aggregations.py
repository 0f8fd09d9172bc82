"""The facets as aggregations, asked and read the same way by both engines."""

from __future__ import annotations

from collections.abc import Mapping

from catalog.search import common
from catalog.search.base import FacetCount


def facet_aggregations() -> dict:
    """The facets as aggregations, in the dialect both engines speak (Elasticsearch's, which
    tantivy's ``aggregate`` also reads): category, brand, parameter and numeric-code terms, and the
    price buckets."""
    return {
        "category": {"terms": {"field": "category_id", "size": common.CATEGORY_FACET_SIZE}},
        "brand": {"terms": {"field": "brand", "size": common.BRAND_FACET_SIZE}},
        "params": {"terms": {"field": "params", "size": common.PARAM_FACET_SIZE}},
        "numeric": {"terms": {"field": "numeric", "size": common.NUMERIC_FACET_SIZE}},
        "price": {
            "range": {
                "field": "price_fen",
                "ranges": [
                    {"key": label, "from": low, **({"to": high} if high is not None else {})}
                    for label, low, high in common.PRICE_BUCKETS_FEN
                ],
            }
        },
    }


def facets_from_aggregations(aggs: Mapping) -> dict[str, list[FacetCount]]:
    """The facets from the answer to ``facet_aggregations`` (either engine)."""

    def pairs(name: str) -> list[tuple[str, int]]:
        return [(str(b["key"]), int(b["doc_count"])) for b in aggs.get(name, {}).get("buckets", [])]

    return common.build_facets(
        categories=pairs("category"),
        brands=pairs("brand"),
        prices=dict(pairs("price")),
        params=pairs("params"),
        numeric=[code for code, _ in pairs("numeric")],
    )
