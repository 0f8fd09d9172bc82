"""Finds the services' messages for ``scripts/translations.sh`` (a Babel extraction method, named in
``core/babel.cfg``): the English message of a ``DomainError``-family call (its first argument, when
no Chinese text is passed beside it), the first argument of ``N_``, ``en_zh`` and ``translate``, and
the message of the project's own helpers named in ``core/babel.cfg`` (``calls = name:argument``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import IO, Any

ERRORS = frozenset(
    {"DomainError", "ValidationFailed", "Unauthenticated", "Forbidden", "NotFound", "Conflict"}
    | {"RateLimited"}
)
MARKERS = frozenset({"N_", "en_zh", "translate"})


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _text(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def calls(option: str = "") -> dict[str, int]:
    """Which calls carry a message, and its argument (1-based): the errors' first; the project's
    own (``babel.cfg``'s ``calls = invalid:2``, say)."""
    found = dict.fromkeys(ERRORS, 1) | dict.fromkeys(MARKERS, 1)
    for item in option.split():
        name, _, place = item.partition(":")
        found[name] = int(place or 1)
    return found


def messages(source: str, carriers: dict[str, int] | None = None) -> Iterator[tuple[int, str]]:
    """``(line, msgid)`` of each message written in ``source``, in order. A call with its Chinese
    text written beside the English one (the argument after it, or ``message_zh=``) has none."""
    carriers = carriers if carriers is not None else calls()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or _name(node.func) not in carriers:
            continue
        name = _name(node.func)
        place = carriers[name]  # type: ignore[index]
        keywords = {k.arg: k.value for k in node.keywords}
        args = node.args
        given = keywords.get("message") or (args[place - 1] if len(args) >= place else None)
        beside = _text(args[place]) if len(args) > place else None
        if name not in MARKERS and (beside or "message_zh" in keywords):
            continue
        text = _text(given)
        if text:
            found.append((given.lineno, text))  # type: ignore[union-attr]
    yield from sorted(found)


def extract(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, None, str, list[str]]]:
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    for line, text in messages(source, calls(options.get("calls", ""))):
        yield line, None, text, []
