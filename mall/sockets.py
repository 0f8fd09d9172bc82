"""Socket.IO authentication, for every namespace: on connect, on each event, and while connected.

Each namespace (e.g. ``/auction``) calls ``authenticate(auth)`` in its connect handler and
``forget()`` in its disconnect handler; the default namespace is covered here. A refused connection
gets the API's error shape as its reason.

A socket does not outlive what signed it in. Each connection remembers its credential (the
session behind the cookie, or the API token); ``recheck()`` — called by a namespace before each
event that acts or reads — refuses once the session is signed out or expired, the token revoked or
expired, or the user or the organisation deactivated (one query by primary or unique key, joined
with the user's and the organisation's ``active`` flags). And every server process checks all its
connections at once every ``RECHECK_SECONDS`` (one query) and disconnects the ones whose
credential no longer holds, so nothing else needs to tell the sockets: signing out, revoking a
token and deactivating a user or an organisation reach every process that shares the database.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, SocketIO
from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session

from core import clock
from core.accounts.auth import Actor, socket_actor, token_hash
from core.accounts.models import ApiToken, Organisation, User, UserSession
from core.db import db
from core.errors import DomainError, Unauthenticated
from mall.extensions import socketio

log = logging.getLogger(__name__)

#: Seconds between two checks of every connection's credential in this process, at most.
RECHECK_SECONDS = 0.5
#: Credentials checked by one query, at most.
CHUNK = 500


@dataclass(frozen=True)
class Credential:
    """What signed a connection in: a session (by id) or an API token (by its hash)."""

    kind: str  # session | token
    key: int | str


#: This process's connections: (namespace, sid) → credential.
_live: dict[tuple[str, str], Credential] = {}
#: When each credential was last found valid (``time.monotonic()``), by a round or by an event's
#: own check. An event trusts a finding younger than ``RECHECK_SECONDS``; anything that revokes a
#: credential in this process forgets them all at its commit, and other processes' revocations
#: reach this one with the next round.
_verified: dict[Credential, float] = {}
#: The models whose change may revoke a credential.
_REVOKING = (UserSession, ApiToken, User, Organisation)
_watching: list[Any] = []


def _credential(auth: Any, actor: Actor) -> Credential:
    if isinstance(auth, dict) and auth.get("token"):
        return Credential("token", token_hash(str(auth["token"])))
    assert actor.session_id is not None
    return Credential("session", actor.session_id)


def authenticate(auth: Any) -> Actor:
    """The actor of a connecting socket; refuses the connection without a valid credential."""
    try:
        actor = socket_actor(auth)
    except DomainError as error:
        raise ConnectionRefusedError(error.to_dict()) from None
    _live[(request.namespace, request.sid)] = _credential(auth, actor)  # type: ignore[attr-defined]
    _watch(current_app._get_current_object())  # type: ignore[attr-defined]
    return actor


def forget() -> None:
    """The socket disconnected: stop checking it."""
    _live.pop((request.namespace, request.sid), None)  # type: ignore[attr-defined]


def recheck() -> None:
    """Raise ``Unauthenticated`` unless the current socket's credential still holds (the socket
    is then disconnected by the next round of checks)."""
    credential = _live.get((request.namespace, request.sid))  # type: ignore[attr-defined]
    if credential is not None:
        seen = _verified.get(credential)
        if seen is not None and time.monotonic() - seen <= RECHECK_SECONDS:
            return
        if credential not in invalid([credential]):
            _verified[credential] = time.monotonic()
            return
    raise Unauthenticated(
        "Your sign-in is no longer valid; please sign in again.",
        code="signed_out",
    )


def invalid(credentials: Iterable[Credential]) -> set[Credential]:
    """Those of ``credentials`` that no longer hold: signed out, revoked, expired, or their user
    or organisation deactivated."""
    wanted = set(credentials)
    now = clock.now()
    # Per kind: the key column, the row's owner, and what keeps the row itself valid.
    kinds = {
        "session": (
            UserSession.id,
            UserSession.user_id,
            (UserSession.revoked_at.is_(None), UserSession.expires_at > now),
        ),
        "token": (
            ApiToken.token_hash,
            ApiToken.user_id,
            (
                ApiToken.revoked_at.is_(None),
                or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
            ),
        ),
    }
    valid: set[Credential] = set()
    session = db.read_session()
    try:
        for kind, (key, owner, holds) in kinds.items():
            keys = [c.key for c in wanted if c.kind == kind]
            for start in range(0, len(keys), CHUNK):
                rows = session.scalars(
                    select(key)
                    .join(User, User.id == owner)
                    .join(Organisation, Organisation.id == User.organisation_id)
                    .where(
                        key.in_(keys[start : start + CHUNK]),
                        *holds,
                        User.active.is_(True),
                        Organisation.active.is_(True),
                    )
                )
                valid.update(Credential(kind, value) for value in rows)
    finally:
        session.close()
    return wanted - valid


def disconnect_invalid() -> int:
    """One round of checks: disconnect this process's sockets whose credential no longer holds;
    how many were disconnected."""
    if not _live:
        _verified.clear()
        return 0
    checked = set(_live.values())
    for credential in set(_verified) - checked:  # their sockets are gone
        del _verified[credential]
    now = time.monotonic()
    bad = invalid(checked)
    for credential in checked - bad:
        _verified[credential] = now
    for credential in bad:
        _verified.pop(credential, None)
    gone = [(namespace, sid) for (namespace, sid), c in list(_live.items()) if c in bad]
    for namespace, sid in gone:
        _live.pop((namespace, sid), None)
        try:
            socketio.server.disconnect(sid, namespace=namespace, ignore_queue=True)
        except Exception:  # already gone
            log.exception("socket %s %s: disconnect failed", namespace, sid)
    return len(gone)


@event.listens_for(Session, "before_flush")
def _note_revocations(session: Session, _context: Any, _instances: Any) -> None:
    if any(isinstance(row, _REVOKING) for row in session.dirty):
        session.info["may_revoke"] = True


@event.listens_for(Session, "after_commit")
def _forget_verified(session: Session) -> None:
    if session.info.pop("may_revoke", False):
        _verified.clear()


@event.listens_for(Session, "after_soft_rollback")
def _drop_note(session: Session, _previous: Any) -> None:
    session.info.pop("may_revoke", None)


def _watch(app: Any) -> None:
    """Start this process's round of checks, once."""
    if _watching:
        return
    _watching.append(socketio.start_background_task(_rounds, app))


def _rounds(app: Any) -> None:
    while True:
        socketio.sleep(RECHECK_SECONDS)
        try:
            with app.app_context():
                disconnect_invalid()
        except Exception:  # the next round tries again
            log.exception("socket credential check failed")


def init_sockets(server: SocketIO) -> None:
    @server.on("connect")
    def _connect(auth: Any = None) -> None:
        authenticate(auth)

    @server.on("disconnect")
    def _disconnect(reason: Any = None) -> None:
        forget()
