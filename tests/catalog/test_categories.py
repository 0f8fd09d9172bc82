"""Categories (CAT-1), versioned parameter schemas (CAT-2) and standard products."""

from sqlalchemy import func, select

from catalog.categories.models import Category
from supervision.ledger.models import LedgerEntry


def test_everyone_signed_in_reads_the_tree(login, cat):
    tree = login("purchaser").get("/api/catalog/categories").get_json()
    by_code = {c["code"]: c for c in tree}
    assert by_code["A0201"]["parent_id"] == by_code["A02"]["id"]
    assert by_code["A0201"]["path"].startswith(by_code["A"]["path"])
    assert by_code["A0201"]["sme_suitable"] is True
    assert by_code["A0202"]["energy_cert_mandatory"] is True


def test_operator_creates_renames_and_moves(login, cat, session):
    api = login("operator")
    office = api.post(
        "/api/catalog/categories",
        json={"code": "A05", "name_zh": "办公消耗用品", "kind": "goods", "parent_id": cat.goods},
    )
    assert office.status_code == 201, office.get_json()
    office_id = office.get_json()["id"]
    moved = api.patch(f"/api/catalog/categories/{cat.desktop}", json={"parent_id": office_id})
    assert moved.status_code == 200
    assert moved.get_json()["path"] == f"{office.get_json()['path']}{cat.desktop}/"
    renamed = api.patch(f"/api/catalog/categories/{cat.desktop}", json={"name_zh": "台式电脑"})
    assert renamed.get_json()["name_zh"] == "台式电脑"
    actions = session.scalars(
        select(LedgerEntry.action).where(LedgerEntry.subject_id == str(cat.desktop))
    ).all()
    assert actions.count("category.updated") == 2


def test_a_category_cannot_move_under_itself(login, cat):
    api = login("operator")
    response = api.patch(f"/api/catalog/categories/{cat.it}", json={"parent_id": cat.desktop})
    assert response.status_code == 422
    assert "parent_id" in response.get_json()["details"]


def test_kinds_must_match_the_parent(login, cat):
    response = login("operator").post(
        "/api/catalog/categories",
        json={"code": "C01", "name_zh": "印刷服务", "kind": "services", "parent_id": cat.goods},
    )
    assert response.status_code == 422 and "kind" in response.get_json()["details"]


def test_suppliers_and_purchasers_cannot_change_categories(login, cat, session):
    count = session.scalar(select(func.count()).select_from(Category))
    for username in ("supplier", "purchaser"):
        api = login(username)
        created = api.post(
            "/api/catalog/categories", json={"code": "B01", "name_zh": "x", "kind": "works"}
        )
        assert created.status_code == 403, username
        assert (
            api.patch(f"/api/catalog/categories/{cat.desktop}", json={"name_zh": "x"}).status_code
            == 403
        )
        assert api.post(f"/api/catalog/categories/{cat.printer}/retire").status_code == 403
        assert (
            api.put(
                f"/api/catalog/categories/{cat.printer}/schema", json={"params": []}
            ).status_code
            == 403
        )
    assert session.scalar(select(func.count()).select_from(Category)) == count


def test_retiring_needs_an_empty_leaf(login, cat):
    api = login("operator")
    refused = api.post(f"/api/catalog/categories/{cat.it}/retire")
    assert refused.status_code == 409 and refused.get_json()["code"] == "has_children"
    retired = api.post(f"/api/catalog/categories/{cat.printer}/retire")
    assert retired.status_code == 200 and retired.get_json()["retired_at"]
    codes = [c["code"] for c in api.get("/api/catalog/categories").get_json()]
    assert "A0202" not in codes
    everything = api.get("/api/catalog/categories?include_retired=true").get_json()
    assert "A0202" in [c["code"] for c in everything]


def test_schema_changes_make_new_versions(login, cat):
    api = login("operator")
    first = api.get(f"/api/catalog/categories/{cat.printer}/schema").get_json()
    assert first["version"] == 1
    params = first["params"] + [
        {
            "code": "duplex",
            "name_zh": "双面打印",
            "name_en": "Duplex",
            "type": "boolean",
            "required": True,
        }
    ]
    second = api.put(f"/api/catalog/categories/{cat.printer}/schema", json={"params": params})
    assert second.status_code == 200 and second.get_json()["version"] == 2
    old = api.get(f"/api/catalog/categories/{cat.printer}/schema?version=1").get_json()
    assert [p["code"] for p in old["params"]] == ["ppm"]


def test_bad_schema_definitions_name_the_problem(login, cat):
    api = login("operator")
    response = api.put(
        f"/api/catalog/categories/{cat.printer}/schema",
        json={
            "params": [
                {"code": "Speed!", "name_zh": "速度", "type": "number"},
                {"code": "colour", "name_zh": "颜色", "type": "enum", "options": []},
                {"code": "size", "name_zh": "尺寸", "type": "number", "min": "10", "max": "1"},
            ]
        },
    )
    assert response.status_code == 422
    details = response.get_json()["details"]
    assert set(details) == {"params[0]", "params[1]", "params[2]"}
    assert api.get(f"/api/catalog/categories/{cat.printer}/schema").get_json()["version"] == 1


def test_standard_products_fix_parameter_values(login, cat):
    api = login("operator")
    created = api.post(
        "/api/catalog/standard-products",
        json={
            "code": "PC-I5-16-512",
            "category_id": cat.desktop,
            "name_zh": "台式计算机（i5/16GB/512GB）",
            "params": {"cpu": "i5", "memory_gb": "16", "ssd_gb": 512},
        },
    )
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["params"] == {"cpu": "i5", "memory_gb": "16", "ssd_gb": "512"}
    listed = (
        login("purchaser").get(f"/api/catalog/standard-products?category_id={cat.it}").get_json()
    )
    assert [p["code"] for p in listed] == ["PC-I5-16-512"]
    bad = api.post(
        "/api/catalog/standard-products",
        json={
            "code": "PC-BAD",
            "category_id": cat.desktop,
            "name_zh": "x",
            "params": {"cpu": "i9"},
        },
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["details"]) == {"params.cpu", "params.memory_gb"}
