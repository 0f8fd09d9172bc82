"""Listings are re-indexed after commit and found through /api/catalog/search (CAT-6)."""

from tests.catalog.conftest import desktop_body, enrol


def _shelve(supplier, operator, body):
    listing = supplier.post("/api/catalog/listings", json=body)
    assert listing.status_code == 201, listing.get_json()
    listing_id = listing.get_json()["id"]
    supplier.post(f"/api/catalog/listings/{listing_id}/submit")
    assert (
        operator.post(
            f"/api/catalog/listings/{listing_id}/review", json={"approve": True}
        ).status_code
        == 200
    )
    return listing_id


def test_approved_listings_are_found_with_facets(login, cat):
    supplier = enrol(login, "supplier", [cat.it], cat.regions["150105"], size="micro")
    operator = login("operator")
    first = _shelve(supplier, operator, desktop_body(cat))
    second = _shelve(
        supplier,
        operator,
        desktop_body(
            cat,
            title_zh="华为擎云台式计算机 B730",
            title_en="Huawei Qingyun desktop B730",
            brand="华为",
            model="B730",
            price="6200.00",
            params={"cpu": "Kunpeng 920", "memory_gb": 32},
        ),
    )
    draft = supplier.post(
        "/api/catalog/listings", json=desktop_body(cat, model="D1", title_zh="台式计算机草稿")
    ).get_json()["id"]
    purchaser = login("purchaser")
    found = purchaser.get("/api/catalog/search?q=台式").get_json()
    assert {item["id"] for item in found["items"]} == {first, second}
    assert draft not in {item["id"] for item in found["items"]}
    facets = found["facets"]
    assert {f["value"]: f["count"] for f in facets["brand"]} == {"联想": 1, "华为": 1}
    assert [f["label"] for f in facets["category"]] == ["台式计算机"]
    assert {f["value"] for f in facets["param:cpu"]} == {"i5", "Kunpeng 920"}
    by_brand = purchaser.get(
        "/api/catalog/search", query_string={"q": "台式", "brand": "华为"}
    ).get_json()
    assert [item["id"] for item in by_brand["items"]] == [second]
    by_param = purchaser.get("/api/catalog/search", query_string={"param": "cpu:i5"}).get_json()
    assert [item["id"] for item in by_param["items"]] == [first]
    cheap_first = purchaser.get("/api/catalog/search?sort=price_asc").get_json()["items"]
    assert [item["price"] for item in cheap_first] == ["4999.00", "6200.00"]
    assert all(item["sme"] for item in cheap_first)
    english = purchaser.get("/api/catalog/search?q=huawei").get_json()
    assert [item["id"] for item in english["items"]] == [second]


def test_changes_are_reindexed_after_commit(login, cat):
    supplier = enrol(login, "supplier", [cat.it], cat.regions["150105"])
    operator = login("operator")
    listing_id = _shelve(supplier, operator, desktop_body(cat))
    purchaser = login("purchaser")
    supplier.patch(f"/api/catalog/listings/{listing_id}", json={"price": "3999.00"})
    hit = purchaser.get("/api/catalog/search?q=联想").get_json()["items"][0]
    assert hit["price"] == "3999.00"
    cheap = purchaser.get("/api/catalog/search", query_string={"price_max": "4000"}).get_json()
    assert cheap["total"] == 1
    supplier.post(f"/api/catalog/listings/{listing_id}/off-shelf", json={"reason": "停产"})
    assert purchaser.get("/api/catalog/search?q=联想").get_json()["total"] == 0


def test_a_refused_change_does_not_reach_the_index(login, cat):
    supplier = enrol(login, "supplier", [cat.it], cat.regions["150105"])
    operator = login("operator")
    listing_id = _shelve(supplier, operator, desktop_body(cat))
    bad = supplier.patch(
        f"/api/catalog/listings/{listing_id}",
        json={"title_zh": "新标题 台式", "params": {"cpu": "i9"}},
    )
    assert bad.status_code == 422
    hits = login("purchaser").get("/api/catalog/search?q=联想").get_json()["items"]
    assert hits[0]["title_zh"] == "联想启天台式计算机 M437"


def test_bad_search_arguments_are_refused(login, cat):
    purchaser = login("purchaser")
    assert purchaser.get("/api/catalog/search?sort=cheapest").status_code == 422
    assert purchaser.get("/api/catalog/search?price_min=abc").status_code == 422
    assert purchaser.get("/api/catalog/search?price_min=10&price_max=5").status_code == 422
    assert purchaser.get("/api/catalog/search?param=nocolon").status_code == 422
    assert login("purchaser").client.get("/api/catalog/search").status_code == 200


def test_paging_beyond_the_result_window_is_a_clear_422(login, cat):
    response = login("purchaser").get("/api/catalog/search?page=101&per_page=100")
    assert response.status_code == 422
    assert "page" in response.get_json()["details"]


def test_ids_beyond_the_database_range_are_refused(login, cat):
    purchaser = login("purchaser")
    for arg in ("region_id", "category_id"):
        response = purchaser.get(f"/api/catalog/search?{arg}=69428240401314787303054376960")
        assert response.status_code == 422, arg
        assert arg in response.get_json()["details"]


def test_everyday_words_find_listings_by_their_category(login, cat):
    """CAT-6: everyday names and English words of a category (台式电脑, 台式机, 电脑, desktop pc,
    full-width ＤＥＳＫＴＯＰ) find its listings, through the synonyms indexed with the listing and
    applied to the query; a listing of another category is not found."""
    supplier = enrol(login, "supplier", [cat.it], cat.regions["150105"])
    operator = login("operator")
    desktop = _shelve(
        supplier,
        operator,
        desktop_body(cat, title_zh="联想启天 M437", title_en="Lenovo Qitian M437"),
    )
    purchaser = login("purchaser")
    for words in (
        "台式电脑",
        "台式机",
        "电脑",
        "desktop",
        "ＤＥＳＫＴＯＰ",
        "dekstop",
        "联想 电脑",
    ):
        found = purchaser.get("/api/catalog/search", query_string={"q": words}).get_json()
        assert [item["id"] for item in found["items"]] == [desktop], words
    for words in ("打印机", "笔记本电脑", "华为 电脑"):
        found = purchaser.get("/api/catalog/search", query_string={"q": words}).get_json()
        assert found["total"] == 0, words


def test_numeric_parameters_filter_by_range_and_facet_as_ranges(login, cat):
    """CAT-6: a numeric parameter (memory_gb) filters by an inclusive range (param=code:low..high,
    either end open) and is offered as range buckets; an enum parameter is not."""
    supplier = enrol(login, "supplier", [cat.it], cat.regions["150105"])
    operator = login("operator")
    made = {
        memory: _shelve(
            supplier,
            operator,
            desktop_body(cat, model=f"M{memory}", params={"cpu": "i5", "memory_gb": memory}),
        )
        for memory in (8, 16, 32, 64)
    }
    purchaser = login("purchaser")

    def found(*params: str) -> set[int]:
        answer = purchaser.get("/api/catalog/search", query_string={"param": list(params)})
        assert answer.status_code == 200, answer.get_json()
        return {item["id"] for item in answer.get_json()["items"]}

    assert found("memory_gb:16..32") == {made[16], made[32]}
    assert found("memory_gb:20..") == {made[32], made[64]}
    assert found("memory_gb:..8") == {made[8]}
    assert found("memory_gb:..8", "memory_gb:64") == {made[8], made[64]}
    assert found("memory_gb:9..15") == set()
    facets = purchaser.get("/api/catalog/search").get_json()["facets"]
    assert [(f["value"], f["count"]) for f in facets["range:memory_gb"]] == [
        ("8..8", 1),
        ("16..16", 1),
        ("32..32", 1),
        ("64..64", 1),
    ]
    assert "range:cpu" not in facets


def test_malformed_ranges_are_refused_with_a_code(login, cat):
    """CAT-6: a range that is not numbers or runs backwards is refused (422, invalid_range) with a
    message in Chinese and English."""
    purchaser = login("purchaser")
    for bad in ("memory_gb:32..16", "memory_gb:..", "memory_gb:a..b", "memory_gb:1..2..3"):
        response = purchaser.get("/api/catalog/search", query_string={"param": bad})
        assert response.status_code == 422, bad
        body = response.get_json()
        assert body["code"] == "invalid_range", bad
        assert "range" in body["message"] and "范围" in body["message_zh"]
