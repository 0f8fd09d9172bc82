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
    dispute_id = IntField(allow_none=True, metadata={"description": "the ruling that imposed it"})
    warning_id = IntField(allow_none=True, metadata={"description": "the warning that imposed it"})


class RestrictionSchema(Schema):
    """一处失信，处处受约: while active, the organisation may not bid in auctions or volume
    purchases, nor respond to or join framework agreements."""

    source = fields.String(metadata={"description": "warning (a closed warning's penalty) | score"})
    reason = fields.String()
    warning_id = IntField(allow_none=True)
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    active = fields.Boolean()


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
    restrictions = fields.List(
        fields.Nested(RestrictionSchema),
        metadata={"description": "every restriction, newest first"},
    )
    restricted_until = fields.DateTime(
        allow_none=True, metadata={"description": "the end of the restriction in force, if any"}
    )
