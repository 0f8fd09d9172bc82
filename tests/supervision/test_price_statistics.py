"""Price statistics from the ledger (CAT-4, SUP-3): the quartile rules as prozorro-catalog applies
them, the 7-day window, incremental updates equal to a full recomputation, a replay without
duplicates, the reader's cursor moving with what it derived, and the price anomaly rule."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from statistics import quantiles as stdlib_quantiles

import pytest
from sqlalchemy import func, select

from core import clock
from core.accounts.auth import SYSTEM
from core.accounts.models import Region
from core.db import db
from supervision import readers
from supervision.ledger import record
from supervision.ledger.models import LedgerEntry
from supervision.prices import service
from supervision.prices.models import PriceAnomaly, PriceSample, PriceStatistic
from supervision.prices.quartiles import quartiles, quartiles_fen, upper_fence

D = Decimal
#: 10:00 in Shanghai on 2026-11-02
MORNING = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
PRODUCT, OTHER, CATEGORY = 990001, 990002, 990101


@pytest.fixture
def regions(session) -> dict[str, int]:
    return {code: rid for code, rid in session.execute(select(Region.code, Region.id))}


@pytest.fixture
def frozen():
    yield
    clock.unfreeze()


def order(session, region_id, *lines, day=0, action="order.placed", source=None):
    """What the mall records for an order: each line ``(product, price)`` or a dict."""
    clock.freeze(MORNING + timedelta(days=day))
    items = []
    for line in lines:
        if isinstance(line, dict):
            items.append(line)
            continue
        product, price = line
        items.append(
            {
                "category_id": CATEGORY,
                "standard_product_id": product,
                "unit": "台",
                "unit_price": D(price),
                "quantity": 1,
                "line_total": D(price),
            }
        )
    payload = {"items": items, **({"source": source} if source else {})}
    return record(session, SYSTEM, action, ("order", 1), payload, region_id=region_id)


def update(session) -> int:
    read = 0
    while (step := service.update(session, batch=7)) or readers.position(
        session, service.READER
    ) < _head(session):
        read += step
    return read


def _head(session) -> int:
    return session.scalar(select(func.max(LedgerEntry.seq))) or 0


def _samples(session) -> int:
    return session.scalar(select(func.count(PriceSample.id))) or 0


def rows(session, kind="product", key=PRODUCT, region=None):
    query = select(PriceStatistic).where(PriceStatistic.kind == kind, PriceStatistic.key_id == key)
    if region is not None:
        query = query.where(PriceStatistic.region_id == region)
    return {
        (r.region_id, r.day): (r.n, r.q1, r.median, r.q3)
        for r in session.scalars(query.order_by(PriceStatistic.day))
    }


def snapshot(session):
    return sorted(
        (r.kind, r.key_id, r.region_id, r.day, r.n, r.q1, r.median, r.q3)
        for r in session.scalars(select(PriceStatistic))
    )


# ---------------------------------------------------------------- the quartile rules


def test_one_sample_is_all_three_quartiles():
    """SUP-3: n = 1 — prozorro-catalog gives the one price as Q1, median and Q3."""
    assert quartiles([D("123.45")]) == (D("123.45"), D("123.45"), D("123.45"))


def test_two_samples_take_the_lower_as_q1_and_median_and_the_higher_as_q3():
    """SUP-3: n = 2 — prozorro-catalog's rule: Q1 = median = the lower price, Q3 = the higher."""
    assert quartiles([D("300.00"), D("100.00")]) == (D("100.00"), D("100.00"), D("300.00"))


def test_three_samples_are_min_middle_and_max_by_the_exclusive_method():
    """SUP-3: n = 3 — statistics.quantiles(n=4), method 'exclusive': positions 1, 2, 3 of 3."""
    assert quartiles([D("400"), D("100"), D("200")]) == (D("100.00"), D("200.00"), D("400.00"))


def test_four_and_five_samples_interpolate_by_hand():
    """SUP-3: n = 4: positions (n+1)/4 = 1.25, 2.5, 3.75 → 1.25, 2.50, 3.75; n = 5: positions
    1.5, 3, 4.5 → 105, 120, 135."""
    assert quartiles([D(1), D(2), D(3), D(4)]) == (D("1.25"), D("2.50"), D("3.75"))
    five = [D(100), D(110), D(120), D(130), D(140)]
    assert quartiles(five) == (D("105.00"), D("120.00"), D("135.00"))
    # Interpolated fen round half up: 0.25 fen → 0, 1.5 fen → 2, 2.75 fen → 3.
    assert quartiles([D("0.00"), D("0.01"), D("0.02"), D("0.03")]) == (
        D("0.00"),
        D("0.02"),
        D("0.03"),
    )


def test_integer_quartiles_equal_statistics_quantiles_rounded_half_up():
    """SUP-3: the fen arithmetic is statistics.quantiles(data, n=4) exactly (over Fractions),
    rounded half up to the fen, for any n ≥ 3."""
    rng = random.Random(7)
    for _ in range(500):
        fen = sorted(rng.randint(0, 10**7) for _ in range(rng.randint(3, 40)))
        exact = stdlib_quantiles([Fraction(f) for f in fen], n=4)
        expected = tuple(
            int((D(q.numerator) / D(q.denominator)).quantize(D(1), rounding=ROUND_HALF_UP))
            for q in exact
        )
        assert quartiles_fen(fen) == expected


def test_the_fence_is_q3_plus_one_and_a_half_iqr_to_the_fen():
    assert upper_fence(D("105.00"), D("135.00")) == D("180.00")
    assert upper_fence(D("100.00"), D("100.01")) == D("100.03")  # 100.025 half up


# ---------------------------------------------------------------- windows and regions


def test_a_day_s_row_covers_it_and_the_six_days_before(session, regions, frozen, app_ctx):
    """SUP-3: a sample counts on its own day and the next six; rows exist on days with samples
    (prozorro-catalog's rule), one per (product, region, day), in every region above the
    purchaser's too."""
    county, city, area = regions["150102"], regions["1501"], regions["15"]
    order(session, county, (PRODUCT, "100.00"), day=0)
    order(session, county, (PRODUCT, "300.00"), day=6)
    order(session, county, (PRODUCT, "500.00"), day=7)
    update(session)

    first = MORNING.date()
    got = rows(session, region=county)
    assert got == {
        (county, first): (1, D("100.00"), D("100.00"), D("100.00")),
        (county, first + timedelta(days=6)): (2, D("100.00"), D("100.00"), D("300.00")),
        # day 7: the sample of day 0 has left the window
        (county, first + timedelta(days=7)): (2, D("300.00"), D("300.00"), D("500.00")),
    }
    assert rows(session, region=city).keys() == {(city, d) for _, d in got}
    assert rows(session, region=area) == {(area, d): v for (_, d), v in got.items()}
    category = rows(session, kind="category", key=CATEGORY, region=area)
    assert category == {(area, d): v for (_, d), v in got.items()}
    # Hohhot's other district and other cities have none.
    assert not rows(session, region=regions["1502"])


def test_a_late_sample_updates_the_following_days(session, regions, frozen, app_ctx):
    """SUP-3: a sample of an earlier day (recorded later) changes that day's row and the rows of
    the six days after it — only those."""
    area = regions["15"]
    order(session, area, (PRODUCT, "100.00"), day=3)
    order(session, area, (PRODUCT, "200.00"), day=12)
    update(session)
    order(session, area, (PRODUCT, "50.00"), day=0)  # the ledger's time runs back in this test
    update(session)
    first = MORNING.date()
    got = rows(session, region=area)
    assert got[(area, first)] == (1, D("50.00"), D("50.00"), D("50.00"))
    assert got[(area, first + timedelta(days=3))][0] == 2
    assert got[(area, first + timedelta(days=12))][0] == 1


def _random_history(session, regions, rng, count=60):
    codes = ["150102", "150105", "150203", "152502", "15"]
    for n in range(count):
        product = rng.choice([PRODUCT, OTHER, None])
        line = {
            "category_id": CATEGORY + rng.randint(0, 1),
            "standard_product_id": product,
            "unit": "台",
            "unit_price": D(rng.randint(9000, 11000)) / 100,
            "quantity": rng.randint(1, 5),
        }
        order(
            session,
            regions[rng.choice(codes)],
            line,
            day=rng.randint(0, 25) if n % 5 else n // 3,
            action=rng.choice(["order.placed", "order.awarded"]),
            source="auction",
        )


def test_incremental_updates_equal_a_full_recomputation(session, regions, frozen, app_ctx):
    """SUP-3: statistics updated batch by batch as entries arrive (out of day order too) equal
    the statistics recomputed from every sample at once."""
    rng = random.Random(11)
    for _ in range(4):
        _random_history(session, regions, rng, count=25)
        update(session)
    incremental = snapshot(session)
    assert len(incremental) > 100
    session.execute(PriceStatistic.__table__.delete())
    service.recompute_all(session)
    assert snapshot(session) == incremental


def test_replay_derives_the_same_without_duplicates(session, regions, frozen, app_ctx, app):
    """SUP-3: ``flask prices replay --since N`` re-derives the entries after N: the same samples,
    statistics and anomalies, none twice, and no anomaly recorded on the ledger twice."""
    rng = random.Random(5)
    start = _head(session)  # entries committed before this test are not its to compare
    _random_history(session, regions, rng, count=40)
    for price in ("100.00", "100.00", "100.00", "100.00", "100.00", "900.00"):
        order(session, regions["15"], (PRODUCT, price), day=30)
    runner = app.test_cli_runner()
    assert "read" in runner.invoke(args=["prices", "update"]).output
    stats, samples = snapshot(session), session.scalar(select(func.count(PriceSample.id)))
    anomalies = session.scalar(select(func.count(PriceAnomaly.id)))
    assert anomalies >= 1
    detected = select(func.count()).where(LedgerEntry.action == "price.anomaly_detected")
    on_ledger = session.scalar(detected)

    middle = _head(session) - 20
    for since in (middle, start, middle):
        result = runner.invoke(args=["prices", "replay", "--since", str(since)])
        assert result.exit_code == 0, result.output
        session.expire_all()
        assert snapshot(session) == stats
        assert session.scalar(select(func.count(PriceSample.id))) == samples
        assert session.scalar(select(func.count(PriceAnomaly.id))) == anomalies
        assert session.scalar(detected) == on_ledger


# ---------------------------------------------------------------- the reader's cursor


def test_a_failing_batch_leaves_the_cursor_and_derives_nothing(
    session, regions, frozen, app_ctx, monkeypatch
):
    """SUP-3: the cursor moves in the transaction of what the batch derived: a batch that fails
    after storing its samples leaves both the samples and the cursor as they were."""
    update(session)  # what other tests committed (race tests on PostgreSQL) is read first
    before = readers.position(session, service.READER)
    had = _samples(session)
    order(session, regions["15"], (PRODUCT, "100.00"))

    def broken(*_args, **_kwargs):
        raise RuntimeError("statistics failed")

    monkeypatch.setattr(service, "add_samples", broken)
    with pytest.raises(RuntimeError), session.begin_nested():
        service.update(session)
    assert readers.position(session, service.READER) == before
    assert _samples(session) == had

    monkeypatch.undo()
    update(session)
    assert readers.position(session, service.READER) == _head(session)
    assert _samples(session) == had + 1


def test_batches_commit_one_by_one_and_a_failure_stops_at_its_batch(
    session, regions, frozen, app_ctx, monkeypatch
):
    """SUP-3: ``update_all`` commits each batch with its cursor; a failing batch rolls back alone,
    the ones before it stay."""
    update(session)
    had = _samples(session)
    for n in range(6):
        order(session, regions["15"], (PRODUCT, f"{100 + n}.00"))
    original = service.add_samples
    calls = []

    def second_fails(session_, rows_):
        calls.append(len(rows_))
        if len(calls) == 2:
            raise RuntimeError("second batch")
        return original(session_, rows_)

    monkeypatch.setattr(service, "add_samples", second_fails)
    with pytest.raises(RuntimeError):
        service.update_all(db.unit_of_work, batch=3)
    session.expire_all()
    assert _samples(session) == had + 3
    third = session.scalars(select(LedgerEntry.seq).order_by(LedgerEntry.seq.desc())).all()[3]
    assert readers.position(session, service.READER) == third


def test_a_reader_skips_other_entries_and_stops_at_the_head(session, regions, frozen, app_ctx):
    update(session)
    record(session, SYSTEM, "listing.price_changed", ("listing", 1), {"old": "1", "new": "2"})
    assert service.update(session) == 0
    assert readers.position(session, service.READER) == _head(session)


def test_lines_without_a_category_are_not_samples(session, regions, frozen, app_ctx):
    """Entries recorded before order lines carried their category give no samples."""
    update(session)
    had = _samples(session)
    order(session, regions["15"], {"title_zh": "旧订单", "unit_price": "10.00", "quantity": 1})
    update(session)
    assert _samples(session) == had


# ---------------------------------------------------------------- anomalies


def _window_of_five(session, area, product):
    for price in ("100.00", "110.00", "120.00", "130.00", "140.00"):
        order(session, area, (product, price), day=1)


def test_a_price_above_the_fence_is_an_anomaly_with_its_evidence(session, regions, frozen, app_ctx):
    """SUP-3: five samples 100…140 give Q1 105, Q3 135, fence 180; a transaction at 180.01 in a
    district is recorded with its evidence and put on the ledger in the same transaction."""
    area, district = regions["15"], regions["150105"]
    _window_of_five(session, area, PRODUCT)
    entry = order(session, district, (PRODUCT, "180.01"), day=3)
    update(session)

    (anomaly,) = session.scalars(select(PriceAnomaly)).all()
    assert (anomaly.seq, anomaly.item, anomaly.kind, anomaly.key_id) == (
        entry.seq,
        0,
        "product",
        PRODUCT,
    )
    assert (anomaly.n, anomaly.q1, anomaly.median, anomaly.q3, anomaly.fence) == (
        5,
        D("105.00"),
        D("120.00"),
        D("135.00"),
        D("180.00"),
    )
    assert (anomaly.region_id, anomaly.window_region_id) == (district, area)
    logged = session.get(LedgerEntry, anomaly.ledger_seq)
    assert logged.action == "price.anomaly_detected" and logged.region_id == district
    payload = json.loads(logged.payload)
    assert payload["transaction_seq"] == entry.seq and payload["unit_price"] == "180.01"
    assert payload["window"] == {
        "region_id": area,
        "days": 7,
        "n": 5,
        "q1": "105.00",
        "median": "120.00",
        "q3": "135.00",
        "fence": "180.00",
    }


def test_a_price_exactly_at_the_fence_is_not_an_anomaly(session, regions, frozen, app_ctx):
    """SUP-3: the rule is strictly above Q3 + 1.5·IQR."""
    _window_of_five(session, regions["15"], PRODUCT)
    order(session, regions["15"], (PRODUCT, "180.00"), day=2)
    update(session)
    assert session.scalar(select(func.count(PriceAnomaly.id))) == 0


def test_fewer_than_five_samples_raise_no_anomaly(session, regions, frozen, app_ctx):
    """SUP-3: a window of four samples is too small to judge, however high the price."""
    for price in ("100.00", "110.00", "120.00", "130.00"):
        order(session, regions["15"], (PRODUCT, price))
    order(session, regions["15"], (PRODUCT, "99999.00"))
    update(session)
    assert session.scalar(select(func.count(PriceAnomaly.id))) == 0


def test_the_window_excludes_the_transaction_and_old_days(session, regions, frozen, app_ctx):
    """SUP-3: the window is the 7 days ending on the transaction's day, before it: samples of
    eight days earlier do not count, and a line without a standard product is judged against its
    category's window."""
    area = regions["15"]
    _window_of_five(session, area, PRODUCT)
    order(session, area, (PRODUCT, "999.00"), day=8)  # day 1 is outside day 8's window
    no_product = {"category_id": CATEGORY, "standard_product_id": None, "unit_price": "999.00"}
    order(session, area, no_product, day=2)  # the category's window holds the five
    update(session)
    (anomaly,) = session.scalars(select(PriceAnomaly)).all()
    assert (anomaly.kind, anomaly.key_id, anomaly.standard_product_id) == (
        "category",
        CATEGORY,
        None,
    )


# ---------------------------------------------------------------- the API


@pytest.fixture
def history(app, session, regions, frozen):
    area, hohhot, baotou = regions["15"], regions["150105"], regions["150203"]
    with app.app_context():
        _window_of_five(session, hohhot, PRODUCT)
        order(session, hohhot, (PRODUCT, "500.00"), day=2)
        _window_of_five(session, baotou, OTHER)
        order(session, baotou, (OTHER, "500.00"), day=2)
        update(session)
    clock.freeze(MORNING + timedelta(days=10))
    return {"area": area, "hohhot": regions["1501"], "baotou": regions["1502"]}


def test_monitors_chart_a_standard_product_s_history(login, history):
    """SUP-3: a price monitor reads the daily rows (Decimals as strings) of the whole area."""
    body = login("monitor").get(f"/api/prices/statistics?standard_product_id={PRODUCT}")
    assert body.status_code == 200, body.get_json()
    data = body.get_json()
    assert data["region_id"] == history["area"] and data["kind"] == "product"
    assert data["items"] == [
        {"day": "2026-11-03", "n": 5, "q1": "105.00", "median": "120.00", "q3": "135.00"},
        {"day": "2026-11-04", "n": 6, "q1": "107.50", "median": "125.00", "q3": "230.00"},
    ]
    bounded = login("monitor").get(
        f"/api/prices/statistics?category_id={CATEGORY}&from=2026-11-04&to=2026-11-04"
    )
    assert [row["n"] for row in bounded.get_json()["items"]] == [12]


def test_a_supervisor_reads_its_own_region_only(login, history):
    """SUP-3, SUP-6: Hohhot's supervisor sees Hohhot's rows and anomalies, and is refused
    Baotou's with 403 ``outside_region``."""
    hohhot = login("supervisor.hohhot")
    own = hohhot.get(f"/api/prices/statistics?standard_product_id={PRODUCT}").get_json()
    assert own["region_id"] == history["hohhot"] and len(own["items"]) == 2
    refused = hohhot.get(
        f"/api/prices/statistics?standard_product_id={OTHER}&region_id={history['baotou']}"
    )
    assert (refused.status_code, refused.get_json()["code"]) == (403, "outside_region")
    whole = hohhot.get(f"/api/prices/statistics?category_id={CATEGORY}&region_id={history['area']}")
    assert whole.status_code == 403

    listed = hohhot.get("/api/prices/anomalies").get_json()
    assert [(a["standard_product_id"], a["unit_price"]) for a in listed["items"]] == [
        (PRODUCT, "500.00")
    ]
    everything = login("supervisor").get("/api/prices/anomalies").get_json()
    assert everything["total"] == 2
    by_product = login("monitor").get(f"/api/prices/anomalies?standard_product_id={OTHER}")
    assert [a["fence"] for a in by_product.get_json()["items"]] == ["180.00"]


@pytest.mark.parametrize("username", ["purchaser", "supplier"])
def test_purchasers_and_suppliers_are_refused(login, history, username):
    """SUP-3: only price monitors, supervisors and operators read price statistics."""
    api = login(username)
    for url in (f"/api/prices/statistics?standard_product_id={PRODUCT}", "/api/prices/anomalies"):
        response = api.get(url)
        assert (response.status_code, response.get_json()["code"]) == (403, "monitor_only")


def test_anonymous_and_ambiguous_requests_are_refused(client, login, history):
    assert client.get("/api/prices/anomalies").status_code == 401
    both = login("monitor").get(
        f"/api/prices/statistics?standard_product_id={PRODUCT}&category_id={CATEGORY}"
    )
    assert (both.status_code, both.get_json()["code"]) == (422, "one_key")
    neither = login("monitor").get("/api/prices/statistics")
    assert neither.status_code == 422


def test_the_day_is_shanghai_s(session, regions, frozen, app_ctx):
    """Days are Asia/Shanghai's: 23:30 UTC is the next morning there."""
    update(session)
    clock.freeze(datetime(2026, 11, 2, 23, 30, tzinfo=UTC))
    entry = record(
        session,
        SYSTEM,
        "order.placed",
        ("order", 1),
        {"items": [{"category_id": CATEGORY, "unit_price": "1.00", "quantity": 1}]},
        region_id=regions["15"],
    )
    update(session)
    assert session.scalar(select(PriceSample.day).where(PriceSample.seq == entry.seq)) == date(
        2026, 11, 3
    )
