"""Units of measure as the catalogue writes them (台, 个, 页/分钟 …) and their English names, so that
a page in English shows "30 units" where the data says 30 台 (CAT-1, X-3). Units are typed in
Chinese by purchasers and operators; a unit this table does not know is shown as typed.
"""

from __future__ import annotations

#: Chinese unit → (English singular, English plural).
UNITS: dict[str, tuple[str, str]] = {
    # counting units of goods and services
    "台": ("unit", "units"),
    "个": ("piece", "pieces"),
    "件": ("piece", "pieces"),
    "只": ("piece", "pieces"),
    "支": ("piece", "pieces"),
    "把": ("piece", "pieces"),
    "张": ("sheet", "sheets"),
    "套": ("set", "sets"),
    "组": ("set", "sets"),
    "部": ("unit", "units"),
    "辆": ("vehicle", "vehicles"),
    "箱": ("box", "boxes"),
    "盒": ("box", "boxes"),
    "包": ("pack", "packs"),
    "袋": ("bag", "bags"),
    "瓶": ("bottle", "bottles"),
    "桶": ("barrel", "barrels"),
    "卷": ("roll", "rolls"),
    "本": ("copy", "copies"),
    "册": ("volume", "volumes"),
    "令": ("ream", "reams"),
    "批": ("lot", "lots"),
    "项": ("item", "items"),
    "次": ("time", "times"),
    "人次": ("person-time", "person-times"),
    "天": ("day", "days"),
    "月": ("month", "months"),
    "年": ("year", "years"),
    "小时": ("hour", "hours"),
    "米": ("metre", "metres"),
    "平方米": ("m²", "m²"),
    "吨": ("tonne", "tonnes"),
    "千克": ("kg", "kg"),
    "公斤": ("kg", "kg"),
    "升": ("litre", "litres"),
    "匹": ("hp", "hp"),
    "页": ("page", "pages"),
    "页/分钟": ("ppm", "ppm"),
    "英寸": ("in", "in"),
    "流明": ("lm", "lm"),
}


def english(unit: str, quantity: int | None = None) -> str | None:
    """The English name of ``unit`` (plural unless ``quantity`` is 1), or None when the table does
    not know it. A unit already in Latin letters (GB, kg, mm) is its own English name."""
    unit = (unit or "").strip()
    if not unit:
        return ""
    if unit.isascii() or all(not ("\u4e00" <= c <= "\u9fff") for c in unit):
        return unit
    names = UNITS.get(unit)
    if names is None:
        return None
    return names[0] if quantity == 1 else names[1]
