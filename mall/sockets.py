"""Socket.IO authentication on connect, for every namespace.

Each namespace (e.g. ``/auction``) calls ``authenticate(auth)`` in its connect handler; the default
namespace is covered here. A refused connection gets the API's error shape as its reason.
"""

from __future__ import annotations

from typing import Any

from flask_socketio import ConnectionRefusedError, SocketIO

from core.accounts.auth import Actor, socket_actor
from core.errors import DomainError


def authenticate(auth: Any) -> Actor:
    try:
        return socket_actor(auth)
    except DomainError as error:
        raise ConnectionRefusedError(error.to_dict()) from None


def init_sockets(socketio: SocketIO) -> None:
    @socketio.on("connect")
    def _connect(auth: Any = None) -> None:
        authenticate(auth)
