"""Categories, parameter schemas and standard products: reads for everyone signed in, writes for operators."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from catalog.categories import service
from catalog.categories.schemas import (
    CategoryQuerySchema,
    CategorySchema,
    CategoryUpdateSchema,
    ParameterSchemaSchema,
    SchemaQuerySchema,
    StandardProductQuerySchema,
    StandardProductSchema,
)
from core.accounts.auth import require_actor
from core.db import db
from core.errors import NotFound

blp = Blueprint(
    "categories", __name__, url_prefix="/api/catalog", description="品目 Categories (CAT-1, CAT-2)"
)


@blp.route("/categories")
class Categories(MethodView):
    @blp.arguments(CategoryQuerySchema, location="query")
    @blp.response(200, CategorySchema(many=True))
    def get(self, args: dict[str, Any]):  # type: ignore[no-untyped-def]
        """The category tree, ordered by code; each node carries its path of ids."""
        require_actor()
        return service.list_categories(db.session, args["include_retired"])

    @blp.arguments(CategorySchema)
    @blp.response(201, CategorySchema)
    def post(self, args: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Add a category (operators)."""
        return service.create_category(db.session, require_actor(), args)


@blp.route("/categories/<int:category_id>")
class CategoryItem(MethodView):
    @blp.response(200, CategorySchema)
    def get(self, category_id: int):  # type: ignore[no-untyped-def]
        require_actor()
        return service.get_category(db.session, category_id)

    @blp.arguments(CategoryUpdateSchema)
    @blp.response(200, CategorySchema)
    def patch(self, args: dict[str, Any], category_id: int):  # type: ignore[no-untyped-def]
        """Rename, change flags, or move under another parent (operators)."""
        return service.update_category(db.session, require_actor(), category_id, args)


@blp.route("/categories/<int:category_id>/retire", methods=["POST"])
@blp.response(200, CategorySchema)
def retire(category_id: int):  # type: ignore[no-untyped-def]
    """Retire a category; refused while it has live listings or sub-categories."""
    return service.retire_category(db.session, require_actor(), category_id)


@blp.route("/categories/<int:category_id>/schema")
class CategorySchemaItem(MethodView):
    @blp.arguments(SchemaQuerySchema, location="query")
    @blp.response(200, ParameterSchemaSchema)
    def get(self, args: dict[str, Any], category_id: int):  # type: ignore[no-untyped-def]
        """The current parameter schema, or ``?version=N``."""
        require_actor()
        service.get_category(db.session, category_id)
        if args.get("version"):
            return service.schema_version(db.session, category_id, args["version"])
        schema = service.current_schema(db.session, category_id)
        if schema is None:
            raise NotFound("The category has no parameter schema.")
        return schema

    @blp.arguments(ParameterSchemaSchema)
    @blp.response(200, ParameterSchemaSchema)
    def put(self, args: dict[str, Any], category_id: int):  # type: ignore[no-untyped-def]
        """Publish a new version of the parameters (operators); listings keep their version until edited."""
        return service.set_schema(db.session, require_actor(), category_id, args["params"])


@blp.route("/standard-products")
class StandardProducts(MethodView):
    @blp.arguments(StandardProductQuerySchema, location="query")
    @blp.response(200, StandardProductSchema(many=True))
    def get(self, args: dict[str, Any]):  # type: ignore[no-untyped-def]
        require_actor()
        return service.list_standard_products(db.session, args.get("category_id"))

    @blp.arguments(StandardProductSchema)
    @blp.response(201, StandardProductSchema)
    def post(self, args: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Define a standard product: a category plus fixed parameter values (operators)."""
        return service.create_standard_product(db.session, require_actor(), args)


@blp.route("/standard-products/<int:product_id>")
@blp.response(200, StandardProductSchema)
def standard_product(product_id: int):  # type: ignore[no-untyped-def]
    require_actor()
    return service.get_standard_product(db.session, product_id)
