"""API error answers: every failure is ``{"code", "message", "message_zh", "details"}``, as JSON for the
API (and clients that ask for JSON) or as an error page otherwise. ``message`` is in the language the
request asks for (its ``lang`` cookie, else ``Accept-Language``: see core.messages.requested_lang),
English when it asks for neither; ``message_zh`` is always Chinese.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, jsonify, render_template, request
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from core.errors import DomainError, RateLimited
from core.messages import N_, en_zh, requested_lang, translate

log = logging.getLogger(__name__)

#: The Chinese of each status's message (the English is Werkzeug's description of the status).
HTTP_MESSAGES = {
    400: N_("The request is malformed."),
    401: N_("Please sign in."),
    403: N_("You are not allowed to do this."),
    404: N_("Not found."),
    405: N_("The request method is not supported."),
    409: N_("The request conflicts with the current state."),
    413: N_("The upload is too large."),
    415: N_("The content type is not supported."),
    422: N_("Some fields are invalid."),
    429: N_("Too many requests; try again later."),
    500: N_("Internal server error."),
}
HTTP_MESSAGES_ZH = {status: translate(text, "zh") for status, text in HTTP_MESSAGES.items()}


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
    class Meta:
        description = (
            "Every refusal: a machine-readable `code`, the message in the request's language "
            "(`message`: Chinese when the `lang` cookie says `zh` or, without that cookie, "
            "`Accept-Language` prefers Chinese; English otherwise, and when the request names "
            "neither language), the message in Chinese (`message_zh`) and `details`."
        )

    code = fields.String(required=True, metadata={"description": "Machine-readable error code"})
    message = fields.String(
        required=True,
        metadata={
            "description": "The message in the request's language: Chinese when the `lang` cookie "
            "is `zh` or, without that cookie, `Accept-Language` prefers Chinese; otherwise English"
        },
    )
    message_zh = fields.String(required=True, metadata={"description": "The message in Chinese"})
    details = fields.Dict(required=True, metadata={"description": "Failing fields or extra data"})


def bad_json(
    reason: str, details: dict[str, Any] | None = None, params: dict[str, object] | None = None
) -> Response:
    """400 ``bad_json``; ``reason`` is a message of the services' catalog (with its ``params``)."""
    message, message_zh = (
        translate(
            N_("The request body is not valid JSON: %(reason)s."),
            lang,
            {"reason": translate(reason, lang, params)},
        )
        for lang in ("en", "zh")
    )
    return error_response(
        400,
        {
            "code": "bad_json",
            "message": message,
            "message_zh": message_zh,
            "details": details or {},
        },
    )


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, body: dict[str, Any], headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    if _wants_json():
        if requested_lang() == "zh" and body.get("message_zh"):
            body = {**body, "message": body["message_zh"]}
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
        return bad_json(N_("malformed"))  # webargs could not parse the body
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
        "message_zh": HTTP_MESSAGES_ZH.get(status) or translate(N_("The request failed."), "zh"),
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
    message, message_zh = en_zh(HTTP_MESSAGES[500])
    return error_response(
        500,
        {"code": "server_error", "message": message, "message_zh": message_zh, "details": {}},
    )


def out_of_range(error: Exception) -> Response:
    """A number too large for its column got past validation: refuse it, change nothing."""
    log.warning("refused out of range: %s", error)
    message, message_zh = en_zh("A number is out of range.")
    return error_response(
        422,
        {"code": "out_of_range", "message": message, "message_zh": message_zh, "details": {}},
    )


def stale(error: Exception) -> Response:
    """Someone else changed the row first (optimistic version check): ask to retry."""
    message, message_zh = en_zh("It was changed by someone else meanwhile; reload and try again.")
    return error_response(
        409,
        {"code": "changed_meanwhile", "message": message, "message_zh": message_zh, "details": {}},
    )
