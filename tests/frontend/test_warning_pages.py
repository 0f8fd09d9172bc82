"""The supervisor's desk and a warning's pages (SUP-2, SUP-6, X-3): counts, trend, filters and
the list for a supervisor of the region; the warning with its evidence and the case's forms; the
rules with their parameters; the party's page with the explanation asked of it. Another party and
another region's supervisor are refused; the pages speak the asked language."""

from __future__ import annotations

from tests.catalog.conftest import enrol
from tests.frontend.texts import en, zh
from tests.supervision.warnings.conftest import cat  # noqa: F401
from tests.supervision.warnings.test_cases import raise_on

HTML = {"Accept": "text/html"}


def _page(api, url: str, status: int = 200, lang: str = "zh") -> str:
    answer = api.get(url, headers={**HTML, "Accept-Language": "en" if lang == "en" else "zh-CN"})
    assert answer.status_code == status, (url, answer.status_code)
    return answer.get_data(as_text=True)


def test_the_desk_shows_counts_trend_and_the_list(session, app, login, cat):  # noqa: F811
    """SUP-6: a supervisor's desk of its region and below; a warning in Baotou is not on
    Hohhot's desk."""
    hohhot_case = raise_on(session, cat.supplier_it, cat.regions["150105"], key="p1")
    baotou_case = raise_on(session, cat.supplier_office, cat.regions["150203"], key="p2")
    hohhot = login("supervisor.hohhot")
    html = _page(hohhot, "/warnings")
    assert zh("Warning desk") in html and zh("Weekly trend") in html
    assert f'data-id="{hohhot_case}"' in html and f'data-id="{baotou_case}"' not in html
    assert 'data-testid="count-yellow" data-count="1"' in html
    assert (
        zh("Open cases by deadline") in html
        and f'data-testid="open-case" data-id="{hohhot_case}"' in html
    )
    everything = _page(login("supervisor"), "/warnings?level=yellow")
    assert f'data-id="{hohhot_case}"' in everything and f'data-id="{baotou_case}"' in everything
    english = _page(login("supervisor"), "/warnings", lang="en")
    assert en("Warning desk") == "Warning desk" and "Warning desk" in english
    assert "Single bidder" in english and "单一竞价人" not in english
    # A filter that is not one is ignored, not an error.
    assert _page(hohhot, "/warnings?level=purple&from=notaday")


def test_a_warning_page_shows_evidence_and_the_next_steps(session, app, login, cat):  # noqa: F811
    """SUP-2: the sentence, the rule's basis, the evidence's ledger entry, the forms."""
    case = raise_on(session, cat.supplier_it, cat.regions["150105"])
    html = _page(login("supervisor.hohhot"), f"/warnings/{case}")
    for text in (
        "Evidence",
        "Case record",
        "Ask the party for an explanation",
        "Close this warning?",
    ):
        assert zh(text) in html, text
    assert 'data-testid="evidence-item"' in html and 'data-testid="close-form"' in html
    assert zh("Given to a supervisor", "warning step") in html
    _page(login("supervisor.hohhot"), "/warnings/999999", status=404)


def test_the_party_answers_on_its_own_page(session, app, login, cat):  # noqa: F811
    """SUP-2: the explanation asked of a supplier is on its page with the answer form; another
    supplier does not see it; before the request the supplier sees nothing of the warning."""
    enrol(login, "supplier", [cat.desktop], cat.regions["150105"])
    case = raise_on(session, cat.supplier_it, cat.regions["150105"])
    supplier = login("supplier")
    _page(supplier, f"/warnings/{case}", status=404)
    assert zh("No explanation has been asked of your organisation.") in _page(supplier, "/warnings")
    asked = login("supervisor.hohhot").post(
        f"/api/warnings/{case}/explanation-request", json={"text": "请说明。", "days": 5}
    )
    assert asked.status_code == 200
    listed = _page(supplier, "/warnings")
    assert f'data-id="{case}"' in listed
    html = _page(supplier, f"/warnings/{case}")
    assert 'data-testid="answer-form"' in html and "请说明。" in html
    assert 'data-testid="evidence-item"' not in html
    _page(login("supplier.office"), f"/warnings/{case}", status=404)


def test_the_rules_page_lists_every_rule_with_its_parameters(login):
    """SUP-2: supervisors read every rule's text and parameters; others are refused."""
    html = _page(login("supervisor"), "/warnings/rules")
    assert zh("Warning rules") in html and "WARNINGS_SINGLE_BIDDER_MAX_BIDDERS" in html
    assert login("purchaser").get("/warnings/rules", headers=HTML).status_code == 403


def test_the_credit_page_says_where_points_came_from_and_until_when(
    session,
    app,
    login,
    cat,  # noqa: F811
):
    """SUP-4 (一处失信，处处受约): after a warning closed with points and a restriction, the
    supplier's credit page shows the points with a link to the warning, and the restriction's
    reason and end; everyone signed in reads it."""
    enrol(login, "supplier", [cat.desktop], cat.regions["150105"])
    case = raise_on(session, cat.supplier_it, cat.regions["150105"])
    closed = login("supervisor.hohhot").post(
        f"/api/warnings/{case}/close",
        json={
            "finding": "penalised",
            "text": "围标嫌疑，扣分并限制竞价。",
            "penalty": {"credit_points": 4, "restriction_days": 30},
        },
    )
    assert closed.status_code == 200, closed.get_json()
    html = _page(login("supplier"), "/credit")
    assert 'data-testid="credit-restricted"' in html and "围标嫌疑" in html
    assert f'href="/warnings/{case}"' in html
    other = _page(login("purchaser"), f"/credit/{cat.supplier_it}", lang="en")
    assert "Restricted until" in other
    record = login("purchaser").get(f"/api/credit/organisations/{cat.supplier_it}").get_json()
    assert record["restricted_until"] and record["penalties"][0]["warning_id"] == case
