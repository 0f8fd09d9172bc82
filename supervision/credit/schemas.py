from __future__ import annotations

from marshmallow import Schema, fields

from core.api import IntField

_score = {"description": "average of 1–5 scores, two decimal places"}


class CreditOrganisationSchema(Schema):
    id = IntField()
    name_zh = fields.String()
    name_en = fields.String()
    kind = fields.String()


class CriterionAverageSchema(Schema):
    code = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    average = fields.Decimal(as_string=True, places=2, metadata=_score)
    count = IntField()


class PublicRatingSchema(Schema):
    """A rating as the public record shows it: the rater only by its kind, never by name."""

    at = fields.DateTime()
    rater_kind = fields.String(metadata={"description": "purchaser | supplier"})
    rater_kind_zh = fields.String()
    rater_kind_en = fields.String()
    scores = fields.Dict(keys=fields.String(), values=IntField())
    overall = fields.Decimal(as_string=True, places=2, metadata=_score)
    comment = fields.String(allow_none=True)


class PenaltySchema(Schema):
    at = fields.DateTime()
    points = IntField()
    reason = fields.String(allow_none=True)
    dispute_id = IntField(allow_none=True)


class CreditRecordSchema(Schema):
    organisation = fields.Nested(CreditOrganisationSchema)
    count = IntField(metadata={"description": "number of ratings received"})
    overall = fields.Decimal(as_string=True, places=2, allow_none=True, metadata=_score)
    criteria = fields.List(fields.Nested(CriterionAverageSchema))
    recent = fields.List(
        fields.Nested(PublicRatingSchema), metadata={"description": "newest first"}
    )
    penalty_points = IntField(metadata={"description": "sum of all credit penalties"})
    penalties = fields.List(
        fields.Nested(PenaltySchema), metadata={"description": "latest penalties, newest first"}
    )
