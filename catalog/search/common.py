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
  price buckets in bucket order, empty buckets left out; ``range:<code>`` for numeric parameters:
  buckets drawn from the counted values (``range_buckets``), in ascending order;
- a parameter filter value "low..high" (numeric parameters) is an inclusive range; numbers are
  indexed as one 64-bit key each (``number_key``: the code's hash, then the value in thousandths)
  so that a range of one parameter is one range query in either engine.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal, InvalidOperation

from catalog.search import analysis
from catalog.search.base import PRICE_BUCKETS, SORTS, FacetCount, ListingDocument, SearchQuery
from core.money import to_fen

MAX_PER_PAGE = 100
#: Deepest result reachable by paging (Elasticsearch's default ``max_result_window``).
MAX_RESULT_WINDOW = 10_000

CATEGORY_FACET_SIZE = 500
BRAND_FACET_SIZE = 200
PARAM_FACET_SIZE = 2_000
NUMERIC_FACET_SIZE = 200


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
    numbers: tuple[int, ...] = ()  # ``number_key`` of each numeric parameter value
    numeric: tuple[str, ...] = ()  # codes of the numeric parameters


def param_token(code: str, value: str) -> str:
    return f"{code}={value}"


def param_values(value: str | Iterable[str]) -> list[str]:
    values = [value] if isinstance(value, str) else list(value)
    return [v.strip() for v in values if v and v.strip()]


# -- numeric parameters ----------------------------------------------------------------------------

#: Numbers are kept to thousandths (0.001) in the index; a range bound with more places is rounded
#: inwards.
NUMBER_SCALE = 1000
_CODE_BITS, _VALUE_BITS = 23, 40
_VALUE_OFFSET = 1 << (_VALUE_BITS - 1)
#: Largest magnitude a numeric parameter can be indexed with (larger values are clamped).
NUMBER_LIMIT = Decimal(_VALUE_OFFSET - 1) / NUMBER_SCALE
MAX_RANGE_BUCKETS = 6
_NUMBER = r"-?\d+(?:\.\d+)?"
_RANGE = re.compile(rf"^\s*({_NUMBER})?\s*\.\.\s*({_NUMBER})?\s*$")


@functools.lru_cache(maxsize=1_024)
def _code_key(code: str) -> int:
    digest = hashlib.blake2b(code.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") & ((1 << _CODE_BITS) - 1)


def _scaled(value: Decimal, rounding: str) -> int:
    scaled = int((value * NUMBER_SCALE).to_integral_value(rounding=rounding))
    return min(max(scaled, -_VALUE_OFFSET), _VALUE_OFFSET - 1)


def _key(code: str, scaled: int) -> int:
    return (_code_key(code) << _VALUE_BITS) | (scaled + _VALUE_OFFSET)


def number_key(code: str, value: Decimal) -> int:
    """The indexed key of parameter ``code`` having ``value``: keys of one code are contiguous and
    ordered like the values, so a value range is a key range (a non-negative 63-bit integer)."""
    return _key(code, _scaled(value, ROUND_HALF_EVEN))


def number_key_range(code: str, low: Decimal | None, high: Decimal | None) -> tuple[int, int]:
    """The inclusive key range of ``low <= value <= high`` for ``code`` (None: unbounded)."""
    lower = _scaled(low, ROUND_CEILING) if low is not None else -_VALUE_OFFSET
    upper = _scaled(high, ROUND_FLOOR) if high is not None else _VALUE_OFFSET - 1
    return _key(code, lower), _key(code, upper)


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def parse_range(value: str) -> tuple[Decimal | None, Decimal | None] | None:
    """``(low, high)`` of a range filter value "low..high" ("10..", "..30" leave one end open); None
    for a value without "..". ValueError for a malformed range, both ends open, or low > high."""
    if ".." not in value:
        return None
    match = _RANGE.match(value)
    if not match or (match.group(1) is None and match.group(2) is None):
        raise ValueError(f"{value!r} is not a range: use low..high, low.. or ..high with numbers")
    low = Decimal(match.group(1)) if match.group(1) is not None else None
    high = Decimal(match.group(2)) if match.group(2) is not None else None
    if low is not None and high is not None and low > high:
        raise ValueError(f"the range {value!r} starts above its end")
    return low, high


def _plain_number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _nice_step(span: Decimal) -> Decimal:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above ``span`` (> 0)."""
    exponent = span.adjusted()
    for mantissa in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        step = mantissa.scaleb(exponent)
        if step >= span:
            return step
    return Decimal(10).scaleb(exponent)  # pragma: no cover - 10 always suffices


def range_buckets(pairs: Iterable[tuple[str, int]]) -> list[FacetCount]:
    """At most ``MAX_RANGE_BUCKETS`` buckets over counted values ``(value, count)``: cut at the
    quantiles of the counts, rounded to a "nice" step, so each bucket holds a similar share of the
    matches. Each bucket is labelled "low..high" with the lowest and highest value it holds (so
    using it as a filter finds exactly its count); fewer distinct values than buckets give one
    bucket each. Values that are not numbers are left out."""
    counted: dict[Decimal, int] = {}
    for text, count in pairs:
        number = _number(text)
        if number is not None and count > 0:
            key = number.normalize()
            counted[key] = counted.get(key, 0) + count
    values = sorted(counted.items())
    if not values:
        return []
    if len(values) <= MAX_RANGE_BUCKETS:
        groups = [[pair] for pair in values]
    else:
        total = sum(count for _, count in values)
        step = _nice_step((values[-1][0] - values[0][0]) / (2 * MAX_RANGE_BUCKETS))
        cuts: list[Decimal] = []
        running, target = 0, 1
        for value, count in values:
            running += count
            while target < MAX_RANGE_BUCKETS and running * MAX_RANGE_BUCKETS >= total * target:
                cut = (value / step).to_integral_value(rounding=ROUND_HALF_EVEN) * step
                if cut > values[0][0] and (not cuts or cut > cuts[-1]):
                    cuts.append(cut)
                target += 1
        groups = [[] for _ in range(len(cuts) + 1)]
        for value, count in values:
            groups[sum(1 for cut in cuts if value >= cut)].append((value, count))
    return [
        FacetCount(
            f"{_plain_number(group[0][0])}..{_plain_number(group[-1][0])}",
            sum(count for _, count in group),
        )
        for group in groups
        if group
    ]


@functools.lru_cache(maxsize=16_384)  # parameter values repeat across listings
def _indexed_number(code: str, text: str) -> int | None:
    """The ``number_key`` of a numeric parameter's value as entered; None if it is no number."""
    number = _number(text)
    return number_key(code, number) if number is not None else None


def indexed_listing(doc: ListingDocument) -> IndexedListing:
    params: list[str] = []
    shown: list[str] = []
    numbers: list[int] = []
    numeric = set(doc.numeric_params)
    for code, value in doc.params.items():
        for v in param_values(value):
            token = param_token(code, v)
            if token not in params:
                params.append(token)
                shown.append(v)
                key = _indexed_number(code, v) if code in numeric else None
                if key is not None:
                    numbers.append(key)
    path = tuple(doc.category_path) or (doc.category_id,)
    if doc.category_id not in path:
        path = (*path, doc.category_id)
    return IndexedListing(
        id=doc.id,
        # one text: segmenting parts joined by spaces gives the parts' tokens in a single call
        title=analysis.document_text(" ".join((doc.title_zh, doc.title_en, doc.brand, doc.model))),
        body=" ".join(
            filter(
                None,
                [
                    analysis.document_text(doc.extra_text, *shown),
                    *analysis.keyword_tokens(doc.keywords),
                ],
            )
        ),
        category_id=doc.category_id,
        category_path=path,
        price_fen=to_fen(doc.price),
        brand=doc.brand.strip(),
        region_ids=tuple(dict.fromkeys(doc.region_ids)),
        sme=bool(doc.sme),
        green=bool(doc.green),
        sales=max(int(doc.sales), 0),
        params=tuple(params),
        numbers=tuple(dict.fromkeys(numbers)),
        numeric=tuple(sorted(c for c in numeric if c in doc.params)),
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
    param_filters(query)  # a malformed range raises ValueError


def offset(query: SearchQuery) -> int:
    return (query.page - 1) * query.per_page


def price_range_fen(query: SearchQuery) -> tuple[int | None, int | None]:
    low = to_fen(query.price_min) if query.price_min is not None else None
    high = to_fen(query.price_max) if query.price_max is not None else None
    return low, high


@dataclass(frozen=True)
class ParamFilter:
    """What one filtered parameter accepts (any of): "code=value" tokens and inclusive ranges of
    ``number_key`` keys."""

    code: str
    tokens: tuple[str, ...]
    ranges: tuple[tuple[int, int], ...]


def param_filters(query: SearchQuery) -> list[ParamFilter]:
    """One filter per filtered parameter (codes in sorted order); a parameter given no values does
    not filter. ValueError for a malformed range value."""
    groups = []
    for code in sorted(query.params):
        tokens: set[str] = set()
        ranges: set[tuple[int, int]] = set()
        for value in param_values(query.params[code]):
            bounds = parse_range(value)
            if bounds is None:
                tokens.add(param_token(code, value))
            else:
                ranges.add(number_key_range(code, *bounds))
        if tokens or ranges:
            groups.append(ParamFilter(code, tuple(sorted(tokens)), tuple(sorted(ranges))))
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
    numeric: Iterable[str] = (),
) -> dict[str, list[FacetCount]]:
    """Facets in the common shape and order from raw (value, count) pairs; ``prices`` maps bucket
    labels to counts, ``params`` holds "code=value" tokens and ``numeric`` the codes of numeric
    parameters among the matches (their values are also bucketed as "range:<code>")."""

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
    for code in sorted(set(numeric)):
        if buckets := range_buckets(by_code.get(code, [])):
            facets[f"range:{code}"] = buckets
    return facets


#: An alternative of a query word (a synonym, a narrower word, a spelling correction) scores this
#: share of what the word itself would: listings that use the searcher's own word rank first.
ALTERNATIVE_WEIGHT = 0.6

#: Listings with a valid green certificate rank higher among text matches (CAT-7): a constant added
#: to their relevance score. Filters, totals and facets are unchanged by it.
GREEN_BOOST = 1.0
