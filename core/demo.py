"""Registry of demo-data loaders. Each package registers one; ``flask demo load`` runs them in order,
in one transaction, and then the finishing steps, each with units of work of its own (e.g. readers
of the ledger that commit as they go).

Loaders must be idempotent: running the command twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlalchemy.orm import Session

Loader = Callable[[Session], list[str]]
#: a finishing step, given the unit-of-work factory
Finisher = Callable[[Callable[[], AbstractContextManager[Session]]], list[str]]
_loaders: list[tuple[int, str, Loader]] = []
_finishers: list[tuple[int, str, Finisher]] = []


def register(order: int, name: str, loader: Loader) -> None:
    if all(existing != name for _, existing, _ in _loaders):
        _loaders.append((order, name, loader))
        _loaders.sort(key=lambda item: item[0])


def loaders() -> list[tuple[int, str, Loader]]:
    return list(_loaders)


def register_finish(order: int, name: str, finisher: Finisher) -> None:
    """A step run after the loaders' transaction committed."""
    if all(existing != name for _, existing, _ in _finishers):
        _finishers.append((order, name, finisher))
        _finishers.sort(key=lambda item: item[0])


def finishers() -> list[tuple[int, str, Finisher]]:
    return list(_finishers)
