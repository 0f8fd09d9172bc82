from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.api import IntField
from mall.ratings.service import MAX_COMMENT
from supervision.credit.criteria import CRITERIA, MAX_SCORE, MIN_SCORE

_criteria = "; ".join(
    f"{side}: {', '.join(code for code, _, _ in criteria)}" for side, criteria in CRITERIA.items()
)


class RateSchema(Schema):
    # Values are checked by the service, which reports each criterion that is missing or wrong.
    scores = fields.Dict(
        keys=fields.String(validate=validate.Length(max=40)),
        values=fields.Raw(allow_none=True),
        required=True,
        metadata={
            "description": f"criterion → whole number {MIN_SCORE}..{MAX_SCORE}; by the rater's "
            f"side — {_criteria}"
        },
    )
    comment = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=MAX_COMMENT)
    )


class RatingSchema(Schema):
    id = IntField()
    order_id = IntField()
    side = fields.String(metadata={"description": "the rater's side: purchaser | supplier"})
    rater_org_id = IntField()
    rated_org_id = IntField()
    scores = fields.Dict(keys=fields.String(), values=IntField())
    overall = fields.Decimal(as_string=True, places=2)
    comment = fields.String(allow_none=True)
    created_at = fields.DateTime()
