"""Error pages say what happened in a sentence, in the reader's language, and offer a way on (back,
sign in, home) instead of an internal code; the JSON API's errors stay as they are."""

from __future__ import annotations

import re

import pytest

HTML = {"Accept": "text/html"}


def visible(page: str) -> str:
    """The text a reader sees: the page's main part without its tags and attributes."""
    main = page.split('<main class="container">', 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip()


def ways(page: str) -> set[str]:
    return set(re.findall(r'data-testid="error-(back|signin|home)"', page))


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("zh", "您要找的页面或记录不存在"),
        ("en", "The page or record you are looking for does not exist"),
    ],
)
def test_a_missing_page_explains_itself_and_offers_sign_in_and_home(client, lang, sentence):
    client.set_cookie("lang", lang)
    response = client.get("/no-such-page", headers=HTML)
    assert response.status_code == 404 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    text = visible(page)
    assert sentence in text
    assert "not_found" not in text
    assert ways(page) == {"signin", "home"}


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [("zh", "此页面仅供采购单位的采购人使用"), ("en", "This page is for purchasers")],
)
def test_a_page_for_another_role_says_so_and_leads_back(login, lang, sentence):
    supplier = login("supplier")
    supplier.client.set_cookie("lang", lang)
    response = supplier.client.get(
        "/budgets", headers={**HTML, "Referer": "http://localhost/supplier/orders"}
    )
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    text = visible(page)
    assert sentence in text and "purchaser_only" not in text
    assert ways(page) == {"back", "home"}  # signed in: no sign-in link
    assert 'href="http://localhost/supplier/orders"' in page


def test_a_foreign_referrer_is_not_offered_as_the_way_back(login):
    supplier = login("supplier")
    page = supplier.client.get(
        "/budgets", headers={**HTML, "Referer": "https://elsewhere.example/x"}
    ).get_data(as_text=True)
    assert "elsewhere.example" not in page and ways(page) == {"home"}


@pytest.mark.parametrize(
    ("lang", "message"),
    [("zh", "请从贵单位的订单发起纠纷申请"), ("en", "Open a dispute from one of your orders")],
)
def test_an_error_with_a_message_of_its_own_shows_it_under_the_sentence(login, lang, message):
    purchaser = login("purchaser")
    purchaser.client.set_cookie("lang", lang)
    response = purchaser.client.get("/disputes/new?order=abc", headers=HTML)
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert message in visible(page) and 'data-testid="error-detail"' in page


def test_json_errors_keep_their_shape(client):
    response = client.get("/api/no-such-endpoint")
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert set(response.get_json()) == {"code", "message", "message_zh", "details"}
    assert response.get_json()["code"] == "not_found"
    asked = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert asked.get_json()["code"] == "not_found"
