"""Registry of demo-data loaders. Each package registers one; ``flask demo load`` runs them in order.

Loaders must be idempotent: running the command twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

Loader = Callable[[Session], list[str]]
_loaders: list[tuple[int, str, Loader]] = []


def register(order: int, name: str, loader: Loader) -> None:
    if all(existing != name for _, existing, _ in _loaders):
        _loaders.append((order, name, loader))
        _loaders.sort(key=lambda item: item[0])


def loaders() -> list[tuple[int, str, Loader]]:
    return list(_loaders)
