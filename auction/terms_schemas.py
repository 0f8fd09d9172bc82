"""The bidding terms in the API (AUC-1, AUC-2): the fields an auction's and a volume purchase's
create forms share, the fields their dumps share, and the ceiling field that hides a ceiling that
is not shown from everyone its owner's side does not include."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from marshmallow import Schema, fields, validate

from auction.terms import MAX_EXTENSION, MAX_EXTENSIONS, MAX_SNIPE_WINDOW
from core.api import IntField, MoneyField


class BiddingRulesArgs(Schema):
    """The bidding terms a create form sends, with the defaults it leaves out."""

    ceiling = MoneyField(required=True, metadata={"description": "最高限价, a unit price"})
    show_ceiling = fields.Boolean(load_default=True)
    decrement_mode = fields.String(required=True, validate=validate.OneOf(["absolute", "percent"]))
    decrement_value = MoneyField(
        required=True,
        metadata={"description": "CNY (absolute) or percent of the price to beat, 0.5–3"},
    )
    must_beat = fields.String(load_default="best", validate=validate.OneOf(["best", "own"]))
    snipe_window_seconds = IntField(
        load_default=120, validate=validate.Range(min=0, max=MAX_SNIPE_WINDOW)
    )
    extension_seconds = IntField(
        load_default=180, validate=validate.Range(min=0, max=MAX_EXTENSION)
    )
    max_extensions = IntField(load_default=5, validate=validate.Range(min=0, max=MAX_EXTENSIONS))
    visibility = fields.String(
        load_default="best", validate=validate.OneOf(["rank", "best", "ladder"])
    )
    min_bidders = IntField(load_default=3, validate=validate.Range(min=1, max=50))


class BiddingRulesSchema(Schema):
    """The bidding terms as every reader gets them; the ceiling is ``hidden_ceiling``'s."""

    show_ceiling = fields.Boolean()
    decrement_mode = fields.String()
    decrement_value = MoneyField()
    must_beat = fields.String()
    snipe_window_seconds = IntField()
    extension_seconds = IntField()
    max_extensions = IntField()
    visibility = fields.String()
    min_bidders = IntField()


def hidden_ceiling(visible: Callable[[Any], Decimal | None], hidden_from: str) -> fields.Function:
    """The ceiling as ``visible(obj)`` lets the caller see it, null where it is hidden: every view
    that dumps an auction or a pool goes through here."""

    def dump(obj: Any) -> str | None:
        amount = visible(obj)
        return None if amount is None else str(amount)

    return fields.Function(
        dump,
        allow_none=True,
        metadata={
            "description": f"最高限价 (unit price); null for {hidden_from} when it is not shown"
        },
    )
