"""The price monitors' statistics pages through the test client (SUP-3): a standard product's and
a category's daily quartiles as a band chart with its table, the anomalies with their evidence and
filters, the CSV and XLSX downloads of both, another region refused, bad filters named and left
out, Chinese and English. The history is planted on the ledger as the mall records orders."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from core import clock
from tests.catalog.conftest import cat  # noqa: F401
from tests.frontend.texts import en, zh
from tests.supervision.test_price_statistics import MORNING, order, regions, update  # noqa: F401

D = Decimal


def page(api, url: str, lang: str = "zh", expect: int = 200, **query) -> str:
    api.client.set_cookie("lang", lang)
    response = api.client.get(url, query_string=query or None, headers=api._headers(None))
    assert response.status_code == expect, (url, query, response.status_code)
    return response.get_data(as_text=True)


def line(product: int, category: int, price: str) -> dict:
    return {
        "category_id": category,
        "standard_product_id": product,
        "unit": "台",
        "unit_price": D(price),
        "quantity": 1,
        "line_total": D(price),
    }


@pytest.fixture
def history(app, session, login, cat, regions):  # noqa: F811
    """Two standard products of the desktop category: five prices 100…140 and then one of 500 in
    a Hohhot district (the first) and in a Baotou district (the second); seen ten days later."""
    operator = login("operator")
    ids = []
    for code in ("PC-I5-16", "PC-I7-32"):
        created = operator.post(
            "/api/catalog/standard-products",
            json={
                "code": code,
                "category_id": cat.desktop,
                "name_zh": f"台式计算机 {code}",
                "name_en": f"Desktop {code}",
                "params": {"cpu": "i5", "memory_gb": 16},
            },
        )
        assert created.status_code == 201, created.get_json()
        ids.append(created.get_json()["id"])
    first, second = ids
    with app.app_context():
        for product, district in ((first, regions["150105"]), (second, regions["150203"])):
            for price in ("100.00", "110.00", "120.00", "130.00", "140.00"):
                order(session, district, line(product, cat.desktop, price), day=1)
            order(session, district, line(product, cat.desktop, "500.00"), day=2)
        update(session)
    clock.freeze(MORNING + timedelta(days=10))
    yield SimpleNamespace(
        first=first,
        second=second,
        category=cat.desktop,
        area=regions["15"],
        hohhot=regions["1501"],
        baotou=regions["1502"],
    )
    clock.unfreeze()


def stat_rows(html: str) -> list[tuple[str, ...]]:
    return re.findall(
        r'data-testid="statistics-row" data-day="([^"]+)" data-n="(\d+)" data-q1="([^"]+)" '
        r'data-median="([^"]+)" data-q3="([^"]+)"',
        html,
    )


def anomaly_rows(html: str) -> list[tuple[str, ...]]:
    return re.findall(
        r'data-testid="anomaly-row" data-id="\d+" data-seq="\d+" data-price="([^"]+)" '
        r'data-fence="([^"]+)" data-median="([^"]+)" data-n="(\d+)"',
        html,
    )


def href(html: str, testid: str) -> str:
    found = re.search(rf'href="([^"]+)"[^>]*data-testid="{testid}"', html)
    assert found, testid
    return found.group(1).replace("&amp;", "&")


def test_a_product_s_quartiles_over_time_in_both_languages(login, history):
    """SUP-3: the band chart (an SVG with its title and a table in a <details>) and the day rows,
    newest first, of the whole area for the price monitor."""
    monitor = login("monitor")
    for lang, text in (("zh", zh), ("en", en)):
        html = page(monitor, "/prices/statistics", lang, product=str(history.first))
        assert text("Transaction price statistics") in html
        assert f'data-region="{history.area}"' in html
        assert stat_rows(html) == [
            ("2026-11-04", "6", "107.50", "125.00", "230.00"),
            ("2026-11-03", "5", "105.00", "120.00", "135.00"),
        ]
        assert 'data-testid="band-chart" data-days="2"' in html and 'role="img"' in html
        assert 'data-testid="band"' in html and 'data-testid="median-line"' in html
        assert 'data-testid="band-details"' in html and text("As a table") in html
        assert ("台式计算机 PC-I5-16" if lang == "zh" else "Desktop PC-I5-16") in html
        assert '<th scope="col"' in html and 'class="scroll"' in html


def test_a_category_within_dates(login, history):
    """SUP-3: a category's rows count both products' prices; from/to bound the days."""
    html = page(
        login("monitor"),
        "/prices/statistics",
        category=str(history.category),
        **{"from": "2026-11-04", "to": "2026-11-04"},
    )
    assert [r[:2] for r in stat_rows(html)] == [("2026-11-04", "12")]
    nothing = page(
        login("monitor"),
        "/prices/statistics",
        "en",
        category=str(history.category),
        **{"from": "2026-12-01"},
    )
    assert (
        'data-testid="statistics-empty"' in nothing
        and en("No transactions in these days.") in nothing
    )


def test_the_statistics_download_as_csv_and_xlsx(login, history):
    """SUP-3: the page's rows as CSV (amounts as written) and XLSX (numbers shown '0.00')."""
    monitor = login("monitor")
    html = page(monitor, "/prices/statistics", product=str(history.first))
    response = monitor.get(href(html, "statistics-export-csv"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert table == [
        ["day", "n", "q1", "median", "q3"],
        ["2026-11-03", "5", "105.00", "120.00", "135.00"],
        ["2026-11-04", "6", "107.50", "125.00", "230.00"],
    ]
    response = monitor.get(href(html, "statistics-export-xlsx"))
    assert response.status_code == 200 and "spreadsheetml" in response.mimetype
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]] == ["day", "n", "q1", "median", "q3"]
    day, *numbers = (c.value for c in sheet[3])
    assert (day.date(), numbers) == (date(2026, 11, 4), [6, 107.5, 125, 230])
    assert [c.number_format for c in sheet[3][2:]] == ["0.00"] * 3


def test_anomalies_with_their_evidence_and_filters(login, history):
    """SUP-3: each anomaly with the price, the fence, the median and n, its transaction and a link
    to its product's statistics; the product filter narrows them."""
    monitor = login("monitor")
    for lang, text in (("zh", zh), ("en", en)):
        html = page(monitor, "/prices/anomalies", lang)
        assert text("Price anomalies") in html and 'data-total="2"' in html
        assert anomaly_rows(html) == [("500.00", "180.00", "120.00", "5")] * 2
        assert 'data-testid="anomaly-order">#1<' in html
    one = page(monitor, "/prices/anomalies", product=str(history.second))
    assert len(anomaly_rows(one)) == 1
    chart = page(monitor, href(one, "anomaly-statistics"))
    assert f'data-key="{history.second}"' in chart and stat_rows(chart)
    none = page(monitor, "/prices/anomalies", "en", **{"from": "2026-11-05"})
    assert 'data-testid="anomalies-empty"' in none


def test_the_anomalies_download_as_csv_and_xlsx_in_shanghai_time(login, history):
    """SUP-3: the filtered anomalies; found at 02:00 UTC, shown 10:00 in Shanghai."""
    monitor = login("monitor")
    html = page(monitor, "/prices/anomalies", product=str(history.first))
    body = monitor.get(href(html, "anomalies-export-csv")).get_data(as_text=True)
    table = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert [(r["unit_price"], r["fence"], r["median"], r["n"]) for r in table] == [
        ("500.00", "180.00", "120.00", "5")
    ]
    assert table[0]["detected_at"] == "2026-11-04 10:00:00"
    response = monitor.get(href(html, "anomalies-export-xlsx"))
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [c.value for c in sheet[1]]
    assert sheet.max_row == 2
    row = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert row["detected_at"].value.isoformat() == "2026-11-04T10:00:00"
    assert (row["unit_price"].value, row["fence"].value, row["q1"].value) == (500, 180, 105)
    assert row["unit_price"].number_format == "0.00" and row["standard_product_id"].value == (
        history.first
    )


def test_a_city_supervisor_reads_its_own_region_only(login, history):
    """SUP-3, SUP-6: Hohhot's supervisor sees Hohhot's rows and anomaly; Baotou's statistics and
    anomalies are refused (403 outside_region), on the pages and in the downloads."""
    hohhot = login("supervisor.hohhot")
    own = page(hohhot, "/prices/statistics", product=str(history.first))
    assert f'data-region="{history.hohhot}"' in own and len(stat_rows(own)) == 2
    listed = page(hohhot, "/prices/anomalies")
    assert len(anomaly_rows(listed)) == 1 and 'href="/supervision/orders/1"' in listed
    for lang in ("zh", "en"):
        for url in ("/prices/statistics", "/prices/anomalies"):
            refused = page(
                hohhot, url, lang, 403, product=str(history.second), region=str(history.baotou)
            )
            assert 'data-code="outside_region"' in refused
    for url in ("/api/prices/statistics.xlsx", "/api/prices/anomalies.csv"):
        response = hohhot.get(
            url, query_string={"standard_product_id": history.second, "region_id": history.baotou}
        )
        assert response.status_code == 403


@pytest.mark.parametrize("username", ["purchaser", "supplier"])
def test_others_are_refused(login, history, username):
    api = login(username)
    for url in ("/prices/statistics", "/prices/anomalies"):
        page(api, url, expect=403, product=str(history.first))
    assert api.get("/api/prices/anomalies.xlsx").status_code == 403


def test_bad_filters_are_named_and_left_out(login, history):
    """A date that does not exist and an id that is not one are named beside their fields; the
    other filters still apply. A product and a category at once: the product is shown."""
    monitor = login("monitor")
    html = page(monitor, "/prices/anomalies", "en", product="abc", **{"from": "2026-02-30"})
    assert 'data-testid="error-product"' in html and 'data-testid="error-from"' in html
    assert 'aria-invalid="true"' in html and len(anomaly_rows(html)) == 2
    both = page(
        monitor, "/prices/statistics", product=str(history.first), category=str(history.category)
    )
    assert 'data-testid="error-category"' in both and f'data-key="{history.first}"' in both
    empty = page(monitor, "/prices/statistics", "en", product="-1")
    assert 'data-testid="statistics-choose"' in empty and 'data-testid="error-product"' in empty


def test_every_filter_is_labelled_and_the_spreads_link_the_statistics(login, history):
    """SUP-3 (accessibility): each field of the filter forms has its label; the standard product
    spreads of the price monitoring page link each product's statistics."""
    monitor = login("monitor")
    for url in ("/prices/statistics", "/prices/anomalies"):
        html = page(monitor, url)
        fields = re.findall(r'<(?:input|select) id="(f-[a-z_]+)"', html)
        assert len(fields) == 5, url
        for field in fields:
            assert f'<label for="{field}"' in html, (url, field)
    index = page(monitor, "/prices", product=str(history.first))
    assert f'href="/prices/statistics?product={history.first}"' in index
    assert 'data-testid="product-statistics-link"' in index
