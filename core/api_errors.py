"""API error answers: every failure is ``{"code", "message", "message_zh", "details"}``, as JSON for the
API (and clients that ask for JSON) or as an error page otherwise.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, jsonify, render_template, request
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from core.errors import DomainError, RateLimited

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
