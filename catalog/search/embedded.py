"""The embedded search backend (CAT-6): tantivy over rjieba-segmented text, in memory or on disk.

Text fields hold the space-separated tokens of ``analysis`` (tantivy's whitespace tokenizer only splits
them again); filters, facets and sorts run on fast fields: category path, price in fen, brand, region
ids, the SME and green flags and "code=value" parameter tokens.

tantivy allows one writer per index, so a backend keeps a single writer behind a lock; every write
commits and reloads the reader before it returns, so the next ``search`` sees it. Searches do not
take the lock: they use the latest committed snapshot. ``rebuild`` fills a fresh index next to the
live one and then swaps them, so searches never meet an empty or half-built index.

On disk (``path`` is a directory, e.g. under the instance folder) each index generation lives in its
own sub-directory and the file ``CURRENT`` names the live one; one process at a time writes to it.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import shutil
import threading
from collections.abc import Iterable
from pathlib import Path

import tantivy

from catalog.search import analysis, common
from catalog.search.base import ListingDocument, SearchQuery, SearchResult

log = logging.getLogger(__name__)

#: Bump when the schema changes: an index of another version is not reused (rebuild it).
SCHEMA_VERSION = 2

#: Sort keys pack a value and the listing id into one unsigned 64-bit fast field, so a single
#: ordered collection gives "value, then id ascending".
ID_BITS = 31
ID_MAX = (1 << ID_BITS) - 1
VALUE_MAX = (1 << (64 - ID_BITS)) - 1  # 85,899,345.91 CNY in fen; larger values sort as equal

TITLE_BOOST = 2.0

_GENERATION = re.compile(r"^v(\d+)-(\d+)$")
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
_SORT_FIELDS = {
    "price_asc": ("key_price_asc", tantivy.Order.Asc),
    "price_desc": ("key_price_desc", tantivy.Order.Desc),
    "sales": ("key_sales", tantivy.Order.Desc),
}


def _document(doc: ListingDocument) -> tantivy.Document:
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


def _aggregations() -> dict:
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


_AGGREGATIONS = _aggregations()


class EmbeddedBackend:
    """CAT-6 search in this process: ``path=None`` keeps the index in memory; a directory path keeps
    it on disk there (created if missing) and reopens it on the next start."""

    name = "embedded"

    def __init__(self, path: str | None = None, *, writer_heap_bytes: int = 64_000_000):
        self._path = Path(path) if path is not None else None
        self._heap = writer_heap_bytes
        self._lock = threading.RLock()
        self._writer: tantivy.IndexWriter | None = None
        self._generation: str | None = None
        self._index = self._open()

    # -- index lifecycle -------------------------------------------------------------------------

    def _open(self) -> tantivy.Index:
        if self._path is None:
            return self._new_index(None)
        self._path.mkdir(parents=True, exist_ok=True)
        current = self._read_current()
        usable = _GENERATION.match(current or "")
        if (
            usable
            and int(usable.group(1)) == SCHEMA_VERSION
            and tantivy.Index.exists(str(self._path / current))
        ):
            index = tantivy.Index(SCHEMA, path=str(self._path / current), reuse=True)
            index.config_reader("manual")
            self._generation = current
        else:
            if current is not None:
                log.warning("search index %r is missing or outdated: starting empty", current)
            self._generation = self._next_generation()
            index = self._new_index(self._path / self._generation)
            self._write_current(self._generation)
        self._remove_stale_generations()
        return index

    @staticmethod
    def _new_index(directory: Path | None) -> tantivy.Index:
        if directory is not None:
            directory.mkdir(parents=True)
        index = tantivy.Index(SCHEMA, path=str(directory) if directory else None, reuse=False)
        index.config_reader("manual")
        return index

    def _read_current(self) -> str | None:
        assert self._path is not None
        try:
            return (self._path / "CURRENT").read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None

    def _write_current(self, generation: str) -> None:
        assert self._path is not None
        tmp = self._path / "CURRENT.tmp"
        tmp.write_text(generation + "\n", encoding="utf-8")
        os.replace(tmp, self._path / "CURRENT")

    def _next_generation(self) -> str:
        assert self._path is not None
        numbers = [
            int(m.group(2))
            for child in self._path.iterdir()
            if (m := _GENERATION.match(child.name))
        ]
        return f"v{SCHEMA_VERSION}-{max(numbers, default=0) + 1:06d}"

    def _remove_stale_generations(self) -> None:
        assert self._path is not None
        for child in self._path.iterdir():
            if child.is_dir() and _GENERATION.match(child.name) and child.name != self._generation:
                shutil.rmtree(child, ignore_errors=True)

    def _live_writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            self._writer = self._index.writer(heap_size=self._heap, num_threads=1)
        return self._writer

    def _commit(self) -> None:
        assert self._writer is not None
        self._writer.commit()
        self._index.reload()

    def close(self) -> None:
        """Release the writer (and with it the on-disk writer lock)."""
        with self._lock:
            if self._writer is not None:
                self._writer.wait_merging_threads()
                self._writer = None

    # -- writes ----------------------------------------------------------------------------------

    def index(self, documents: Iterable[ListingDocument]) -> None:
        prepared = [(doc.id, _document(doc)) for doc in documents]
        if not prepared:
            return
        with self._lock:
            writer = self._live_writer()
            try:
                for listing_id, document in prepared:
                    writer.delete_documents_by_term("id", listing_id)
                    writer.add_document(document)
                self._commit()
            except BaseException:
                writer.rollback()
                raise

    def delete(self, ids: Iterable[int]) -> None:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return
        with self._lock:
            writer = self._live_writer()
            for listing_id in wanted:
                writer.delete_documents_by_term("id", listing_id)
            self._commit()

    def clear(self) -> None:
        with self._lock:
            self._live_writer().delete_all_documents()
            self._commit()

    def rebuild(self, documents: Iterable[ListingDocument]) -> None:
        """Fill a new index with ``documents``, then swap it in; searches meanwhile use the old one.
        Writes wait for the rebuild (they then go to the new index)."""
        with self._lock:
            generation = self._next_generation() if self._path is not None else None
            directory = self._path / generation if self._path and generation else None
            index = self._new_index(directory)
            writer = index.writer(heap_size=max(self._heap, 128_000_000), num_threads=0)
            try:
                for doc in documents:
                    writer.add_document(_document(doc))
                writer.commit()
                writer.wait_merging_threads()
                index.reload()
            except BaseException:
                del writer
                if directory is not None:
                    shutil.rmtree(directory, ignore_errors=True)
                raise
            old_writer, old_generation = self._writer, self._generation
            self._index, self._writer, self._generation = index, None, generation
            if self._path is not None and generation is not None:
                self._write_current(generation)
            if old_writer is not None:
                old_writer.wait_merging_threads()
            if self._path is not None and old_generation is not None:
                shutil.rmtree(self._path / old_generation, ignore_errors=True)

    # -- search ----------------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        common.check_query(query)
        searcher = self._index.searcher()
        tq, scored = build_query(query)
        start, size = common.offset(query), query.per_page
        if query.sort == "relevance" and scored:
            total, ids = self._by_score(searcher, tq, start, size)
            raw = searcher.aggregate(tq, _AGGREGATIONS)
        elif start == 0:
            # The first page by a fast field: the page and the total come from the same pass over
            # the matches as the facets. (tantivy's top_hits fails for an offset past the matches,
            # so later pages take two passes.)
            field, order = _SORT_FIELDS.get(query.sort, ("id", tantivy.Order.Asc))
            direction = "asc" if order == tantivy.Order.Asc else "desc"
            page = {
                "top_hits": {"size": size, "sort": [{field: direction}], "docvalue_fields": ["id"]}
            }
            raw = searcher.aggregate(
                tq, {**_AGGREGATIONS, "page": page, "total": {"value_count": {"field": "id"}}}
            )
            total = int(raw["total"]["value"] or 0)
            ids = [int(hit["docvalue_fields"]["id"][0]) for hit in raw["page"]["hits"]]
        else:
            field, order = _SORT_FIELDS.get(query.sort, ("id", tantivy.Order.Asc))
            found = searcher.search(
                tq, limit=size, offset=start, count=True, order_by_field=field, order=order
            )
            total = found.count or 0
            ids = self._ids(searcher, [address for _, address in found.hits])
            raw = searcher.aggregate(tq, _AGGREGATIONS)
        return SearchResult(ids=ids, total=total, facets=self._facets(raw))

    @staticmethod
    def _ids(searcher: tantivy.Searcher, addresses: list) -> list[int]:
        if not addresses:
            return []
        return [int(v) for v in searcher.fast_field_values("id", addresses)]

    def _by_score(
        self, searcher: tantivy.Searcher, tq: tantivy.Query, start: int, size: int
    ) -> tuple[int, list[int]]:
        """Top hits by score, ties by id ascending. tantivy orders equal scores by its own document
        addresses, so when the page ends inside a run of equal scores, every match of that score is
        fetched (one more search, as deep as the match count) and the run is ordered by id. Only the
        ids of the hits down to the end of that run are read."""
        wanted = start + size
        found = searcher.search(tq, limit=wanted + 1, count=True)
        hits, total = found.hits, found.count or 0
        if len(hits) > wanted and hits[wanted][0] >= hits[wanted - 1][0] and total > len(hits):
            hits = searcher.search(tq, limit=total, count=False).hits
        if len(hits) > wanted:
            last = hits[wanted - 1][0]
            end = wanted
            while end < len(hits) and hits[end][0] >= last:
                end += 1
            hits = hits[:end]
        ids = self._ids(searcher, [address for _, address in hits])
        ranked = sorted(zip(ids, (score for score, _ in hits), strict=True), key=_score_order)
        return total, [listing_id for listing_id, _ in ranked[start:wanted]]

    @staticmethod
    def _facets(raw: dict) -> dict:
        def pairs(name: str) -> list[tuple[str, int]]:
            buckets = raw.get(name, {}).get("buckets", [])
            return [(str(b["key"]), int(b["doc_count"])) for b in buckets]

        return common.build_facets(
            categories=pairs("category"),
            brands=pairs("brand"),
            prices=dict(pairs("price")),
            params=pairs("params"),
            numeric=[code for code, _ in pairs("numeric")],
        )


def _score_order(item: tuple[int, float]) -> tuple[float, int]:
    listing_id, score = item
    return (-score, listing_id)
