"""Catalog search (CAT-6): one interface, two backends — embedded (tantivy + rjieba, the default) and
Elasticsearch (``ELASTICSEARCH_URL``). Listing rows stay in the database; the index is rebuilt from them."""

from __future__ import annotations

from catalog.search.base import SearchBackend


def make_backend(
    elasticsearch_url: str | None, index_path: str | None, index_prefix: str = "mall"
) -> SearchBackend:
    """Elasticsearch when a URL is configured, else the embedded engine — on disk at ``index_path``
    (a directory, e.g. under the instance folder), or in memory when that is None."""
    if elasticsearch_url:
        from catalog.search.elastic import ElasticsearchBackend

        return ElasticsearchBackend(elasticsearch_url, index_prefix=index_prefix)
    from catalog.search.embedded import EmbeddedBackend

    return EmbeddedBackend(index_path)
