"""Parameter definitions and the validation of values against them (CAT-2).

Every error names the parameter and the rule it broke, in English and Chinese.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from core.errors import ValidationFailed

TYPES = ("text", "number", "enum", "boolean", "multi_enum")
CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
TEXT_MAX = 200

#: English for the units of measure the catalogue uses. A definition's own ``unit_en`` wins; a unit
#: found in neither is shown as entered (Latin units such as GB, kg or dpi need no translation).
UNITS_EN: dict[str, str] = {
    "英寸": "in",
    "页/分钟": "ppm",
    "页": "pages",
    "流明": "lm",
    "匹": "HP",
    "升": "L",
    "毫升": "ml",
    "小时": "h",
    "分钟": "min",
    "天": "days",
    "月": "months",
    "年": "years",
    "张": "sheets",
    "支": "pcs",
    "个": "pcs",
    "件": "pcs",
    "把": "pcs",
    "只": "pcs",
    "台": "units",
    "套": "sets",
    "盒": "boxes",
    "包": "packs",
    "箱": "cases",
    "卷": "rolls",
    "本": "copies",
    "次": "times",
    "人": "persons",
    "人次": "person-times",
    "间": "rooms",
    "米": "m",
    "厘米": "cm",
    "毫米": "mm",
    "平方米": "m²",
    "千克": "kg",
    "公斤": "kg",
    "克": "g",
    "吨": "t",
    "瓦": "W",
    "千瓦": "kW",
    "伏": "V",
    "核": "cores",
    "路": "channels",
    "口": "ports",
}


def unit_text(unit: str, lang: str = "zh", unit_en: str = "") -> str:
    """A unit of measure in ``lang``: the Chinese unit as entered, or its English name."""
    if lang != "en" or not unit:
        return unit
    return unit_en or UNITS_EN.get(unit.strip(), unit)


def definition_unit(definition: dict[str, Any], lang: str = "zh") -> str:
    """The unit of a parameter definition in ``lang``."""
    return unit_text(definition.get("unit") or "", lang, definition.get("unit_en") or "")


def _fail(
    errors: dict[str, list[str]], message: str, message_zh: str | None = None
) -> ValidationFailed:
    return ValidationFailed(message, message_zh, code="invalid_parameters", details=errors)


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def check_definitions(params: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validate and normalise a schema's parameter definitions."""
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    normalised = []
    for index, raw in enumerate(params):
        where = f"params[{index}]"
        code = str(raw.get("code", ""))
        problems = []
        if not CODE.match(code):
            problems.append(
                "code must be lower-case letters, digits and _ (starting with a letter)"
            )
        elif code in seen:
            problems.append(f"duplicate code {code!r}")
        seen.add(code)
        kind = raw.get("type")
        if kind not in TYPES:
            problems.append(f"type must be one of {', '.join(TYPES)}")
        options = [str(o) for o in raw.get("options") or []]
        if kind in ("enum", "multi_enum") and (not options or len(set(options)) != len(options)):
            problems.append("enum types need a list of distinct options")
        low, high = _decimal(raw.get("min")), _decimal(raw.get("max"))
        if kind == "number" and low is not None and high is not None and low > high:
            problems.append("min is above max")
        if not raw.get("name_zh"):
            problems.append("name_zh is required")
        if problems:
            errors[where] = problems
            continue
        normalised.append(
            {
                "code": code,
                "name_zh": str(raw["name_zh"]),
                "name_en": str(raw.get("name_en") or raw["name_zh"]),
                "type": kind,
                "unit": str(raw.get("unit") or ""),
                **({"unit_en": str(raw["unit_en"])} if raw.get("unit_en") else {}),
                "min": None if low is None else str(low),
                "max": None if high is None else str(high),
                "options": options if kind in ("enum", "multi_enum") else [],
                "required": bool(raw.get("required", False)),
            }
        )
    if errors:
        raise _fail(errors, "The parameter definitions are invalid.")
    return normalised


def check_values(definitions: list[dict[str, Any]], values: dict[str, Any]) -> dict[str, Any]:
    """Check ``values`` against a schema's definitions; return them normalised.

    Numbers come back as strings of their exact decimal value; booleans as bool; multi-enums as
    sorted lists.
    """
    errors: dict[str, list[str]] = {}
    by_code = {d["code"]: d for d in definitions}
    for code in values:
        if code not in by_code:
            errors[f"params.{code}"] = [f"unknown parameter {code!r} (未知参数)"]
    result: dict[str, Any] = {}
    for code, d in by_code.items():
        key = f"params.{code}"
        value = values.get(code)
        if value is None or value == "" or value == []:
            if d["required"]:
                errors[key] = [f"{d['name_en']} is required ({d['name_zh']}为必填项)"]
            continue
        kind = d["type"]
        if kind == "text":
            if not isinstance(value, str) or len(value) > TEXT_MAX:
                errors[key] = [f"{d['name_en']} must be text of at most {TEXT_MAX} characters"]
            else:
                result[code] = value.strip()
        elif kind == "number":
            number = _decimal(value) if not isinstance(value, str) or value.strip() else None
            if number is None:
                errors[key] = [f"{d['name_en']} must be a number ({d['name_zh']}应为数字)"]
                continue
            low, high = d.get("min"), d.get("max")
            if low is not None and number < Decimal(low):
                errors[key] = [f"{d['name_en']} must be at least {low} {d['unit']}".rstrip()]
            elif high is not None and number > Decimal(high):
                errors[key] = [f"{d['name_en']} must be at most {high} {d['unit']}".rstrip()]
            else:
                result[code] = format(number.normalize(), "f")
        elif kind == "boolean":
            if not isinstance(value, bool):
                errors[key] = [f"{d['name_en']} must be true or false"]
            else:
                result[code] = value
        elif kind == "enum":
            if value not in d["options"]:
                errors[key] = [f"{d['name_en']} must be one of: {', '.join(d['options'])}"]
            else:
                result[code] = value
        else:  # multi_enum
            if not isinstance(value, list) or any(v not in d["options"] for v in value):
                errors[key] = [f"{d['name_en']} must be a list of: {', '.join(d['options'])}"]
            else:
                result[code] = sorted(set(value))
    if errors:
        raise _fail(errors, "Some parameter values are invalid.")
    return result


def display(
    definitions: list[dict[str, Any]], values: dict[str, Any], lang: str = "zh"
) -> list[str]:
    """Human-readable "name: value unit" lines, in schema order."""
    lines = []
    for d in definitions:
        if d["code"] not in values:
            continue
        value = values[d["code"]]
        if isinstance(value, bool):
            value = ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
        elif isinstance(value, list):
            value = "、".join(value)
        name = d["name_zh"] if lang == "zh" else d["name_en"]
        unit = definition_unit(d, lang)
        lines.append(f"{name}: {value}{(' ' + unit) if unit else ''}")
    return lines
