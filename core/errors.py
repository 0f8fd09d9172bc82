"""Domain errors. Services raise them; one handler turns them into the API's error shape.

Every error carries a machine-readable ``code``, an English ``message``, a Chinese ``message_zh`` and
optional ``details`` (for example the failing fields). The message is written in English; its
Chinese comes from the services' catalog (core.messages), values named in it (``%(date)s``) given as
``params``: ``Conflict("The entrant is suspended until %(date)s.", code=..., params={"date": d})``.
A Chinese text may still be passed beside the English one (``Conflict(en, zh, code=...)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.messages import N_, translate


class DomainError(Exception):
    status = 400
    code = "bad_request"
    message = N_("The request cannot be processed.")
    message_zh: str | None = None  # a subclass's default, when written beside its message

    def __init__(
        self,
        message: str | None = None,
        message_zh: str | None = None,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        if message is None and message_zh is None:
            message_zh = type(self).message_zh
        msgid = message or type(self).message
        self.msgid = msgid
        self.params = dict(params) if params is not None else None
        self.message = translate(msgid, "en", self.params)
        self.message_zh = message_zh or translate(msgid, "zh", self.params)
        self.code = code or self.code
        self.details = details or {}
        super().__init__(self.message)

    def text(self, lang: str) -> str:
        """The message in ``lang`` (``zh`` or ``en``)."""
        return self.message_zh if lang == "zh" else self.message  # type: ignore[return-value]

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
    message = N_("Some fields are invalid.")


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"
    message = N_("Please sign in.")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    message = N_("You are not allowed to do this.")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    message = N_("Not found.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    message = N_("The request conflicts with the current state.")


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
    message = N_("Too many attempts; try again later.")

    def __init__(self, retry_after: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.retry_after = retry_after
        self.details = {"retry_after_seconds": retry_after}
