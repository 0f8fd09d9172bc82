"""The Elasticsearch search backend (CAT-6), used when ``ELASTICSEARCH_URL`` is configured.

Analysis. Listing text is segmented by rjieba in this process (``analysis``: search mode for documents,
precise mode with the procurement dictionary for queries) and sent as space-separated tokens; the index
analyses it with a custom analyser of the stock ``whitespace`` tokenizer and ``lowercase`` filter. That
needs no plugin (IK or smartcn are not on a stock server), keeps the dictionary in one place, and makes
Elasticsearch match exactly what the embedded backend matches. The built-in ``cjk`` bigram analyser was
left out: it needs no segmentation, but it over-matches (印机 is in both 打印机 and 复印机) and would make
the two backends disagree.

The index has one shard: the catalogue is small for Elasticsearch, and one shard gives exact facet
counts and the same term statistics for every document (stable relevance order).

Writes go through the alias ``<prefix>-listings``. ``rebuild`` creates a concrete index
``<prefix>-listings-<timestamp>``, bulk-loads it, moves the alias in one atomic ``_aliases`` call and
then deletes the previous index, so searches are never without an index. Writes that other processes
make while a rebuild runs land in the previous index and go with it: re-index those listings afterwards
(or hold writes during a rebuild). With ``refresh=True`` (the default) every write refreshes the index
before it returns, so the next search sees it.

The request bodies are built by pure functions (``elastic_query``: ``index_definition``,
``build_query_body``) so they can be pinned by tests. Failures raise ``SearchBackendError``. The 9.x
client speaks to Elasticsearch 9 servers (it announces ``compatible-with=9``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from itertools import chain, islice
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError

from catalog.search import common
from catalog.search.base import ListingDocument, SearchBackendError, SearchQuery, SearchResult
from catalog.search.elastic_query import (
    build_query_body,
    document_source,
    index_definition,
    parse_search_response,
)

__all__ = [
    "ElasticsearchBackend",
    "build_query_body",
    "document_source",
    "index_definition",
    "parse_search_response",
]
from core import clock

log = logging.getLogger(__name__)


def _describe(error: ApiError) -> str:
    body = error.body if isinstance(error.body, dict) else {}
    detail = body.get("error")
    if isinstance(detail, dict):
        return f"{detail.get('type', 'error')}: {detail.get('reason', '')}".strip()
    if detail:
        return str(detail)
    return str(error.message)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class ElasticsearchBackend:
    """CAT-6 search on an Elasticsearch server at ``url``; its indices are named after
    ``index_prefix``. ``client`` may be given instead of being built from ``url``."""

    name = "elasticsearch"

    def __init__(
        self,
        url: str,
        index_prefix: str = "mall",
        *,
        refresh: bool = True,
        bulk_size: int = 500,
        request_timeout: float = 10.0,
        max_retries: int = 1,
        now: Callable[[], datetime] = clock.now,
        client: Elasticsearch | None = None,
    ):
        self.alias = f"{index_prefix}-listings"
        self.refresh = refresh
        self.bulk_size = bulk_size
        self._now = now
        self._alias_ready = False
        self.client = client or Elasticsearch(
            url,
            node_class="requests",
            request_timeout=request_timeout,
            max_retries=max_retries,
            retry_on_timeout=True,
        )

    # -- plumbing --------------------------------------------------------------------------------

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except ApiError as error:
            raise SearchBackendError(
                f"Elasticsearch {action} failed (HTTP {error.meta.status}): {_describe(error)}",
                status=error.meta.status,
            ) from error
        except TransportError as error:
            raise SearchBackendError(f"Elasticsearch {action} failed: {error}") from error

    def _bulk(self, operations: Iterable[tuple[dict, dict | None]], index: str) -> int:
        """Send (action, source) pairs in chunks; raise on any failed item. Deleting a missing
        document is not a failure. Returns the number of operations sent."""
        sent = 0
        for chunk in _chunks(operations, self.bulk_size):
            lines: list[dict] = []
            for action, source in chunk:
                lines.append(action)
                if source is not None:
                    lines.append(source)
            with self._errors("bulk"):
                answer = self.client.bulk(index=index, operations=lines)
            sent += len(chunk)
            if answer.get("errors"):
                failures = []
                for item in answer["items"]:
                    ((kind, result),) = item.items()
                    if "error" in result and not (kind == "delete" and result["status"] == 404):
                        failures.append(result)
                if failures:
                    first = failures[0]
                    error = first["error"]
                    reason = f"{error.get('type')}: {error.get('reason')}"
                    raise SearchBackendError(
                        f"Elasticsearch bulk failed for {len(failures)} document(s); "
                        f"first, id {first.get('_id')}: {reason}",
                        status=first.get("status"),
                    )
        return sent

    def _refresh(self, index: str) -> None:
        with self._errors("refresh"):
            self.client.indices.refresh(index=index)

    def _ensure_alias(self) -> None:
        """Writes go through the alias: create an empty index behind it the first time."""
        if self._alias_ready:
            return
        with self._errors("alias check"):
            exists = bool(self.client.indices.exists_alias(name=self.alias))
        if not exists:
            self.rebuild([])
        self._alias_ready = True

    # -- interface -------------------------------------------------------------------------------

    def index(self, documents: Iterable[ListingDocument]) -> None:
        operations = (({"index": {"_id": str(doc.id)}}, document_source(doc)) for doc in documents)
        first = list(islice(operations, 1))
        if not first:
            return
        self._ensure_alias()
        self._bulk(chain(first, operations), self.alias)
        if self.refresh:
            self._refresh(self.alias)

    def delete(self, ids: Iterable[int]) -> None:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return
        self._ensure_alias()
        self._bulk((({"delete": {"_id": str(i)}}, None) for i in wanted), self.alias)
        if self.refresh:
            self._refresh(self.alias)

    def clear(self) -> None:
        self._ensure_alias()
        with self._errors("clear"):
            self.client.delete_by_query(
                index=self.alias,
                query={"match_all": {}},
                conflicts="proceed",
                refresh=self.refresh,
            )

    def rebuild(self, documents: Iterable[ListingDocument]) -> None:
        """New concrete index → bulk load → atomic alias move → delete the old index."""
        name = self._create_index()
        try:
            self._bulk(
                (({"index": {"_id": str(d.id)}}, document_source(d)) for d in documents), name
            )
            with self._errors("settings update"):
                self.client.indices.put_settings(
                    index=name, settings={"index": {"refresh_interval": None}}
                )
            self._refresh(name)
            old = self._indices_behind_alias()
            actions: list[dict[str, Any]] = [
                {"remove": {"index": index, "alias": self.alias}} for index in old
            ]
            if not old:
                with self._errors("index check"):
                    if self.client.indices.exists(index=self.alias):
                        # an index (not an alias) holds the alias's name: replace it atomically
                        actions.append({"remove_index": {"index": self.alias}})
            actions.append({"add": {"index": name, "alias": self.alias}})
            with self._errors("alias swap"):
                self.client.indices.update_aliases(actions=actions)
        except BaseException:
            try:
                self.client.indices.delete(index=name, ignore_unavailable=True)
            except Exception:  # the original error matters more
                log.warning("could not remove the unfinished index %s", name, exc_info=True)
            raise
        self._alias_ready = True
        for index in old:
            try:
                self.client.indices.delete(index=index)
            except (ApiError, TransportError):
                log.warning("could not delete the previous index %s", index, exc_info=True)

    def _indices_behind_alias(self) -> list[str]:
        with self._errors("alias lookup"):
            answer = self.client.options(ignore_status=404).indices.get_alias(name=self.alias)
        if answer.meta.status == 404:
            return []
        return sorted(index for index in answer.body if index != self.alias)

    def _create_index(self) -> str:
        stamp = self._now().strftime("%Y%m%d%H%M%S%f")
        base = f"{self.alias}-{stamp}"
        for attempt in range(10):
            name = base if attempt == 0 else f"{base}-{attempt}"
            try:
                definition = index_definition()
                # no periodic refresh while loading; rebuild() restores the default afterwards
                definition["settings"]["index"]["refresh_interval"] = "-1"
                self.client.indices.create(index=name, **definition)
                return name
            except ApiError as error:
                if "resource_already_exists" in _describe(error):
                    continue
                raise SearchBackendError(
                    f"Elasticsearch index creation failed (HTTP {error.meta.status}): "
                    f"{_describe(error)}",
                    status=error.meta.status,
                ) from error
            except TransportError as error:
                raise SearchBackendError(f"Elasticsearch index creation failed: {error}") from error
        raise SearchBackendError(f"could not find a free index name after {base}")

    def search(self, query: SearchQuery) -> SearchResult:
        common.check_query(query)
        body = build_query_body(query)
        try:
            answer = self.client.search(index=self.alias, body=dict(body))
        except ApiError as error:
            if error.meta.status == 404 and "index_not_found" in _describe(error):
                return SearchResult(ids=[], total=0, facets=common.build_facets([], [], {}, []))
            raise SearchBackendError(
                f"Elasticsearch search failed (HTTP {error.meta.status}): {_describe(error)}",
                status=error.meta.status,
            ) from error
        except TransportError as error:
            raise SearchBackendError(f"Elasticsearch search failed: {error}") from error
        return parse_search_response(answer.body)
