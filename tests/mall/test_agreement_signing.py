"""Framework agreements (MALL-8): the solicitor and each entrant sign the agreement. The result
seals its terms (solicitation terms, entrants, agreed unit prices, term) as canonical JSON whose
SHA-256 goes on the ledger; each signature goes on the ledger in the same transaction and verifies
over those bytes. An entrant takes call-offs only once both it and the solicitor signed; the
agreement takes none before the solicitor and at least one entrant did."""

import base64
import hashlib
import json

from sqlalchemy import select

from core import signatures
from core.accounts.models import OrganisationKey
from mall.agreements.models import Agreement
from supervision.ledger.models import LedgerEntry
from tests.mall.agreements_floor import entries, floor  # noqa: F401
from tests.mall.calloffs_floor import call_off, calloff_entries, counts, in_force


def _signing(api, fa):
    return api.get(f"/api/agreements/{fa.agreement['id']}/signatures")


def _sign(api, fa):
    return api.post(f"/api/agreements/{fa.agreement['id']}/sign")


def _signed_entries(session, agreement_id: int) -> list[dict]:
    session.expire_all()
    rows = session.scalars(
        select(LedgerEntry)
        .where(
            LedgerEntry.subject_type == "agreement",
            LedgerEntry.subject_id == str(agreement_id),
            LedgerEntry.action == "agreement.signed",
        )
        .order_by(LedgerEntry.seq)
    )
    return [json.loads(e.payload) for e in rows]


def test_the_result_seals_the_terms_and_every_party_signs(floor, login, session):  # noqa: F811
    """MALL-8: the content names the solicitor, the term, the items and each entrant's agreed unit
    prices; its hash is on the ledger with the result; each party's signature verifies over it and
    is on the ledger."""
    fa = in_force(floor, login, signed=False)
    view = _signing(fa.operator, fa).get_json()
    terms = json.loads(view["content"])
    assert view["sha256"] == hashlib.sha256(view["content"].encode()).hexdigest()
    assert view["content_intact"] and view["hash_on_ledger"]
    (published,) = entries(session, fa.agreement["solicitation_id"], "agreement.result_published")
    assert published["sha256"] == view["sha256"]
    assert terms["agreement_no"] == fa.agreement["number"]
    assert terms["term"] == {
        "starts": fa.agreement["term_starts"],
        "ends": fa.agreement["term_ends"],
    }
    assert [e["rank"] for e in terms["entrants"]] == [1, 2, 3]
    assert [p["unit_price"] for p in terms["entrants"][0]["prices"]] == ["4700.00", "1950.00"]
    assert [i["max_unit_price"] for i in terms["items"]] == ["5000.00", "2000.00"]
    assert [p["party"] for p in view["parties"]] == ["solicitor", "entrant", "entrant", "entrant"]
    assert not any(p["signed"] for p in view["parties"]) and not view["in_force"]

    for api in [fa.operator, *fa.suppliers]:
        done = _sign(api, fa)
        assert done.status_code == 200, done.get_json()
    view = _signing(fa.purchaser, fa).get_json()  # a purchaser of the region reads it too
    assert all(p["signed"] and p["verified"] for p in view["parties"]) and view["in_force"]
    signed = _signed_entries(session, fa.agreement["id"])
    assert [s["party"] for s in signed] == ["solicitor", "entrant", "entrant", "entrant"]
    document = fa.operator.get(f"/api/agreements/{fa.agreement['id']}/document").data
    assert document.decode() == view["content"]
    for entry in signed:
        assert entry["sha256"] == view["sha256"]
        key = session.get(OrganisationKey, entry["key_id"])
        assert key.organisation_id == entry["organisation_id"]
        assert signatures.verify_with_public_key(key.public_key, document, entry["signature"])


def test_signing_twice_or_as_no_party_is_refused(floor, login, session):  # noqa: F811
    """MALL-8: a party signs once; the eliminated supplier, a purchaser unit of the region and its
    supervisor are no party; nothing is written."""
    fa = in_force(floor, login, signed=False)
    assert _sign(fa.suppliers[0], fa).status_code == 200
    for api, status, code in (
        (fa.suppliers[0], 409, "already_signed"),
        (fa.west, 403, "not_a_party"),
        (fa.purchaser, 403, "not_a_party"),
        (fa.supervisor, 403, "not_a_party"),
    ):
        before = counts(session)
        answer = _sign(api, fa)
        body = answer.get_json()
        assert (answer.status_code, body["code"]) == (status, code), body
        assert body["message"] and body["message_zh"]
        assert counts(session) == before


def test_a_changed_content_no_longer_verifies(floor, login, session):  # noqa: F811
    """MALL-8: a content changed after signing matches neither its hash nor the signatures."""
    fa = in_force(floor, login)
    agreement = session.get(Agreement, fa.agreement["id"])
    agreement.content = agreement.content.replace("4700.00", "4000.00")
    session.commit()
    view = _signing(fa.operator, fa).get_json()
    assert not view["content_intact"] and view["hash_on_ledger"]
    assert not any(p["verified"] for p in view["parties"]) and not view["in_force"]
    refused = call_off(fa)
    assert (refused.status_code, refused.get_json()["code"]) == (409, "agreement_unsigned")


def test_a_forged_signature_does_not_verify(floor, login, session):  # noqa: F811
    fa = in_force(floor, login)
    agreement = session.get(Agreement, fa.agreement["id"])
    row = next(s for s in agreement.signatures if s.party == "entrant")
    row.value = base64.b64encode(b"\0" * 64).decode()
    session.commit()
    parties = _signing(fa.operator, fa).get_json()["parties"]
    assert [p["verified"] for p in parties].count(False) == 1


def test_no_call_off_before_the_solicitor_and_an_entrant_signed(floor, login, session):  # noqa: F811
    """MALL-8: entrants' signatures alone, or the solicitor's alone, do not put it in force."""
    fa = in_force(floor, login, signed=False)
    for signer in (fa.suppliers[1], fa.operator):
        for method in ("direct", "rotation"):
            before = counts(session)
            refused = call_off(fa, method=method)
            body = refused.get_json()
            assert (refused.status_code, body["code"]) == (409, "agreement_unsigned"), body
            assert body["message_zh"]
            assert counts(session) == before
        assert _sign(signer, fa).status_code == 200
    assert call_off(fa).status_code == 201  # the rank-2 entrant, now bound


def test_an_unsigned_entrant_is_neither_picked_nor_offered(floor, login, session):  # noqa: F811
    """MALL-8: with the solicitor and the rank-2 entrant signed, rank 1 and rank 3 take nothing:
    direct selection refuses them, rotation passes their turns by (named on the ledger)."""
    fa = in_force(floor, login, signed=False)
    for api in (fa.operator, fa.suppliers[1]):
        assert _sign(api, fa).status_code == 200
    picked = call_off(fa, entrant_id=fa.entrants[0]["id"])
    assert (picked.status_code, picked.get_json()["code"]) == (409, "entrant_not_active")
    rotation = call_off(fa, method="rotation")
    assert rotation.status_code == 201, rotation.get_json()
    calloff = rotation.get_json()
    (offered,) = [
        e
        for e in calloff_entries(session, calloff["id"])
        if e["_action"] == "agreement.calloff_offered"
    ]
    assert offered["entrant_id"] == fa.entrants[1]["id"]
    assert [s["status"] for s in offered["skipped"]] == ["unsigned"]
    # once rank 1 signs, it is picked like any other
    assert _sign(fa.suppliers[0], fa).status_code == 200
    assert call_off(fa, entrant_id=fa.entrants[0]["id"]).status_code == 201
