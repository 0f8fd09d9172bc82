"""JSON text for OCDS: amounts are JSON numbers written from their decimal strings (``2750.00``),
never through a float; read back with ``parse_float=Decimal`` so they stay exact."""

from __future__ import annotations

import json
import re
import secrets
from decimal import Decimal
from typing import Any


def loads(text: str | bytes) -> Any:
    return json.loads(text, parse_float=Decimal)


def dumps(value: Any, indent: int | None = None) -> str:
    """``value`` as JSON text, each Decimal written as the number its string is."""
    mark = "\x00" + secrets.token_hex(8) + ":"

    def _swap(obj: Any) -> Any:
        if isinstance(obj, Decimal):
            if not obj.is_finite():
                raise ValueError(f"not a finite amount: {obj}")
            return mark + format(obj, "f")
        if isinstance(obj, dict):
            return {k: _swap(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [_swap(v) for v in obj]
        return obj

    separators = (",", ":") if indent is None else (",", ": ")
    text = json.dumps(_swap(value), ensure_ascii=False, indent=indent, separators=separators)
    # json.dumps writes the NUL of the mark as \u0000, which no other string can contain
    # followed by the same random token.
    escaped = re.escape(json.dumps(mark)[1:-1])
    return re.sub('"' + escaped + r'(-?\d+(?:\.\d+)?)"', r"\1", text)
