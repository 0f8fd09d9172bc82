"""The engine's own floor for the search benchmark: tantivy over rjieba tokens and nothing else.

The same documents and queries as the mall's search, answered the plainest way the engine allows:
one whitespace-tokenised text field of rjieba search-mode tokens of everything the mall indexes as
text (titles, brand, model, category names, parameter values and the category's synonyms), each
query word required as a plain OR of its spellings (the word, its parts, its synonyms: the same
words the mall looks for, so both match the same listings), the category subtree and price range as
filters, the first 20 by score (or by the sort's fast field), the total, and brand and category
counts over all matches. No field boosts, tie-breaking, parameter or price facets, hydration or
HTTP: what the mall adds on top is measured against this.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

import tantivy

from catalog.search.analysis import query_words, segmenter
from catalog.search.base import ListingDocument

_Occur = tantivy.Occur


def _schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_text_field("text", tokenizer_name="whitespace", index_option="freq")
    b.add_integer_field("category_path", indexed=True)
    b.add_integer_field("category_id", fast=True)
    b.add_text_field("brand", tokenizer_name="raw", fast=True)
    b.add_integer_field("price_fen", indexed=True, fast=True)
    b.add_integer_field("sales", fast=True)
    return b.build()


SCHEMA = _schema()
AGGREGATIONS = {
    "category": {"terms": {"field": "category_id", "size": 500}},
    "brand": {"terms": {"field": "brand", "size": 200}},
}
_SORT_FIELDS = {
    "price_asc": ("price_fen", tantivy.Order.Asc),
    "price_desc": ("price_fen", tantivy.Order.Desc),
    "sales": ("sales", tantivy.Order.Desc),
}


def build(documents: Iterable[ListingDocument]) -> tantivy.Index:
    jieba = segmenter()
    index = tantivy.Index(SCHEMA)
    writer = index.writer(heap_size=128_000_000, num_threads=0)
    for d in documents:
        values = " ".join(
            " ".join(v) if isinstance(v, (list, tuple)) else str(v) for v in d.params.values()
        )
        text = unicodedata.normalize(
            "NFKC",
            f"{d.title_zh} {d.title_en} {d.brand} {d.model} {d.extra_text} {values} "
            + " ".join(d.keywords),
        )
        tokens = " ".join(t for t in jieba.cut_for_search(text.lower()) if t.strip())
        writer.add_document(
            tantivy.Document(
                text=tokens,
                category_path=list(d.category_path),
                category_id=d.category_id,
                brand=d.brand,
                price_fen=int(d.price * 100),
                sales=d.sales,
            )
        )
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index


def search(index: tantivy.Index, args: dict[str, Any]) -> tuple[int, int]:
    """(total, hits on the page) for the API-style ``args``."""
    Q = tantivy.Query

    def all_of(tokens: tuple[str, ...]) -> tantivy.Query:
        return Q.boolean_query([(_Occur.Must, Q.term_query(SCHEMA, "text", t)) for t in tokens])

    clauses = []
    for word in query_words(args.get("q", "")):
        spellings = [Q.term_query(SCHEMA, "text", word.word)] if " " not in word.word else []
        spellings += [all_of(tokens) for tokens in (word.parts, *word.alternatives) if tokens]
        clauses.append((_Occur.Must, Q.boolean_query([(_Occur.Should, q) for q in spellings])))
    if args.get("category_id") is not None:
        clauses.append((_Occur.Must, Q.term_query(SCHEMA, "category_path", args["category_id"])))
    if args.get("price_min") is not None:
        low, high = int(args["price_min"] * 100), int(args["price_max"] * 100)
        clauses.append(
            (_Occur.Must, Q.range_query(SCHEMA, "price_fen", tantivy.FieldType.Integer, low, high))
        )
    query = Q.boolean_query(clauses) if clauses else Q.all_query()
    searcher = index.searcher()
    sort = args.get("sort", "relevance")
    if sort in _SORT_FIELDS:
        field, order = _SORT_FIELDS[sort]
        found = searcher.search(query, limit=20, count=True, order_by_field=field, order=order)
    else:
        found = searcher.search(query, limit=20, count=True)
    searcher.aggregate(query, AGGREGATIONS)
    return found.count or 0, len(found.hits)
