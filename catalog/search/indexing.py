"""Keeping the index in step with the database: documents from listing rows, re-indexed after commit."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.certificates.queries import green_listing_ids
from catalog.search import synonyms
from catalog.search.base import ListingDocument, SearchBackend
from core.accounts.models import Region
from core.db import after_commit, db

T = TypeVar("T")


def backend() -> SearchBackend | None:
    return current_app.extensions.get("search") if has_app_context() else None


def queue_reindex(session: Session, listing_id: int) -> None:
    """Re-index the listing once the unit of work commits (dropped if it rolls back)."""
    pending: set[int] | None = session.info.get("reindex_ids")
    if pending is None:
        pending = session.info["reindex_ids"] = set()
        search = backend()
        if search is not None:
            after_commit(session, lambda: _apply(search, session.info.pop("reindex_ids", pending)))
    pending.add(listing_id)


_pool = None


def off_hub(fn: Callable[..., T], *args: object) -> T:
    """Run ``fn`` in a one-thread gevent pool when the server runs under gevent, so that an index
    commit does not stall every other connection of the process; else just call it. One thread
    keeps index writes in order and never contends for the backend's lock across threads."""
    global _pool
    try:
        from gevent import monkey
        from gevent.threadpool import ThreadPool
    except ImportError:  # pragma: no cover - gevent is a dependency
        return fn(*args)
    if not monkey.is_module_patched("threading"):
        return fn(*args)
    if _pool is None:
        _pool = ThreadPool(1)
    return _pool.apply(fn, args)


def _apply(search: SearchBackend, ids: set[int]) -> None:
    # Documents are read here (the database driver cooperates with gevent); only the index write
    # goes to a native thread.
    read = db.new_session(write=False)
    try:
        documents, gone = documents_for(read, ids)
    finally:
        read.close()
    if documents:
        off_hub(search.index, documents)
    if gone:
        off_hub(search.delete, gone)


def _region_closure(session: Session) -> dict[int, tuple[int, ...]]:
    """For each region, itself and every region below it."""
    rows = session.execute(select(Region.id, Region.path)).all()
    return {
        rid: tuple(other for other, other_path in rows if other_path.startswith(path))
        for rid, path in rows
    }


def documents_for(session: Session, ids: Iterable[int]) -> tuple[list[ListingDocument], list[int]]:
    """Documents for the on-shelf listings among ``ids``, and the ids to remove from the index."""
    from catalog.listings.models import Listing

    ids = list(ids)
    listings = session.scalars(select(Listing).where(Listing.id.in_(ids))).all()
    on_shelf = [listing for listing in listings if listing.status == "approved"]
    gone = sorted(set(ids) - {listing.id for listing in on_shelf})
    return list(iter_documents(session, on_shelf)), gone


def iter_documents(session: Session, listings: Iterable) -> Iterator[ListingDocument]:  # type: ignore[type-arg]
    from catalog.categories.models import Category, ParameterSchema
    from catalog.enrolment.models import SupplierProfile

    regions = _region_closure(session)
    categories = {c.id: c for c in session.scalars(select(Category))}
    numeric = {
        (category_id, version): tuple(d["code"] for d in params if d.get("type") == "number")
        for category_id, version, params in session.execute(
            select(ParameterSchema.category_id, ParameterSchema.version, ParameterSchema.params)
        )
    }
    sme = {p.organisation_id: p.sme for p in session.scalars(select(SupplierProfile))}
    listings = list(listings)
    green = green_listing_ids(session, [listing.id for listing in listings])
    for listing in listings:
        category = categories[listing.category_id]
        names = [categories[cid].name_zh for cid in category.path_ids if cid in categories]
        names += [categories[cid].name_en for cid in category.path_ids if cid in categories]
        delivered = sorted({r for rid in listing.region_ids for r in regions.get(rid, (rid,))})
        params = {
            code: (
                value
                if isinstance(value, list)
                else ("true" if value is True else "false" if value is False else str(value))
            )
            for code, value in listing.params.items()
        }
        yield ListingDocument(
            id=listing.id,
            title_zh=listing.title_zh,
            title_en=listing.title_en,
            brand=listing.brand,
            model=listing.model,
            category_id=listing.category_id,
            category_path=category.path_ids,
            price=listing.price,
            sales=listing.sales,
            supplier_id=listing.supplier_id,
            region_ids=tuple(delivered),
            sme=sme.get(listing.supplier_id, False),
            green=listing.id in green,
            params=params,
            extra_text=" ".join(names),
            # everyday names of the categories (笔记本电脑 for 便携式计算机) and their broader words
            keywords=tuple(synonyms.index_terms(names)),
            numeric_params=numeric.get((listing.category_id, listing.schema_version), ()),
        )


def reindex_all(session: Session, search: SearchBackend, batch: int = 1000) -> int:
    """Rebuild the whole index from the on-shelf listings (``flask search reindex``)."""
    from catalog.listings.models import Listing

    count = 0

    def documents() -> Iterator[ListingDocument]:
        nonlocal count
        last = 0
        while True:
            rows = session.scalars(
                select(Listing)
                .where(Listing.status == "approved", Listing.id > last)
                .order_by(Listing.id)
                .limit(batch)
            ).all()
            if not rows:
                return
            for document in iter_documents(session, rows):
                count += 1
                yield document
            last = rows[-1].id
            session.expunge_all()

    search.rebuild(documents())
    return count
