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

import logging
import os
import re
import shutil
import threading
from collections.abc import Iterable
from pathlib import Path

import tantivy

from catalog.search import aggregations, common
from catalog.search.base import ListingDocument, SearchQuery, SearchResult
from catalog.search.embedded_query import (
    AGGREGATIONS,
    ID_MAX,
    SCHEMA,
    SCHEMA_VERSION,
    SORT_FIELDS,
    build_query,
    document,
)

__all__ = ["ID_MAX", "SCHEMA_VERSION", "EmbeddedBackend", "build_query"]

log = logging.getLogger(__name__)

_GENERATION = re.compile(r"^v(\d+)-(\d+)$")


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
        prepared = [(doc.id, document(doc)) for doc in documents]
        if not prepared:
            return
        with self._lock:
            writer = self._live_writer()
            try:
                for listing_id, prepared_document in prepared:
                    writer.delete_documents_by_term("id", listing_id)
                    writer.add_document(prepared_document)
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
                    writer.add_document(document(doc))
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
            raw = searcher.aggregate(tq, AGGREGATIONS)
        elif start == 0:
            # The first page by a fast field: the page and the total come from the same pass over
            # the matches as the facets. (tantivy's top_hits fails for an offset past the matches,
            # so later pages take two passes.)
            field, order = SORT_FIELDS.get(query.sort, ("id", tantivy.Order.Asc))
            direction = "asc" if order == tantivy.Order.Asc else "desc"
            page = {
                "top_hits": {"size": size, "sort": [{field: direction}], "docvalue_fields": ["id"]}
            }
            raw = searcher.aggregate(
                tq, {**AGGREGATIONS, "page": page, "total": {"value_count": {"field": "id"}}}
            )
            total = int(raw["total"]["value"] or 0)
            ids = [int(hit["docvalue_fields"]["id"][0]) for hit in raw["page"]["hits"]]
        else:
            field, order = SORT_FIELDS.get(query.sort, ("id", tantivy.Order.Asc))
            found = searcher.search(
                tq, limit=size, offset=start, count=True, order_by_field=field, order=order
            )
            total = found.count or 0
            ids = self._ids(searcher, [address for _, address in found.hits])
            raw = searcher.aggregate(tq, AGGREGATIONS)
        return SearchResult(ids=ids, total=total, facets=aggregations.facets_from_aggregations(raw))

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


def _score_order(item: tuple[int, float]) -> tuple[float, int]:
    listing_id, score = item
    return (-score, listing_id)
