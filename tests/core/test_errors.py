"""One error shape for every failure (foundation, item 6)."""


def _shape(body):
    assert set(body) == {"code", "message", "message_zh", "details"}
    return body


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert _shape(response.get_json())["code"] == "not_found"


def test_wrong_method_is_405_with_allow_header(client):
    response = client.put("/api/auth/me")
    assert response.status_code == 405
    assert _shape(response.get_json())["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_validation_is_422_naming_the_fields(client):
    response = client.post("/api/auth/signin", json={"username": ""})
    assert response.status_code == 422
    body = _shape(response.get_json())
    assert body["code"] == "validation_failed"
    assert set(body["details"]) == {"username", "password"}


def test_malformed_json_is_a_clear_4xx(client):
    response = client.post(
        "/api/auth/signin", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    body = _shape(response.get_json())
    assert body["code"] == "bad_json"
    assert body["message"] and body["message_zh"]


def test_html_pages_get_an_html_error(client):
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "页面或记录不存在" in page and ">not_found<" not in page


def test_openapi_document_and_docs_are_served(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/ledger/entries" in spec["paths"]
    assert "Error" in spec["components"]["schemas"]
    assert client.get("/api/docs").status_code == 200


def test_huge_ids_are_refused_not_crashed(login):
    api = login("operator")
    assert api.get("/api/organisations/18165597723339898880").status_code == 404
    response = api.post(
        "/api/organisations",
        json={
            "kind": "supplier",
            "name_zh": "某公司",
            "credit_code": "91150200MA0000096X",
            "region_id": 29614307614918352,
        },
    )
    assert response.status_code == 422
    assert response.get_json()["code"] in ("out_of_range", "validation_failed")


def test_openapi_document_is_valid(client):
    from openapi_spec_validator import validate

    validate(client.get("/api/openapi.json").get_json())
