"""Where core reports account events for the supervision ledger.

``core`` may not import the layers above it, so the ledger registers itself here at start-up
(``supervision.ledger`` calls ``set_recorder``) and account services call ``audit(...)`` inside their
own transaction. With no recorder registered, auditing fails loudly rather than skipping the record.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.orm import Session


class Recorder(Protocol):
    def __call__(
        self,
        session: Session,
        actor: Any,
        action: str,
        subject: tuple[str, Any],
        payload: dict,
        region_id: int | None = None,
    ) -> Any: ...


_recorder: Recorder | None = None


def set_recorder(recorder: Recorder) -> None:
    global _recorder
    _recorder = recorder


def audit(
    session: Session,
    actor: Any,
    action: str,
    subject: tuple[str, Any],
    payload: dict,
    region_id: int | None = None,
) -> Any:
    if _recorder is None:
        raise RuntimeError("no ledger recorder registered; import supervision.ledger at start-up")
    return _recorder(session, actor, action, subject, payload, region_id)
