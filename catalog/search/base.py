"""The search interface every backend implements, and the values that cross it.

Listing documents are built by the catalog from database rows (``ListingDocument``); a query is a
``SearchQuery``; the answer is a ``SearchResult`` of listing ids in order, the total, and facets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

SORTS = ("relevance", "price_asc", "price_desc", "sales")

#: Price facet buckets in CNY: [lower, upper) — the last is open-ended.
PRICE_BUCKETS: tuple[tuple[Decimal, Decimal | None], ...] = (
    (Decimal("0"), Decimal("500")),
    (Decimal("500"), Decimal("2000")),
    (Decimal("2000"), Decimal("5000")),
    (Decimal("5000"), Decimal("20000")),
    (Decimal("20000"), None),
)


@dataclass(frozen=True)
class ListingDocument:
    """What the index knows of one on-shelf listing."""

    id: int
    title_zh: str
    title_en: str
    brand: str
    model: str
    category_id: int
    #: ids from the root category down to ``category_id`` — a subtree filter matches any of them.
    category_path: tuple[int, ...]
    price: Decimal  # CNY, two places
    sales: int
    supplier_id: int
    #: region ids the listing delivers to, each with every region below it (so a filter by a county
    #: also matches listings that deliver to its whole league or region).
    region_ids: tuple[int, ...]
    sme: bool  # the supplier declared small / medium / micro size
    green: bool  # holds a valid energy-saving or eco-label certificate
    #: standard parameter values by parameter code; multi-valued parameters are lists of strings.
    params: dict[str, str | list[str]] = field(default_factory=dict)
    #: extra text to search (category names, parameter display values, keywords).
    extra_text: str = ""
    #: words indexed whole (not split into sub-words): the synonyms of the category names, so that
    #: 电脑桌 (a synonym of 办公桌) makes a desk findable as 电脑桌 but not as 电脑.
    keywords: tuple[str, ...] = ()
    #: codes of the ``params`` that are numbers (parameter type "number"): they also filter by
    #: range and facet as range buckets.
    numeric_params: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    category_id: int | None = None  # this category and its subtree
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    brands: tuple[str, ...] = ()
    #: parameter code → accepted values (any of them); a value "low..high" of a numeric parameter
    #: is an inclusive range, either end may be left out ("10..", "..30").
    params: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sme_only: bool = False
    green_only: bool = False
    region_id: int | None = None  # delivers to this region
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


@dataclass
class SearchResult:
    ids: list[int]
    total: int
    #: "category" (category ids as strings, counted over direct categories of matches), "brand",
    #: "price" (bucket labels like "0-500", "20000-"), "param:<code>" for each parameter and, for
    #: each numeric parameter, "range:<code>": at most six buckets "low..high" (inclusive, the
    #: lowest and highest value in the bucket) drawn from the values of the matches.
    facets: dict[str, list[FacetCount]]


class SearchBackend(Protocol):
    name: str

    def index(self, documents: Iterable[ListingDocument]) -> None:
        """Add or replace documents (by id); visible to ``search`` once this returns."""

    def delete(self, ids: Iterable[int]) -> None:
        """Remove documents (e.g. a listing left the shelf)."""

    def rebuild(self, documents: Iterable[ListingDocument]) -> None:
        """Replace the whole index with ``documents`` without a moment of empty results."""

    def search(self, query: SearchQuery) -> SearchResult: ...

    def clear(self) -> None:
        """Remove everything (tests)."""


class SearchBackendError(RuntimeError):
    """The search engine failed or could not be reached (not "no results"). ``status`` is the HTTP
    status of a remote engine's error answer, when there was one."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status
