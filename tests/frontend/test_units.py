"""Units of measure on the pages (X-3): as typed on a Chinese page, by their English names on an
English one (30 台 → 30 units), and a unit the catalogue does not know shown as typed, marked as
Chinese so that it is read aloud correctly."""

from __future__ import annotations

import pytest

from catalog import units
from frontend.i18n import unit_text


@pytest.mark.parametrize(
    ("unit", "quantity", "english"),
    [
        ("台", 30, "units"),
        ("台", 1, "unit"),
        ("箱", 2, "boxes"),
        ("页/分钟", None, "ppm"),
        ("GB", None, "GB"),
        ("g/m²", None, "g/m²"),
        ("", None, ""),
        ("樘", 3, None),
    ],
)
def test_english_names_of_units(unit, quantity, english):
    assert units.english(unit, quantity) == english


def test_pages_show_units_in_their_language(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert str(unit_text("台", 30)) == "units"
        assert str(unit_text("樘", 3)) == '<span lang="zh-CN">樘</span>'
        assert str(unit_text("<b>", 1)) == "&lt;b&gt;"
    with app.test_request_context(headers={"Cookie": "lang=zh"}):
        assert str(unit_text("台", 30)) == "台"
