"""CAT-6 embedded backend specifics: on-disk index, generations, concurrent searches and writes, score
ties across segments."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

import pytest

from catalog.search.base import SearchQuery
from catalog.search.embedded import ID_MAX, SCHEMA_VERSION, EmbeddedBackend
from tests.catalog.search.listings import BY_ID, LISTINGS, NEI_MONGOL, PAPER, listing


def synthetic(first: int, count: int, title: str = "得力A4复印纸 70g") -> list:
    return [
        listing(
            i,
            title,
            "Deli Copy Paper",
            "得力",
            f"P{i}",
            PAPER,
            f"{100 + i % 50}.00",
            i % 7,
            (NEI_MONGOL,),
            sme=True,
        )
        for i in range(first, first + count)
    ]


def test_on_disk_index_survives_reopening(tmp_path: Path):
    """CAT-6: an index under a directory is found again by the next process."""
    path = tmp_path / "search"
    backend = EmbeddedBackend(str(path))
    backend.index(LISTINGS)
    backend.delete([11])
    backend.close()

    reopened = EmbeddedBackend(str(path))
    assert reopened.search(SearchQuery()).total == len(LISTINGS) - 1
    assert reopened.search(SearchQuery(text="台式")).total == 5
    assert reopened.search(SearchQuery(text="M1136")).ids == []
    reopened.index([BY_ID[11]])  # the writer lock was released by close()
    assert reopened.search(SearchQuery(text="M1136")).ids == [11]
    reopened.close()


def test_on_disk_rebuild_switches_generation_and_removes_the_old_one(tmp_path: Path):
    path = tmp_path / "search"
    backend = EmbeddedBackend(str(path))
    backend.index(LISTINGS)
    first = (path / "CURRENT").read_text().strip()
    assert first == f"v{SCHEMA_VERSION}-000001" and (path / first).is_dir()

    backend.rebuild([BY_ID[1], BY_ID[2]])
    second = (path / "CURRENT").read_text().strip()
    assert second == f"v{SCHEMA_VERSION}-000002"
    assert not (path / first).exists()
    assert backend.search(SearchQuery()).ids == [1, 2]
    backend.index([BY_ID[3]])
    backend.close()

    assert EmbeddedBackend(str(path)).search(SearchQuery()).ids == [1, 2, 3]


def test_index_of_another_schema_version_is_not_reused(tmp_path: Path):
    path = tmp_path / "search"
    backend = EmbeddedBackend(str(path))
    backend.index(LISTINGS)
    backend.close()
    (path / "CURRENT").write_text(f"v{SCHEMA_VERSION + 1}-000001\n")

    reopened = EmbeddedBackend(str(path))
    assert reopened.search(SearchQuery()).total == 0  # starts empty, waiting for a rebuild
    assert (path / "CURRENT").read_text().strip() == f"v{SCHEMA_VERSION}-000002"
    assert not (path / f"v{SCHEMA_VERSION}-000001").exists()


@pytest.mark.parametrize("on_disk", [False, True], ids=["memory", "disk"])
def test_rebuild_never_shows_an_empty_index(tmp_path: Path, on_disk: bool):
    """CAT-6: searches running during rebuilds always see a complete index, old or new."""
    backend = EmbeddedBackend(str(tmp_path / "search") if on_disk else None)
    old, new = synthetic(1, 700), synthetic(5001, 500)
    backend.rebuild(old)
    seen: set[int] = set()
    errors: list[BaseException] = []
    stop = threading.Event()

    def search_loop():
        try:
            while not stop.is_set():
                seen.add(backend.search(SearchQuery(text="复印纸", per_page=5)).total)
        except BaseException as error:  # reported below
            errors.append(error)

    searcher = threading.Thread(target=search_loop)
    searcher.start()
    try:
        for _ in range(2):
            backend.rebuild(new)
            backend.rebuild(old)
    finally:
        stop.set()
        searcher.join(timeout=30)
    assert not errors
    assert seen <= {700, 500}
    assert 700 in seen
    backend.close()


def test_concurrent_writes_are_serialised_and_all_visible():
    """Writers from several threads share the one tantivy writer; a search running meanwhile sees
    each commit whole (totals only grow, in steps of whole batches)."""
    backend = EmbeddedBackend(None)
    errors: list[BaseException] = []
    totals: list[int] = []
    done = threading.Event()

    def writer(start: int):
        try:
            for chunk in range(start, start + 200, 20):
                backend.index(synthetic(chunk, 20))
        except BaseException as error:  # reported below
            errors.append(error)

    def reader():
        try:
            while not done.is_set():
                totals.append(backend.search(SearchQuery(text="复印纸", per_page=1)).total)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(1 + n * 1000,)) for n in range(4)]
    watcher = threading.Thread(target=reader)
    watcher.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    done.set()
    watcher.join(timeout=30)
    assert not errors
    assert backend.search(SearchQuery()).total == 800
    assert totals == sorted(totals)
    assert all(total % 20 == 0 for total in totals)


def test_equal_scores_across_segments_page_by_id():
    """Ties in relevance are ordered by id even when the tied listings sit in different segments
    (each ``index`` call commits one) and were added out of order."""
    backend = EmbeddedBackend(None)
    docs = synthetic(1, 120)
    for start in (100, 40, 0, 70):  # several commits, ids out of order
        backend.index(docs[start : start + 30] if start != 100 else docs[100:])
    backend.index(docs[30:40])
    query_all = SearchQuery(text="复印纸", per_page=100)
    first = backend.search(query_all)
    assert first.total == 120
    assert first.ids == list(range(1, 101))
    paged = [
        i
        for page in range(1, 9)
        for i in backend.search(SearchQuery(text="复印纸", page=page, per_page=17)).ids
    ]
    assert paged == list(range(1, 121))


def test_out_of_range_ids_are_refused_before_writing():
    backend = EmbeddedBackend(None)
    bad = listing(ID_MAX + 1, "复印纸", "", "得力", "", PAPER, "1.00", 0, (NEI_MONGOL,))
    with pytest.raises(ValueError, match="out of range"):
        backend.index([BY_ID[1], bad])
    assert backend.search(SearchQuery()).total == 0


def test_large_prices_still_sort():
    backend = EmbeddedBackend(None)
    cheap = listing(1, "服务器", "", "华为", "", PAPER, "1.00", 0, (NEI_MONGOL,))
    dear = listing(2, "服务器", "", "华为", "", PAPER, "85000000.00", 0, (NEI_MONGOL,))
    backend.index([dear, cheap])
    assert backend.search(SearchQuery(sort="price_desc")).ids == [2, 1]
    assert backend.search(SearchQuery(price_min=Decimal("84999999.99"))).ids == [2]


def test_green_listings_rank_higher_among_text_matches():
    """CAT-7: with the same text, a listing holding a valid green certificate comes first."""
    from decimal import Decimal

    from catalog.search.base import ListingDocument, SearchQuery
    from catalog.search.embedded import EmbeddedBackend

    def doc(i: int, green: bool) -> ListingDocument:
        return ListingDocument(
            id=i,
            title_zh="联想台式计算机",
            title_en="Lenovo desktop",
            brand="联想",
            model=f"M{i}",
            category_id=3,
            category_path=(1, 3),
            price=Decimal("1000.00"),
            sales=0,
            supplier_id=1,
            region_ids=(1,),
            sme=False,
            green=green,
        )

    backend = EmbeddedBackend(None)
    backend.index([doc(1, False), doc(2, True), doc(3, False)])
    assert backend.search(SearchQuery(text="台式")).ids[0] == 2
    assert backend.search(SearchQuery(text="台式", sort="price_asc")).ids == [1, 2, 3]
