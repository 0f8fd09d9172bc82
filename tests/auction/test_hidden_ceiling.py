"""A hidden ceiling stays hidden from suppliers everywhere (AUC-1, AUC-3): every HTTP endpoint and
page that returns an auction or a volume purchase, and every socket event of the auction room, is
read as an enrolled supplier, and the ceiling's amount appears in none of them. The purchaser, the
organiser and operators still see it."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal

from mall.extensions import socketio
from tests.auction.conftest import bid, open_now, published
from tests.auction.test_pools import open_pool

HIDDEN = "4987.65"
POOL_HIDDEN = "3456.78"
NS = "/auction"


def _amounts(ceiling: str, quantity: int) -> list[str]:
    """The ways an amount can show: the unit price, with and without separators, and the lot."""
    unit = Decimal(ceiling)
    lot = unit * quantity
    return [str(unit), f"{unit:,}", str(lot), f"{lot:,}"]


def _routes(app, words: tuple[str, ...]) -> list[str]:
    """Every GET rule of the app whose path names an auction or a pool."""
    rules = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and any(word in rule.rule for word in words):
            rules.append(rule.rule)
    return sorted(rules)


def _fill(rule: str, ids: dict[str, int]) -> str | None:
    path = rule
    for name in re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", rule):
        if name not in ids:
            return None
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(ids[name]), path)
    return path


def _read_all(api, app, ids: dict[str, int]) -> dict[str, str]:
    seen = {}
    for rule in [*_routes(app, ("auction", "pool")), "/api/notifications", "/"]:
        path = _fill(rule, ids)
        if path is None or path.startswith("/sandbox"):
            continue
        for query in ("", "?status=published", "?mine=1"):
            answer = api.get(path + query)
            assert answer.status_code < 500, (path, answer.status_code)
            seen[path + query] = answer.get_data(as_text=True)
    return seen


def test_a_hidden_ceiling_appears_in_no_answer_a_supplier_gets(floor, app):
    auction = published(floor, show_ceiling=False, ceiling=HIDDEN)
    pool = open_pool(floor, show_ceiling=False, ceiling=POOL_HIDDEN)
    ids = {"auction_id": auction["id"], "pool_id": pool["id"]}
    secrets = [*_amounts(HIDDEN, auction["quantity"]), POOL_HIDDEN]

    # The purchaser and the operator see the ceilings, in the list as in the detail.
    listed = floor.purchaser.get("/api/auctions").get_json()["items"]
    assert [a["ceiling"] for a in listed if a["id"] == auction["id"]] == [HIDDEN]
    pools = floor.operator.get("/api/pools").get_json()["items"]
    assert [p["ceiling"] for p in pools if p["id"] == pool["id"]] == [POOL_HIDDEN]

    open_now(auction, timedelta(minutes=1))
    assert bid(floor.supplier, auction["id"], "4000.00").status_code == 201

    for supplier in (floor.supplier, floor.office):
        pages = _read_all(supplier, app, ids)
        assert any("/api/auctions" in path for path in pages)
        assert any("/api/pools" in path for path in pages)
        for path, body in pages.items():
            for secret in secrets:
                assert secret not in body, f"{secret} in {path}"

        # The room over the socket: the join answer, a bid's answer and every pushed event.
        sio = socketio.test_client(app, namespace=NS, flask_test_client=supplier.client)
        joined = sio.emit("join", {"auction_id": auction["id"]}, namespace=NS, callback=True)
        assert joined["ok"] is True and joined["state"]["ceiling"] is None
        answer = sio.emit(
            "bid", {"auction_id": auction["id"], "price": "3900.00"}, namespace=NS, callback=True
        )
        events = sio.get_received(NS)
        text = json.dumps([joined, answer, events], default=str, ensure_ascii=False)
        for secret in secrets:
            assert secret not in text, secret
        sio.disconnect(namespace=NS)


def test_a_shown_ceiling_is_in_the_suppliers_list(floor):
    auction = published(floor, ceiling="4321.00")
    listed = floor.supplier.get("/api/auctions").get_json()["items"]
    assert [a["ceiling"] for a in listed if a["id"] == auction["id"]] == ["4321.00"]
