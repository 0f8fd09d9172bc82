"""Bad input gets a 4xx with a machine-readable code and changes nothing: never a 500, never a
silent reinterpretation. JSON bodies nested too deeply or not JSON at all are a 400 ``bad_json``;
amounts are plain digit strings with at most two decimals (or JSON integers); counts are JSON
integers (foundation, item 6; MALL-7)."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import Schema, ValidationError, fields
from sqlalchemy import func, select, text

from core.api import MAX_JSON_DEPTH, IntField, MoneyField, json_too_deep
from core.db import Base
from mall.budgets.models import BudgetLine
from mall.budgets.service import fiscal_year_now
from tests.catalog.conftest import cat  # noqa: F401
from tests.mall.conftest import add, place, shop  # noqa: F401

JSON = {"Content-Type": "application/json"}
DEEP = "[" * 5000 + "]" * 5000
PLAIN_AMOUNT = re.compile(r"[0-9]{1,12}(\.[0-9]{1,2})?")


def _budget_body(**over) -> dict:
    return {
        "fiscal_year": fiscal_year_now(),
        "fund_source": "general",
        "code": "2026-BAD-001",
        "name": "信息化设备购置",
        "amount": "1000.00",
    } | over


def _bilingual(messages: list[str]) -> None:
    """A field's message says it in Chinese and in English."""
    assert messages
    for message in messages:
        assert re.search(r"[\u4e00-\u9fff]", message), message
        assert re.search(r"[A-Za-z]{3}", message), message


def _lines(session) -> int:
    return session.scalar(select(func.count()).select_from(BudgetLine))


# ---------------------------------------------------------------- JSON that is not JSON enough


def test_depth_scan_counts_brackets_outside_strings_only():
    assert not json_too_deep(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH)
    assert json_too_deep(b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1))
    assert json_too_deep(b'{"a":' * 40 + b"1" + b"}" * 40)
    assert not json_too_deep(b'{"a": "' + b"[" * 5000 + b'"}')
    assert not json_too_deep(b'{"a": "\\"' + b"{" * 5000 + b'"}')
    assert json_too_deep(b'["\\\\"' + b",[" * 40 + b"]" * 41)
    assert not json_too_deep(b'{"a": "unterminated ' + b"[" * 5000)
    # Linear even when every quote opens a string that never ends.
    assert not json_too_deep(b'"\\"' * 200_000)


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("purchaser", "/api/mall/budget-lines"),
        ("purchaser", "/api/mall/cart/items"),
        ("purchaser", "/api/mall/checkout"),
        ("purchaser", "/api/auctions"),
        ("supplier", "/api/auctions/1/bids"),
        ("purchaser", "/api/pools"),
        ("purchaser", "/api/auth/tokens"),
        (None, "/api/auth/signin"),
    ],
)
def test_deeply_nested_body_is_400_bad_json(client, login, username, url):
    api = login(username) if username else None
    post = api.post if api else client.post
    response = post(url, data=DEEP, headers=JSON)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert body["code"] == "bad_json"
    assert body["message"] and body["message_zh"]
    assert str(MAX_JSON_DEPTH) in body["message"]


def test_brackets_inside_strings_do_not_count(login, session):
    """A name full of brackets is text, not nesting: accepted like any other name."""
    api = login("purchaser")
    name = "[" * 200 + "{" * 200
    response = api.post("/api/mall/budget-lines", json=_budget_body(name=name[:200]))
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b'{"amount": NaN}',
        b'{"amount": Infinity}',
        b'{"amount": -Infinity}',
        b'{"amount": 1e999}',
        b'{"amount": ' + b"9" * 5000 + b"}",
        b'{"name": "\xff\xfe"}',
        b'{"name": "unterminated',
        b"   ",
    ],
)
def test_malformed_json_is_400_bad_json_in_both_languages(login, session, raw):
    api = login("purchaser")
    before = _lines(session)
    response = api.post("/api/mall/budget-lines", data=raw, headers=JSON)
    assert response.status_code == 400
    body = response.get_json()
    assert body["code"] == "bad_json"
    assert "JSON" in body["message"] and "JSON" in body["message_zh"]
    assert _lines(session) == before


# ---------------------------------------------------------------- money and counts, strictly


def test_an_amount_beyond_any_decimal_is_refused_not_crashed(login, session):
    api = login("purchaser")
    before = _lines(session)
    for amount in ("1e308", "1e999999", "9" * 400):
        response = api.post("/api/mall/budget-lines", json=_budget_body(amount=amount))
        assert response.status_code == 422
        assert set(response.get_json()["details"]) == {"amount"}
    assert _lines(session) == before


@pytest.mark.parametrize(
    "amount",
    [
        "１２３",
        " 5.00 ",
        "5.00 ",
        "1e-2",
        "1e3",
        "1E3",
        "NaN",
        "Infinity",
        "-5.00",
        "+5",
        "5.",
        ".5",
        "1.005",
        "1,000.00",
        "",
        "0x10",
        "1_000",
        9999.99,
        5.0,
        True,
        None,
        [],
        {},
    ],
)
def test_amounts_are_plain_digit_strings_only(login, session, amount):
    api = login("purchaser")
    before = _lines(session)
    response = api.post("/api/mall/budget-lines", json=_budget_body(amount=amount))
    assert response.status_code == 422, response.get_json()
    details = response.get_json()["details"]
    assert set(details) == {"amount"}
    _bilingual(details["amount"])
    assert _lines(session) == before


@pytest.mark.parametrize(
    ("amount", "stored"),
    [("123", "123.00"), ("123.4", "123.40"), ("0123.45", "123.45"), (123, "123.00")],
)
def test_plain_amounts_are_taken_exactly(login, amount, stored):
    api = login("purchaser")
    response = api.post("/api/mall/budget-lines", json=_budget_body(amount=amount))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["amount"] == stored


@pytest.mark.parametrize("year", [2026.5, 2026.0, "2026", True])
def test_fiscal_year_is_a_json_integer(login, session, year):
    api = login("purchaser")
    before = _lines(session)
    response = api.post("/api/mall/budget-lines", json=_budget_body(fiscal_year=year))
    assert response.status_code == 422
    details = response.get_json()["details"]
    assert set(details) == {"fiscal_year"}
    _bilingual(details["fiscal_year"])
    assert _lines(session) == before


@pytest.mark.parametrize("quantity", [1.5, 2.0, "3", True, "２"])
def test_cart_quantity_is_a_json_integer(shop, session, quantity):  # noqa: F811
    from mall.orders.models import CartItem

    response = shop.purchaser.post(
        "/api/mall/cart/items", json={"listing_id": shop.desktop, "quantity": quantity}
    )
    assert response.status_code == 422, response.get_json()
    assert set(response.get_json()["details"]) == {"quantity"}
    assert session.scalar(select(func.count()).select_from(CartItem)) == 0


def test_bid_price_as_a_json_float_is_refused(login):
    api = login("supplier")
    response = api.post("/api/auctions/1/bids", json={"price": 4999.5})
    assert response.status_code == 422
    assert set(response.get_json()["details"]) == {"price"}


def test_query_integers_are_digit_strings(login):
    api = login("purchaser")
    assert api.get("/api/mall/budget-lines?page=2&per_page=5").status_code == 200
    for bad in ("1.5", "２", " 2", "2e1", "true", "0x2"):
        response = api.get(f"/api/mall/budget-lines?page={bad}")
        assert response.status_code == 422, bad
        assert set(response.get_json()["details"]) == {"page"}


def test_openapi_documents_the_strict_fields(client):
    spec = client.get("/api/openapi.json").get_json()
    line = spec["components"]["schemas"]["BudgetLine"]["properties"]
    assert line["fiscal_year"]["type"] == "integer"
    assert line["amount"]["type"] == "string"
    assert re.search(line["amount"]["pattern"], "1999.50")
    assert not re.search(line["amount"]["pattern"], "1e3")


# ---------------------------------------------------------------- the fields, property by property


class _Amounts(Schema):
    amount = MoneyField(required=True)


class _Counts(Schema):
    count = IntField(required=True)
    page = IntField(text=True)


def _refused(schema: Schema, data: dict) -> bool:
    try:
        schema.load(data)
    except ValidationError:
        return True
    return False


_PROPERTY = settings(max_examples=200, deadline=None, database=None)


@_PROPERTY
@given(
    whole=st.integers(min_value=0, max_value=10**12 - 1),
    cents=st.one_of(st.none(), st.integers(0, 9).map(str), st.integers(0, 99).map("{:02d}".format)),
)
def test_every_plain_amount_round_trips_exactly(whole, cents):
    text_amount = str(whole) if cents is None else f"{whole}.{cents}"
    loaded = _Amounts().load({"amount": text_amount})["amount"]
    assert loaded == Decimal(text_amount)
    assert _Amounts().dump({"amount": loaded})["amount"] == f"{Decimal(text_amount):.2f}"
    assert _Amounts().load({"amount": whole})["amount"] == Decimal(whole)


_NUMBERISH = st.from_regex(
    r"\A[-+ ]?[0-9０-９٣]{0,14}([.,][0-9]{0,4})?([eE][-+]?[0-9]{1,3})?[ \t\n]?\Z"
)
_NON_FINITE = st.sampled_from(
    ["NaN", "nan", "-NaN", "sNaN", "Infinity", "-Infinity", "inf", "Inf", "-inf", "1e400"]
)


@_PROPERTY
@given(st.one_of(st.text(), _NUMBERISH, _NON_FINITE))
def test_every_string_that_is_not_plain_digits_is_refused(value):
    if PLAIN_AMOUNT.fullmatch(value):
        assert not _refused(_Amounts(), {"amount": value})
    else:
        assert _refused(_Amounts(), {"amount": value})


@_PROPERTY
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_every_float_is_refused_as_money_and_as_a_count(value):
    assert _refused(_Amounts(), {"amount": value})
    assert _refused(_Counts(), {"count": value})
    assert _refused(_Counts(), {"count": 1, "page": value})


@_PROPERTY
@given(st.one_of(st.integers(min_value=-(10**30), max_value=-1), st.integers(min_value=10**12)))
def test_integers_outside_the_range_of_money_are_refused(value):
    assert _refused(_Amounts(), {"amount": value})
    assert _refused(_Amounts(), {"amount": str(value)})


@_PROPERTY
@given(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.decimals(allow_nan=True, allow_infinity=True).filter(
            lambda d: not d.is_finite() or d != d.to_integral_value()
        ),
        st.fractions().filter(lambda f: f.denominator != 1),
        st.booleans(),
        st.integers().map(str),
        st.text(),
    )
)
def test_a_count_in_a_body_is_a_json_integer_only(value):
    assert _refused(_Counts(), {"count": value})


@_PROPERTY
@given(st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1))
def test_every_json_integer_is_a_count_and_query_digits_are_too(value):
    assert _Counts().load({"count": value})["count"] == value
    assert _Counts().load({"count": 0, "page": str(value)})["page"] == value


@_PROPERTY
@given(st.text())
def test_query_integers_are_ascii_digits_only(value):
    if re.fullmatch(r"-?[0-9]{1,19}", value, re.ASCII) and abs(int(value)) < 2**63:
        assert not _refused(_Counts(), {"count": 0, "page": value})
    else:
        assert _refused(_Counts(), {"count": 0, "page": value})


# ---------------------------------------------------------------- every write endpoint, fuzzed

#: Bodies no endpoint may act on, whatever it expects.
UNPARSABLE = [
    DEEP.encode(),
    b'{"a":' * 40 + b"1" + b"}" * 40,
    b"{not json",
    b'{"amount": NaN, "price": Infinity}',
    b'{"quantity": 1e999}',
    b'{"quantity": ' + b"7" * 5000 + b"}",
    b'{"name": "\xff"}',
    b"[1, 2,",
]

_BAD_INT = [1.5, 2.0, "3", "３", True, 10**30, [], {}, "1e3"]
_BAD_MONEY = [9999.99, 5.0, "1e3", "1e-2", " 5.00 ", "１２３", "NaN", "Infinity", "-1.00", True]
_BAD_MONEY += ["1.005", "", 10**13, [], {}]
_BAD_BY_TYPE: list[tuple[type, list]] = [
    (IntField, _BAD_INT),
    (MoneyField, _BAD_MONEY),
    (fields.String, [12, 1.5, True, [], {}]),
    (fields.Boolean, ["maybe", 2, 0.5, [], {}]),
    (fields.DateTime, ["not a date", 12, [], "2026-13-45T99:00:00"]),
    (fields.Date, ["not a date", 12, [], "2026-02-30"]),
    (fields.List, ["x", 5, {}]),
    (fields.Nested, ["x", 5]),
    (fields.Dict, ["x", [], 5]),
]


def _bad_values(field: fields.Field) -> list:
    for kind, values in _BAD_BY_TYPE:
        if isinstance(field, kind):
            if isinstance(field, fields.List) and isinstance(field.inner, IntField):
                values = [*values, [1.5], ["1"]]
            return values + ([] if field.allow_none else [None])
    return []


def _body_schema(app, rule, method) -> tuple[str | None, Schema | None]:
    view = app.view_functions[rule.endpoint]
    view = getattr(getattr(view, "view_class", None), method.lower(), view)
    for parameter in getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", []):
        if parameter["in"] in ("json", "form", "files"):
            schema = parameter["schema"]
            return parameter["in"], schema() if isinstance(schema, type) else schema
    return None, None


def _bodies(location: str | None, schema: Schema | None) -> st.SearchStrategy:
    """Generated bodies that the endpoint must refuse: (raw JSON bytes | form dict)."""
    unparsable = st.sampled_from(UNPARSABLE)
    if location != "json" or schema is None:
        if location == "form" and schema is not None:
            texts = [name for name, f in schema.load_fields.items() if isinstance(f, IntField)]
            if texts:
                bad_text = st.sampled_from(["1.5", "٣", " 3", "3 ", "1e3", "abc", "true"])
                forms = st.tuples(st.sampled_from(texts), bad_text).map(lambda kv: {kv[0]: kv[1]})
                return st.one_of(
                    unparsable.map(lambda raw: ("json", raw)), forms.map(lambda f: ("form", f))
                )
        return unparsable.map(lambda raw: ("json", raw))
    loadable = {
        name: f for name, f in schema.load_fields.items() if _bad_values(f) and not f.dump_only
    }
    required = any(f.required for f in schema.load_fields.values())
    junk = st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
        ),
        max_leaves=6,
    )
    choices = [
        unparsable,
        st.lists(junk, max_size=3).map(json.dumps),  # an array instead of an object
        st.sampled_from(['"text"', "1", "true", "null", "3.5"]),
        st.dictionaries(st.sampled_from(["zz_unknown", "__proto__"]), junk, min_size=1).map(
            json.dumps
        ),
    ]
    if required:
        choices.append(st.just("{}"))
    if loadable:
        names = sorted(loadable)
        choices.append(
            st.sampled_from(names)
            .flatmap(
                lambda name: st.tuples(st.just(name), st.sampled_from(_bad_values(loadable[name])))
            )
            .flatmap(
                lambda kv: st.dictionaries(st.sampled_from(names), junk, max_size=3).map(
                    lambda others: json.dumps(others | {kv[0]: kv[1]})
                )
            )
        )
    return st.one_of(*choices).map(
        lambda raw: ("json", raw if isinstance(raw, bytes) else raw.encode())
    )


_ID_TABLES = {
    "auction_id": "auctions",
    "token_id": "api_tokens",
    "category_id": "categories",
    "designation_id": "supplier_designations",
    "application_id": "enrolment_applications",
    "hall_id": "halls",
    "listing_id": "listings",
    "org_id": "organisations",
    "dispute_id": "disputes",
    "line_id": "budget_lines",
    "item_id": "cart_items",
    "contract_id": "contracts",
    "order_id": "orders",
    "notification_id": "notifications",
    "pool_id": "pools",
    "user_id": "users",
}

_USERS = [
    ("/api/mall/supplier/", "supplier"),
    ("/api/catalog/listings/<int:listing_id>/review", "operator"),
    ("/api/catalog/enrolments/<int:application_id>/decision", "operator"),
    ("/api/catalog/listings", "supplier"),
    ("/api/catalog/certificates", "supplier"),
    ("/api/catalog/enrolments", "supplier"),
    ("/api/catalog/", "operator"),
    ("/api/auctions/<int:auction_id>/bids", "supplier"),
    ("/api/pools/<int:pool_id>/capacity", "supplier"),
    ("/api/disputes/<int:dispute_id>/ruling", "handler"),
    ("/api/disputes/<int:dispute_id>/proposals", "handler"),
    ("/api/disputes/<int:dispute_id>/reassign", "dispute.admin"),
    ("/api/disputes/<int:dispute_id>/evidence-requests", "handler"),
    ("/api/regions", "operator"),
    ("/api/organisations", "operator"),
    ("/api/users", "operator"),
]


def _user_for(rule: str) -> str:
    return next((user for prefix, user in _USERS if rule.startswith(prefix)), "purchaser")


def _counts(session) -> dict[str, int]:
    """The number of rows in every table, in one query."""
    tables = sorted(Base.metadata.tables)
    row = session.execute(
        text("SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables))
    ).one()
    return dict(zip(tables, row, strict=True))


def test_no_write_endpoint_crashes_or_writes_on_malformed_bodies(app, shop, login, session):  # noqa: F811
    """Every POST/PUT/PATCH/DELETE under /api/, with generated malformed bodies, answers 4xx and
    writes no row."""
    place(shop)
    add(shop.purchaser, shop.mini, 1)
    tokens = {}
    for username in {user for _, user in _USERS} | {"purchaser"}:
        made = login(username).post("/api/auth/tokens", json={"name": "fuzz", "expires_in_days": 1})
        assert made.status_code == 201, made.get_json()
        tokens[username] = made.get_json()["token"]
    ids = {}
    for arg, table in _ID_TABLES.items():
        ids[arg] = session.scalar(text(f'SELECT min(id) FROM "{table}"')) or 1
    client = app.test_client()
    before = _counts(session)
    endpoints = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/"):
            continue
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            if rule.endpoint == "accounts.signout":
                continue  # acts on the session; no body to refuse
            endpoints.append((rule, method))
    assert len(endpoints) > 60

    for rule, method in endpoints:
        url = rule.build({arg: ids.get(arg, 1) for arg in rule.arguments}, append_unknown=False)[1]
        headers = {"Authorization": f"Bearer {tokens[_user_for(rule.rule)]}"}
        location, schema = _body_schema(app, rule, method)

        def send(body, url=url, method=method, headers=headers):
            kind, payload = body
            if kind == "json":
                response = client.open(url, method=method, data=payload, headers=headers | JSON)
            else:
                response = client.open(url, method=method, data=payload, headers=headers)
            assert 400 <= response.status_code < 500, (
                method,
                url,
                payload,
                response.status_code,
                response.get_data(as_text=True)[:300],
            )
            return response

        @settings(
            max_examples=12,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(body=_bodies(location, schema))
        def fuzz(body):
            send(body)

        for raw in UNPARSABLE:
            assert send(("json", raw)).get_json()["code"] == "bad_json"
        fuzz()
        after = _counts(session)
        changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
        assert not changed, (method, rule.rule, changed)
