"""What both search backends share (CAT-6): the fields derived from a listing, query checks, price
buckets in fen, and the shape and order of facets, so the two engines answer alike.

Rules both backends follow:

- every query word must match (see ``analysis.query_words``); an empty text matches everything;
- filters combine with AND; the accepted values of one filter (brands, one parameter's values) with OR;
  the price range is inclusive at both ends;
- sorts: ``relevance`` (score, descending), ``price_asc``, ``price_desc``, ``sales`` (descending); ties
  are always broken by listing id ascending, so an unchanged index pages deterministically;
- facets count over all matches of the query (text and filters), not just the returned page: category
  (direct category ids), brand and ``param:<code>`` sorted by count descending then value ascending;
  price buckets in bucket order, empty buckets left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from catalog.search import analysis
from catalog.search.base import PRICE_BUCKETS, SORTS, FacetCount, ListingDocument, SearchQuery
from core.money import to_fen

MAX_PER_PAGE = 100
#: Deepest result reachable by paging (Elasticsearch's default ``max_result_window``).
MAX_RESULT_WINDOW = 10_000

CATEGORY_FACET_SIZE = 500
BRAND_FACET_SIZE = 200
PARAM_FACET_SIZE = 2_000


@dataclass(frozen=True)
class IndexedListing:
    """A listing as both engines index it."""

    id: int
    title: str  # segmented tokens of the Chinese and English titles, brand and model
    body: str  # segmented tokens of the extra text and the parameter values
    category_id: int
    category_path: tuple[int, ...]
    price_fen: int
    brand: str
    region_ids: tuple[int, ...]
    sme: bool
    green: bool
    sales: int
    params: tuple[str, ...]  # "code=value" tokens


def param_token(code: str, value: str) -> str:
    return f"{code}={value}"


def param_values(value: str | Iterable[str]) -> list[str]:
    values = [value] if isinstance(value, str) else list(value)
    return [v.strip() for v in values if v and v.strip()]


def indexed_listing(doc: ListingDocument) -> IndexedListing:
    params: list[str] = []
    shown: list[str] = []
    for code, value in doc.params.items():
        for v in param_values(value):
            token = param_token(code, v)
            if token not in params:
                params.append(token)
                shown.append(v)
    path = tuple(doc.category_path) or (doc.category_id,)
    if doc.category_id not in path:
        path = (*path, doc.category_id)
    return IndexedListing(
        id=doc.id,
        title=analysis.document_text(doc.title_zh, doc.title_en, doc.brand, doc.model),
        body=analysis.document_text(doc.extra_text, *shown),
        category_id=doc.category_id,
        category_path=path,
        price_fen=to_fen(doc.price),
        brand=doc.brand.strip(),
        region_ids=tuple(dict.fromkeys(doc.region_ids)),
        sme=bool(doc.sme),
        green=bool(doc.green),
        sales=max(int(doc.sales), 0),
        params=tuple(params),
    )


def check_query(query: SearchQuery) -> None:
    """Refuse what no backend can answer before asking an engine: ValueError, or TypeError for a
    price bound that is not a Decimal (floats are not money)."""
    if query.sort not in SORTS:
        raise ValueError(f"unknown sort {query.sort!r}; one of {', '.join(SORTS)}")
    if query.page < 1:
        raise ValueError("page starts at 1")
    if not 1 <= query.per_page <= MAX_PER_PAGE:
        raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
    if offset(query) + query.per_page > MAX_RESULT_WINDOW:
        raise ValueError(f"results beyond the first {MAX_RESULT_WINDOW} cannot be paged to")
    for bound in (query.price_min, query.price_max):
        if bound is not None and not isinstance(bound, Decimal | int):
            raise TypeError("price bounds are Decimal amounts")


def offset(query: SearchQuery) -> int:
    return (query.page - 1) * query.per_page


def price_range_fen(query: SearchQuery) -> tuple[int | None, int | None]:
    low = to_fen(query.price_min) if query.price_min is not None else None
    high = to_fen(query.price_max) if query.price_max is not None else None
    return low, high


def param_filters(query: SearchQuery) -> list[list[str]]:
    """One list of accepted "code=value" tokens per filtered parameter (codes in sorted order); a
    parameter given no values does not filter."""
    groups = []
    for code in sorted(query.params):
        tokens = {param_token(code, v) for v in param_values(query.params[code])}
        if tokens:
            groups.append(sorted(tokens))
    return groups


def brand_filter(query: SearchQuery) -> list[str]:
    """The accepted brands, sorted; empty when brands do not filter."""
    return sorted({b.strip() for b in param_values(query.brands)})


def _plain(amount: Decimal) -> str:
    return format(amount.normalize(), "f")


def price_bucket_label(lower: Decimal, upper: Decimal | None) -> str:
    """ "0-500", …, "20000-" for the open-ended last bucket."""
    return f"{_plain(lower)}-{_plain(upper) if upper is not None else ''}"


#: (label, lower fen inclusive, upper fen exclusive or None) for each of ``PRICE_BUCKETS``.
PRICE_BUCKETS_FEN: tuple[tuple[str, int, int | None], ...] = tuple(
    (price_bucket_label(lo, hi), to_fen(lo), to_fen(hi) if hi is not None else None)
    for lo, hi in PRICE_BUCKETS
)


def build_facets(
    categories: Iterable[tuple[str, int]],
    brands: Iterable[tuple[str, int]],
    prices: Mapping[str, int],
    params: Iterable[tuple[str, int]],
) -> dict[str, list[FacetCount]]:
    """Facets in the common shape and order from raw (value, count) pairs; ``prices`` maps bucket
    labels to counts and ``params`` holds "code=value" tokens."""

    def ordered(pairs: Iterable[tuple[str, int]], numeric: bool = False) -> list[FacetCount]:
        kept = [(value, count) for value, count in pairs if count > 0]

        def key(pair: tuple[str, int]) -> tuple:
            value, count = pair
            return (-count, int(value)) if numeric else (-count, value)

        return [FacetCount(value, count) for value, count in sorted(kept, key=key)]

    facets: dict[str, list[FacetCount]] = {
        "category": ordered(categories, numeric=True),
        "brand": ordered(brands),
        "price": [
            FacetCount(label, prices[label])
            for label, _, _ in PRICE_BUCKETS_FEN
            if prices.get(label, 0) > 0
        ],
    }
    by_code: dict[str, list[tuple[str, int]]] = {}
    for token, count in params:
        code, sep, value = token.partition("=")
        if sep:
            by_code.setdefault(code, []).append((value, count))
    for code in sorted(by_code):
        facets[f"param:{code}"] = ordered(by_code[code])
    return facets


#: Listings with a valid green certificate rank higher among text matches (CAT-7): a constant added
#: to their relevance score. Filters, totals and facets are unchanged by it.
GREEN_BOOST = 1.0
