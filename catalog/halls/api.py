"""Theme and industry halls (CAT-5): operators define them; everyone signed in browses them."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from catalog.halls import service
from catalog.halls.models import HALL_KINDS
from catalog.search.schemas import HitSchema
from core.accounts.auth import require_actor
from core.api import IntField
from core.db import db

blp = Blueprint(
    "halls", __name__, url_prefix="/api/catalog", description="主题馆 / 行业馆 Halls (CAT-5)"
)


class HallSchema(Schema):
    id = IntField(dump_only=True)
    slug = fields.String(required=True, validate=validate.Length(min=2, max=60))
    kind = fields.String(required=True, validate=validate.OneOf(HALL_KINDS))
    name_zh = fields.String(required=True, validate=validate.Length(min=1, max=100))
    name_en = fields.String(validate=validate.Length(min=1, max=100))
    description_zh = fields.String(load_default="", validate=validate.Length(max=2000))
    description_en = fields.String(load_default="", validate=validate.Length(max=2000))
    rule = fields.Dict(
        allow_none=True, load_default=None, metadata={"description": "search arguments"}
    )
    position = IntField(load_default=0, validate=validate.Range(min=0, max=1000))
    active = fields.Boolean(dump_only=True)
    picks = fields.Function(lambda h: [p.listing_id for p in h.picks], dump_only=True)


class HallUpdateSchema(Schema):
    name_zh = fields.String(validate=validate.Length(min=1, max=100))
    name_en = fields.String(validate=validate.Length(min=1, max=100))
    description_zh = fields.String(validate=validate.Length(max=2000))
    description_en = fields.String(validate=validate.Length(max=2000))
    rule = fields.Dict(allow_none=True)
    position = IntField(validate=validate.Range(min=0, max=1000))
    active = fields.Boolean()


class PickSchema(Schema):
    listing_id = IntField(required=True)


class HallPageArgs(Schema):
    page = IntField(text=True, load_default=1, validate=validate.Range(min=1, max=50))
    per_page = IntField(text=True, load_default=20, validate=validate.Range(min=1, max=100))


class HallPageSchema(Schema):
    items = fields.List(fields.Nested(HitSchema))
    total = IntField()
    page = IntField()
    per_page = IntField()


@blp.route("/halls")
class Halls(MethodView):
    @blp.response(200, HallSchema(many=True))
    def get(self):  # type: ignore[no-untyped-def]
        require_actor()
        return service.list_halls(db.session)

    @blp.arguments(HallSchema)
    @blp.response(201, HallSchema)
    def post(self, args: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Define a hall by a saved search and/or hand-picked listings (operators)."""
        return service.create_hall(db.session, require_actor(), args)


@blp.route("/halls/<int:hall_id>")
class HallItem(MethodView):
    @blp.response(200, HallSchema)
    def get(self, hall_id: int):  # type: ignore[no-untyped-def]
        require_actor()
        return service.get_hall(db.session, hall_id)

    @blp.arguments(HallUpdateSchema)
    @blp.response(200, HallSchema)
    def patch(self, args: dict[str, Any], hall_id: int):  # type: ignore[no-untyped-def]
        return service.update_hall(db.session, require_actor(), hall_id, args)


@blp.route("/halls/<int:hall_id>/listings")
@blp.arguments(HallPageArgs, location="query")
@blp.response(200, HallPageSchema)
def hall_listings(args: dict[str, Any], hall_id: int):  # type: ignore[no-untyped-def]
    """The hall's listings: hand-picked first, then the saved search's results."""
    require_actor()
    hall = service.get_hall(db.session, hall_id)
    return service.hall_listings(
        db.session, current_app.extensions["search"], hall, args["page"], args["per_page"]
    )


@blp.route("/halls/<int:hall_id>/picks", methods=["POST"])
@blp.arguments(PickSchema)
@blp.response(200, HallSchema)
def add_pick(args: dict[str, Any], hall_id: int):  # type: ignore[no-untyped-def]
    return service.pick(db.session, require_actor(), hall_id, args["listing_id"])


@blp.route("/halls/<int:hall_id>/picks/<int:listing_id>", methods=["DELETE"])
@blp.response(200, HallSchema)
def remove_pick(hall_id: int, listing_id: int):  # type: ignore[no-untyped-def]
    return service.unpick(db.session, require_actor(), hall_id, listing_id)
