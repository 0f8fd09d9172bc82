from __future__ import annotations

from marshmallow import Schema, fields

from core.api import IntField


class SignatureSchema(Schema):
    party = fields.String(metadata={"description": "purchaser | supplier"})
    organisation_id = IntField()
    key_id = IntField()
    signed_by = IntField()
    signed_at = fields.DateTime()
    verified = fields.Boolean(
        metadata={"description": "the signature verifies over the content with a key of that party"}
    )


class ContractSchema(Schema):
    id = IntField()
    number = fields.String()
    order_id = IntField()
    created_at = fields.DateTime()
    content = fields.String(
        metadata={"description": "canonical JSON of the terms: the exact bytes (UTF-8) signed"}
    )
    terms = fields.Dict(allow_none=True, metadata={"description": "the content, parsed"})
    sha256 = fields.String()
    content_intact = fields.Boolean(metadata={"description": "the content matches sha256"})
    hash_on_ledger = fields.Boolean(
        metadata={"description": "sha256 is the hash the ledger recorded at creation"}
    )
    signatures = fields.List(fields.Nested(SignatureSchema))
    fully_signed = fields.Boolean(
        metadata={"description": "both parties signed and both signatures verify"}
    )
