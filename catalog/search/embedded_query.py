"""The embedded engine's side of CAT-6 search: the tantivy schema, a listing as a tantivy document,
and a ``SearchQuery`` as a tantivy query with its filters and the facets' aggregations. The backend
(``embedded``) owns the index, its writer and its generations on disk.
"""

from __future__ import annotations

import functools

import tantivy

from catalog.search import aggregations, analysis, common
from catalog.search.base import ListingDocument, SearchQuery

#: Bump when the schema changes: an index of another version is not reused (rebuild it).
SCHEMA_VERSION = 2

#: Sort keys pack a value and the listing id into one unsigned 64-bit fast field, so a single
#: ordered collection gives "value, then id ascending".
ID_BITS = 31
ID_MAX = (1 << ID_BITS) - 1
VALUE_MAX = (1 << (64 - ID_BITS)) - 1  # 85,899,345.91 CNY in fen; larger values sort as equal

TITLE_BOOST = 2.0

_Occur = tantivy.Occur


def _schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_integer_field("id", indexed=True, fast=True)
    b.add_text_field("title", tokenizer_name="whitespace", index_option="freq")
    b.add_text_field("body", tokenizer_name="whitespace", index_option="freq")
    b.add_integer_field("category_id", fast=True)
    b.add_integer_field("category_path", indexed=True)
    b.add_integer_field("price_fen", indexed=True, fast=True)
    b.add_text_field("brand", tokenizer_name="raw", fast=True)
    b.add_integer_field("region_ids", indexed=True)
    b.add_boolean_field("sme", indexed=True)
    b.add_boolean_field("green", indexed=True)
    b.add_text_field("params", tokenizer_name="raw", fast=True)
    b.add_integer_field("numbers", indexed=True, fast=True)
    b.add_text_field("numeric", tokenizer_name="raw", fast=True)
    b.add_unsigned_field("key_price_asc", fast=True)
    b.add_unsigned_field("key_price_desc", fast=True)
    b.add_unsigned_field("key_sales", fast=True)
    return b.build()


SCHEMA = _schema()


def _sort_key(value: int, listing_id: int, id_ascending_within_descending: bool) -> int:
    value = min(max(value, 0), VALUE_MAX)
    low = ID_MAX - listing_id if id_ascending_within_descending else listing_id
    return (value << ID_BITS) | low


#: sort name → (fast field, order); relevance is handled apart.
SORT_FIELDS = {
    "price_asc": ("key_price_asc", tantivy.Order.Asc),
    "price_desc": ("key_price_desc", tantivy.Order.Desc),
    "sales": ("key_sales", tantivy.Order.Desc),
}


def document(doc: ListingDocument) -> tantivy.Document:
    if not 0 < doc.id <= ID_MAX:
        raise ValueError(f"listing id {doc.id} out of range 1..{ID_MAX}")
    return _document_of(common.indexed_listing(doc))


def _document_of(f: common.IndexedListing) -> tantivy.Document:
    d = tantivy.Document()
    d.add_integer("id", f.id)
    d.add_text("title", f.title)
    d.add_text("body", f.body)
    d.add_integer("category_id", f.category_id)
    for category in f.category_path:
        d.add_integer("category_path", category)
    d.add_integer("price_fen", f.price_fen)
    if f.brand:
        d.add_text("brand", f.brand)
    for region in f.region_ids:
        d.add_integer("region_ids", region)
    d.add_boolean("sme", f.sme)
    d.add_boolean("green", f.green)
    for token in f.params:
        d.add_text("params", token)
    for key in f.numbers:
        d.add_integer("numbers", key)
    for code in f.numeric:
        d.add_text("numeric", code)
    d.add_unsigned("key_price_asc", _sort_key(f.price_fen, f.id, False))
    d.add_unsigned("key_price_desc", _sort_key(f.price_fen, f.id, True))
    d.add_unsigned("key_sales", _sort_key(f.sales, f.id, True))
    return d


def _term_clause(token: str) -> tantivy.Query:
    title = tantivy.Query.term_query(SCHEMA, "title", token, index_option="freq")
    body = tantivy.Query.term_query(SCHEMA, "body", token, index_option="freq")
    return tantivy.Query.disjunction_max_query(
        [tantivy.Query.boost_query(title, TITLE_BOOST), body]
    )


def _option_clause(tokens: tuple[str, ...]) -> tantivy.Query:
    if len(tokens) == 1:
        return _term_clause(tokens[0])
    return tantivy.Query.boolean_query([(_Occur.Must, _term_clause(t)) for t in tokens])


@functools.lru_cache(maxsize=4_096)  # tantivy queries are immutable: build a word's clause once
def _word_clause(word: analysis.QueryWord) -> tantivy.Query:
    """The word whole or in its parts (both add up), or any of its alternatives: the best of these
    scores, an alternative at ``common.ALTERNATIVE_WEIGHT``."""
    if " " in word.word:  # a phrase: all its words
        own = _option_clause(word.parts)
    elif word.parts:
        own = tantivy.Query.boolean_query(
            [(_Occur.Should, _term_clause(word.word)), (_Occur.Should, _option_clause(word.parts))]
        )
    else:
        own = _term_clause(word.word)
    if not word.alternatives:
        return own
    others = [
        tantivy.Query.boost_query(_option_clause(tokens), common.ALTERNATIVE_WEIGHT)
        for tokens in word.alternatives
    ]
    return tantivy.Query.disjunction_max_query([own, *others])


def _filters(query: SearchQuery) -> list[tantivy.Query]:
    Q = tantivy.Query
    out: list[tantivy.Query] = []
    if query.category_id is not None:
        out.append(Q.term_query(SCHEMA, "category_path", query.category_id))
    low, high = common.price_range_fen(query)
    if low is not None or high is not None:
        out.append(Q.range_query(SCHEMA, "price_fen", tantivy.FieldType.Integer, low, high))
    if brands := common.brand_filter(query):
        out.append(Q.term_set_query(SCHEMA, "brand", brands))
    for accepted in common.param_filters(query):
        options = (
            [Q.term_set_query(SCHEMA, "params", list(accepted.tokens))] if accepted.tokens else []
        )
        options += [
            Q.range_query(SCHEMA, "numbers", tantivy.FieldType.Integer, low, high)
            for low, high in accepted.ranges
        ]
        if len(options) == 1:
            out.append(options[0])
        else:
            out.append(Q.boolean_query([(_Occur.Should, option) for option in options]))
    if query.sme_only:
        out.append(Q.term_query(SCHEMA, "sme", True))
    if query.green_only:
        out.append(Q.term_query(SCHEMA, "green", True))
    if query.region_id is not None:
        out.append(Q.term_query(SCHEMA, "region_ids", query.region_id))
    return out


def build_query(query: SearchQuery) -> tuple[tantivy.Query, bool]:
    """The tantivy query for ``query`` and whether it has words to score by. Filters score nothing."""
    words = analysis.query_words(query.text)
    clauses = [(_Occur.Must, _word_clause(w)) for w in words]
    clauses += [(_Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in _filters(query)]
    if not clauses:
        return tantivy.Query.all_query(), False
    if words:
        green = tantivy.Query.term_query(SCHEMA, "green", True)
        clauses.append((_Occur.Should, tantivy.Query.const_score_query(green, common.GREEN_BOOST)))
    return tantivy.Query.boolean_query(clauses), bool(words)


AGGREGATIONS = aggregations.facet_aggregations()
