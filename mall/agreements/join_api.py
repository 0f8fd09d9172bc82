"""Joining an open framework agreement over HTTP (加入开放式框架协议, MALL-8), on the
``/api/agreements`` blueprint: a supplier enrolled in the agreement's categories joins during its
term at the joining prices or lower, signing its accession (``joining``)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from core.accounts.auth import require_actor
from core.api import MAX_ID, IntField
from core.db import db
from mall.agreements import joining, queries, signing
from mall.agreements.blueprint import blp
from mall.agreements.models import Agreement, AgreementAccession, AgreementEntrant
from mall.agreements.schemas import PriceArgs, PriceSchema

_id = validate.Range(min=1, max=MAX_ID)


class JoinArgs(Schema):
    prices = fields.List(
        fields.Nested(PriceArgs),
        required=True,
        validate=validate.Length(min=1, max=50),
        metadata={"description": "a unit price per item, each at most its joining price"},
    )
    capacity = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    region_ids = fields.List(
        IntField(validate=_id),
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "the regions served; one is the agreement's region or above it"},
    )


class AccessionSchema(Schema):
    """加入书: the joiner's accession, its document and signature."""

    id = IntField()
    agreement_id = IntField()
    entrant_id = IntField()
    supplier_id = IntField()
    rank = IntField(attribute="entrant.rank")
    status = fields.String(attribute="entrant.status")
    prices = fields.List(fields.Nested(PriceSchema), attribute="entrant.prices")
    region_ids = fields.List(IntField(), attribute="entrant.region_ids")
    capacity = fields.String()
    content = fields.String(
        metadata={"description": "the accession document: canonical JSON, the exact bytes signed"}
    )
    sha256 = fields.String()
    agreement_sha256 = fields.String(
        allow_none=True, metadata={"description": "the agreement's content hash it names"}
    )
    key_id = IntField()
    signature = fields.String(metadata={"description": "base64 Ed25519 signature over content"})
    verified = fields.Boolean(metadata={"description": "the signature verifies over the content"})
    created_at = fields.DateTime()


def _dump(accession: AgreementAccession) -> dict[str, Any]:
    session = db.session
    agreement = session.get(Agreement, accession.agreement_id)
    entrant = session.get(AgreementEntrant, accession.entrant_id)
    assert agreement is not None and entrant is not None
    data = {c: getattr(accession, c) for c in AccessionSchema().fields if hasattr(accession, c)}
    data["entrant"] = entrant
    data["verified"] = signing.accession_verified(session, agreement, accession)
    return data


@blp.route("/<int:agreement_id>/join", methods=["POST"])
@blp.arguments(JoinArgs)
@blp.response(201, AccessionSchema)
@blp.alt_response(403, response="DEFAULT_ERROR", description="not a supplier; not enrolled")
@blp.alt_response(404, response="DEFAULT_ERROR", description="no such agreement")
@blp.alt_response(409, response="DEFAULT_ERROR", description="not open, not in force, entrant")
def join(args: dict[str, Any], agreement_id: int):  # type: ignore[no-untyped-def]
    """加入: a supplier joins an open agreement in its term at the joining prices or lower; its
    accession document is signed with its organisation key. It takes call-offs once the solicitor
    signed the agreement."""
    actor = require_actor()
    found = queries.get_agreement(db.session, actor, agreement_id)
    accession = joining.join(
        db.session,
        actor,
        found,
        args["prices"],
        args["region_ids"],
        args["capacity"],
    )
    return _dump(accession)
