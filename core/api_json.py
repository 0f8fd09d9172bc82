"""Request bodies sent as JSON are checked before any view: UTF-8, no NaN or Infinity, numbers a float
can hold, nested at most ``MAX_JSON_DEPTH`` deep; otherwise 400 ``bad_json``.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from flask import Response, request

from core.api_errors import bad_json
from core.messages import N_

#: How deeply arrays and objects may nest in a JSON request body. Real bodies nest a few levels;
#: a deeper one is refused (400 ``bad_json``) before any parser sees it.
MAX_JSON_DEPTH = 32

# One pass over a JSON body: a complete string (skipped whole, so brackets inside it do not count),
# a bracket, or the quote that opens a string which never ends.
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]++|\\.)*+"|[\[\]{}]|"', re.DOTALL)

_OPEN = frozenset(b"[{")

_QUOTE = ord('"')


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether arrays and objects in ``body`` nest deeper than ``limit``: one linear scan of the
    raw bytes that ignores brackets inside strings. It does not check that ``body`` is JSON."""
    depth = 0
    for token in _JSON_TOKEN.finditer(body):
        first = body[token.start()]
        if first == _QUOTE:
            if token.end() - token.start() == 1:
                break  # an unterminated string: the rest of the body is inside it
        elif first in _OPEN:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is out of range")
    return number


def check_json_body() -> Response | None:
    """Before any view: a JSON request body must be JSON (UTF-8, no NaN or Infinity, numbers a
    float can hold) nested at most ``MAX_JSON_DEPTH`` deep; otherwise 400 ``bad_json``."""
    if not request.is_json:
        return None
    body = request.get_data(cache=True)
    if not body:
        return None
    if json_too_deep(body):
        return bad_json(
            N_("nested deeper than %(depth)s levels"),
            {"max_depth": MAX_JSON_DEPTH},
            {"depth": MAX_JSON_DEPTH},
        )
    try:
        json.loads(body.decode("utf-8"), parse_constant=_no_constant, parse_float=_finite)
    except UnicodeDecodeError:
        return bad_json(N_("not UTF-8"))
    except (ValueError, RecursionError):
        return bad_json(N_("malformed"))
    return None
