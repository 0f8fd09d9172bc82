"""Domain errors. Services raise them; one handler turns them into the API's error shape.

Every error carries a machine-readable ``code``, an English ``message``, a Chinese ``message_zh`` and
optional ``details`` (for example the failing fields).
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "bad_request"
    message = "The request cannot be processed."
    message_zh = "请求无法处理。"

    def __init__(
        self,
        message: str | None = None,
        message_zh: str | None = None,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.message = message or self.message
        self.message_zh = message_zh or self.message_zh
        self.code = code or self.code
        self.details = details or {}
        super().__init__(self.message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "message_zh": self.message_zh,
            "details": self.details,
        }


class ValidationFailed(DomainError):
    status = 422
    code = "validation_failed"
    message = "Some fields are invalid."
    message_zh = "部分字段不符合要求。"


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"
    message = "Please sign in."
    message_zh = "请先登录。"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    message = "You are not allowed to do this."
    message_zh = "您无权执行此操作。"


class NotFound(DomainError):
    status = 404
    code = "not_found"
    message = "Not found."
    message_zh = "未找到。"


class Conflict(DomainError):
    status = 409
    code = "conflict"
    message = "The request conflicts with the current state."
    message_zh = "请求与当前状态冲突。"


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
    message = "Too many attempts; try again later."
    message_zh = "尝试次数过多，请稍后再试。"

    def __init__(self, retry_after: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.retry_after = retry_after
        self.details = {"retry_after_seconds": retry_after}
