"""Fields and pages shared by every API schema: whole numbers, CNY amounts, ids in URLs, and the
``{"items", "page", "per_page", "total"}`` envelope of a list.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter

from core.money import AmountError, cny, parse_amount


class IntField(fields.Integer):
    """A whole number. In a JSON body only a JSON integer is accepted: ``1.5``, ``2.0``, ``"3"``
    and ``true`` are refused. With ``text=True`` (query-string and form fields, which always
    arrive as text) a string of ASCII digits with an optional leading ``-`` is accepted too.
    Validators (``Range`` …) apply as usual; dumps like ``fields.Integer``."""

    default_error_messages = {  # noqa: RUF012
        "invalid": "须为整数 / Must be a whole number.",
        "too_large": "数值过大 / The number is too large.",
        "required": "必填 / Missing data for required field.",
        "null": "不能为空 / Field may not be null.",
    }
    _TEXT = re.compile(r"-?[0-9]{1,19}", re.ASCII)
    #: Beyond any column: refused here rather than by the database.
    LIMIT = 2**63 - 1

    def __init__(self, *, text: bool = False, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)
        self.text = text

    def _validated(self, value: Any) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if self.text and isinstance(value, str) and self._TEXT.fullmatch(value):
            value = int(value)
        if not isinstance(value, int):
            raise self.make_error("invalid")
        if abs(value) > self.LIMIT:
            raise self.make_error("too_large")
        return value


class PageArgs(Schema):
    page = IntField(text=True, load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = IntField(text=True, load_default=20, validate=validate.Range(min=1, max=100))


def page_of(item_schema: type[Schema], name: str) -> type[Schema]:
    """The envelope schema for a page of ``item_schema``."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "page": IntField(required=True),
            "per_page": IntField(required=True),
            "total": IntField(required=True),
        },
        name=name,
    )


def paginate(session: Session, query: Any, args: dict[str, Any]) -> dict[str, Any]:
    page, per_page = args["page"], args["per_page"]
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": items, "page": page, "per_page": per_page, "total": total}


MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` in URLs: ids the database can hold (1 … 2³¹−1); anything else is a 404."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 0)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class MoneyField(fields.Field):
    """CNY amount, at least zero: a string of ASCII digits with at most two decimal places
    ("1999", "1999.5", "1999.00"; at most 12 digits before the point) or a JSON integer; returned
    as a string with two places ("1999.00"). Exponents, NaN, Infinity, signs, spaces, non-ASCII
    digits and JSON floats are refused: an amount is never a float inside the system."""

    default_error_messages = {  # noqa: RUF012
        "invalid": "金额须为最多两位小数的数字字符串 / Amount must be a string of digits with at "
        "most two decimals.",
        "negative": "金额不能为负数 / Must not be negative.",
        "too_large": "金额过大 / The amount is too large.",
        "required": "必填 / Missing data for required field.",
        "null": "不能为空 / Field may not be null.",
    }

    #: The accepted text, as the OpenAPI document states it.
    PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,2})?$"

    def __init__(self, **kwargs: Any) -> None:
        kwargs["metadata"] = {"pattern": self.PATTERN, **(kwargs.get("metadata") or {})}
        super().__init__(**kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(cny(value))

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        try:
            return parse_amount(value)
        except AmountError as error:
            raise self.make_error(error.reason) from None
