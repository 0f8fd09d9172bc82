"""GET /api/catalog/search: full-text search over on-shelf listings, with filters, facets and sorts."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_smorest import Blueprint

from catalog.search import service
from catalog.search.schemas import SearchArgs, SearchResultSchema
from core.accounts.auth import require_actor
from core.db import db

blp = Blueprint(
    "search", __name__, url_prefix="/api/catalog", description="商品搜索 Search (CAT-6)"
)


@blp.route("/search")
@blp.arguments(SearchArgs, location="query")
@blp.response(200, SearchResultSchema)
def search(args: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Search on-shelf listings in Chinese or English; filter, facet, sort and page."""
    require_actor()
    return service.search(db.session, current_app.extensions["search"], args)
