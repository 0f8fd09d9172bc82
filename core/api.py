"""API conventions: one error shape, one pagination convention, the OpenAPI document.

Every failure is ``{"code", "message", "message_zh", "details"}``. Lists are
``{"items", "page", "per_page", "total"}`` with ``page`` and ``per_page`` query arguments.
"""

from __future__ import annotations

from typing import Any

from apispec import BasePlugin
from flask import Flask, Response
from flask_smorest import Api
from marshmallow import fields
from sqlalchemy.exc import DataError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from core.api_errors import (  # noqa: F401
    HTTP_CODES,
    HTTP_MESSAGES_ZH,
    ErrorSchema,
    bad_json,
    domain_error,
    error_response,
    http_error,
    out_of_range,
    server_error,
    stale,
)
from core.api_fields import (  # noqa: F401
    MAX_ID,
    IdConverter,
    IntField,
    MoneyField,
    PageArgs,
    page_of,
    paginate,
)
from core.api_json import (  # noqa: F401
    MAX_JSON_DEPTH,
    check_json_body,
    json_too_deep,
)
from core.errors import DomainError

#: Set on a view that no rate limit ever refuses (``core.limits.unlimited``).
NEVER_LIMITED = "never_rate_limited"

WRITE_METHODS = ("post", "put", "patch", "delete")


def _view_method(app: Flask, endpoint: str, method: str) -> Any:
    view = app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)
    return getattr(view_class, method, view) if view_class is not None else view


class RateLimitResponses(BasePlugin):
    """Documents the ``429`` (with ``Retry-After``) that every API write may answer — the rate
    limits, the bid limit, the sign-in throttle — on each write operation of the spec, except views
    that no limit refuses."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def operation_helper(
        self, path: str | None = None, operations: dict | None = None, **kwargs: Any
    ) -> None:
        rule = kwargs.get("rule")
        if not operations or rule is None or not str(path or "").startswith("/api/"):
            return
        for method, operation in operations.items():
            if method not in WRITE_METHODS:
                continue
            if getattr(_view_method(self.app, rule.endpoint, method), NEVER_LIMITED, False):
                continue
            operation.setdefault("responses", {}).setdefault("429", "RATE_LIMITED")


class MallApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException) -> Response:  # type: ignore[override]
        return http_error(error)


def init_api(app: Flask) -> MallApi:
    app.url_map.converters["int"] = IdConverter
    app.config.update(
        API_TITLE="政采商城 Government Procurement E-Mall API",
        API_VERSION="1.0",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="/vendor/swagger-ui-dist/",
    )
    api = MallApi(
        app,
        spec_kwargs={
            "components": {
                "securitySchemes": {
                    "bearer": {"type": "http", "scheme": "bearer"},
                    "session": {"type": "apiKey", "in": "cookie", "name": "mall_session"},
                }
            },
            "security": [{"bearer": []}, {"session": []}],
            "extra_plugins": [RateLimitResponses(app)],
        },
    )
    api.spec.components.response(
        "RATE_LIMITED",
        {
            "description": "Too many requests: wait the seconds in Retry-After (code "
            "`rate_limited`, or `signin_throttled` for sign-ins).",
            "headers": {
                "Retry-After": {
                    "description": "Seconds to wait before trying again.",
                    "schema": {"type": "integer", "minimum": 1},
                }
            },
            "content": {"application/json": {"schema": "Error"}},
        },
    )
    api.register_field(MoneyField, "string", "decimal")
    # Every other decimal the API returns (scores, shares) is a string too (``as_string``).
    api.register_field(fields.Decimal, "string", "decimal")
    api.register_field(IntField, "integer", None)
    app.before_request(check_json_body)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(DomainError, domain_error)
    app.register_error_handler(OverflowError, out_of_range)  # SQLite: integer beyond 64 bits
    app.register_error_handler(DataError, out_of_range)  # PostgreSQL: value out of range
    app.register_error_handler(StaleDataError, stale)
    app.register_error_handler(Exception, server_error)
    return api
