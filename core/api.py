"""API conventions: one error shape, one pagination convention, the OpenAPI document.

Every failure is ``{"code", "message", "message_zh", "details"}``. Lists are
``{"items", "page", "per_page", "total"}`` with ``page`` and ``per_page`` query arguments.
"""

from __future__ import annotations

import json
import logging
import math
import re
from decimal import Decimal
from typing import Any

from apispec import BasePlugin
from flask import Flask, Response, jsonify, render_template, request
from flask_smorest import Api
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from core.errors import DomainError, RateLimited
from core.money import AmountError, cny, parse_amount

log = logging.getLogger(__name__)

HTTP_MESSAGES_ZH = {
    400: "请求格式不正确。",
    401: "请先登录。",
    403: "您无权执行此操作。",
    404: "未找到。",
    405: "不支持该请求方法。",
    409: "请求与当前状态冲突。",
    413: "上传内容过大。",
    415: "不支持的内容类型。",
    422: "部分字段不符合要求。",
    429: "请求过于频繁，请稍后再试。",
    500: "服务器内部错误。",
}
HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    500: "server_error",
}


class ErrorSchema(Schema):
    code = fields.String(required=True, metadata={"description": "Machine-readable error code"})
    message = fields.String(required=True, metadata={"description": "English message"})
    message_zh = fields.String(required=True, metadata={"description": "中文说明"})
    details = fields.Dict(required=True, metadata={"description": "Failing fields or extra data"})


#: How deeply arrays and objects may nest in a JSON request body. Real bodies nest a few levels;
#: a deeper one is refused (400 ``bad_json``) before any parser sees it.
MAX_JSON_DEPTH = 32

# One pass over a JSON body: a complete string (skipped whole, so brackets inside it do not count),
# a bracket, or the quote that opens a string which never ends.
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]++|\\.)*+"|[\[\]{}]|"', re.DOTALL)
_OPEN = frozenset(b"[{")
_QUOTE = ord('"')


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether arrays and objects in ``body`` nest deeper than ``limit``: one linear scan of the
    raw bytes that ignores brackets inside strings. It does not check that ``body`` is JSON."""
    depth = 0
    for token in _JSON_TOKEN.finditer(body):
        first = body[token.start()]
        if first == _QUOTE:
            if token.end() - token.start() == 1:
                break  # an unterminated string: the rest of the body is inside it
        elif first in _OPEN:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is out of range")
    return number


def bad_json(reason: str, reason_zh: str, details: dict[str, Any] | None = None) -> Response:
    return error_response(
        400,
        {
            "code": "bad_json",
            "message": f"The request body is not valid JSON: {reason}.",
            "message_zh": f"请求正文不是有效的 JSON：{reason_zh}。",
            "details": details or {},
        },
    )


def check_json_body() -> Response | None:
    """Before any view: a JSON request body must be JSON (UTF-8, no NaN or Infinity, numbers a
    float can hold) nested at most ``MAX_JSON_DEPTH`` deep; otherwise 400 ``bad_json``."""
    if not request.is_json:
        return None
    body = request.get_data(cache=True)
    if not body:
        return None
    if json_too_deep(body):
        return bad_json(
            f"nested deeper than {MAX_JSON_DEPTH} levels",
            f"嵌套超过 {MAX_JSON_DEPTH} 层",
            {"max_depth": MAX_JSON_DEPTH},
        )
    try:
        json.loads(body.decode("utf-8"), parse_constant=_no_constant, parse_float=_finite)
    except UnicodeDecodeError:
        return bad_json("not UTF-8", "须为 UTF-8 编码")
    except (ValueError, RecursionError):
        return bad_json("malformed", "格式错误")
    return None


class IntField(fields.Integer):
    """A whole number. In a JSON body only a JSON integer is accepted: ``1.5``, ``2.0``, ``"3"``
    and ``true`` are refused. With ``text=True`` (query-string and form fields, which always
    arrive as text) a string of ASCII digits with an optional leading ``-`` is accepted too.
    Validators (``Range`` …) apply as usual; dumps like ``fields.Integer``."""

    default_error_messages = {  # noqa: RUF012
        "invalid": "须为整数 / Must be a whole number.",
        "too_large": "数值过大 / The number is too large.",
        "required": "必填 / Missing data for required field.",
        "null": "不能为空 / Field may not be null.",
    }
    _TEXT = re.compile(r"-?[0-9]{1,19}", re.ASCII)
    #: Beyond any column: refused here rather than by the database.
    LIMIT = 2**63 - 1

    def __init__(self, *, text: bool = False, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)
        self.text = text

    def _validated(self, value: Any) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if self.text and isinstance(value, str) and self._TEXT.fullmatch(value):
            value = int(value)
        if not isinstance(value, int):
            raise self.make_error("invalid")
        if abs(value) > self.LIMIT:
            raise self.make_error("too_large")
        return value


class PageArgs(Schema):
    page = IntField(text=True, load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = IntField(text=True, load_default=20, validate=validate.Range(min=1, max=100))


def page_of(item_schema: type[Schema], name: str) -> type[Schema]:
    """The envelope schema for a page of ``item_schema``."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "page": IntField(required=True),
            "per_page": IntField(required=True),
            "total": IntField(required=True),
        },
        name=name,
    )


def paginate(session: Session, query: Any, args: dict[str, Any]) -> dict[str, Any]:
    page, per_page = args["page"], args["per_page"]
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": items, "page": page, "per_page": per_page, "total": total}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, body: dict[str, Any], headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    if _wants_json():
        response = jsonify(body)
    else:
        response = Response(
            render_template("error.html", status=status, error=body), mimetype="text/html"
        )
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def http_error(error: HTTPException) -> Response:
    status = error.code or 500
    details: dict[str, Any] = {}
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if status == 400 and isinstance(messages, dict) and isinstance(messages.get("json"), list):
        return bad_json("malformed", "格式错误")  # webargs could not parse the body
    if status == 422 and isinstance(messages, dict):
        # webargs: {"json": {"field": [...]}} → {"field": [...]}
        for location_errors in messages.values():
            if isinstance(location_errors, dict):
                details.update(location_errors)
    headers = {}
    if status == 405:
        allow = dict(error.get_headers()).get("Allow")
        if allow:
            headers["Allow"] = allow
    body = {
        "code": HTTP_CODES.get(status, "error"),
        "message": error.description if status not in (422,) else "Some fields are invalid.",
        "message_zh": HTTP_MESSAGES_ZH.get(status, "请求失败。"),
        "details": details,
    }
    return error_response(status, body, headers)


def domain_error(error: DomainError) -> Response:
    headers = {}
    if isinstance(error, RateLimited):
        headers["Retry-After"] = str(error.retry_after)
    return error_response(error.status, error.to_dict(), headers)


def server_error(error: Exception) -> Response:
    log.exception("unhandled error", exc_info=error)
    return error_response(
        500,
        {
            "code": "server_error",
            "message": "Internal server error.",
            "message_zh": HTTP_MESSAGES_ZH[500],
            "details": {},
        },
    )


MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` in URLs: ids the database can hold (1 … 2³¹−1); anything else is a 404."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 0)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def out_of_range(error: Exception) -> Response:
    """A number too large for its column got past validation: refuse it, change nothing."""
    log.warning("refused out of range: %s", error)
    return error_response(
        422,
        {
            "code": "out_of_range",
            "message": "A number is out of range.",
            "message_zh": "数值超出允许范围。",
            "details": {},
        },
    )


def stale(error: Exception) -> Response:
    """Someone else changed the row first (optimistic version check): ask to retry."""
    return error_response(
        409,
        {
            "code": "changed_meanwhile",
            "message": "It was changed by someone else meanwhile; reload and try again.",
            "message_zh": "数据已被他人修改，请刷新后重试。",
            "details": {},
        },
    )


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
    api.register_field(IntField, "integer", None)
    app.before_request(check_json_body)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(DomainError, domain_error)
    app.register_error_handler(OverflowError, out_of_range)  # SQLite: integer beyond 64 bits
    app.register_error_handler(DataError, out_of_range)  # PostgreSQL: value out of range
    app.register_error_handler(StaleDataError, stale)
    app.register_error_handler(Exception, server_error)
    return api


class MoneyField(fields.Field):
    """CNY amount, at least zero: a string of ASCII digits with at most two decimal places
    ("1999", "1999.5", "1999.00"; at most 12 digits before the point) or a JSON integer; returned
    as a string with two places ("1999.00"). Exponents, NaN, Infinity, signs, spaces, non-ASCII
    digits and JSON floats are refused: an amount is never a float inside the system."""

    default_error_messages = {  # noqa: RUF012
        "invalid": "金额须为最多两位小数的数字字符串 / Amount must be a string of digits with at "
        "most two decimals.",
        "negative": "金额不能为负数 / Must not be negative.",
        "too_large": "金额过大 / The amount is too large.",
        "required": "必填 / Missing data for required field.",
        "null": "不能为空 / Field may not be null.",
    }

    #: The accepted text, as the OpenAPI document states it.
    PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,2})?$"

    def __init__(self, **kwargs: Any) -> None:
        kwargs["metadata"] = {"pattern": self.PATTERN, **(kwargs.get("metadata") or {})}
        super().__init__(**kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(cny(value))

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        try:
            return parse_amount(value)
        except AmountError as error:
            raise self.make_error(error.reason) from None
