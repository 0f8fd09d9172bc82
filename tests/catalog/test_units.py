"""Units of measure in the reader's language (X-3): a parameter's unit comes from the units catalogue
or from the English unit its schema gives; Latin units stay as entered."""

from __future__ import annotations

from catalog.categories import parameters

SPEED = {
    "code": "ppm",
    "name_zh": "打印速度",
    "name_en": "Print speed",
    "type": "number",
    "unit": "页/分钟",
}


def test_known_chinese_units_read_in_english():
    assert parameters.display([SPEED], {"ppm": 30}, "en") == ["Print speed: 30 ppm"]
    assert parameters.display([SPEED], {"ppm": 30}, "zh") == ["打印速度: 30 页/分钟"]
    assert parameters.unit_text("英寸", "en") == "in"
    assert parameters.unit_text("台", "en") == "units"


def test_latin_and_unknown_units_are_shown_as_entered():
    assert parameters.unit_text("GB", "en") == "GB"
    assert parameters.unit_text("刀", "en") == "刀"
    assert parameters.unit_text("", "en") == ""


def test_a_schema_may_name_its_english_unit(login, cat):
    api = login("operator")
    schema = api.get(f"/api/catalog/categories/{cat.printer}/schema").get_json()
    params = [{**schema["params"][0], "unit": "页每分", "unit_en": "pages/min"}]
    saved = api.put(f"/api/catalog/categories/{cat.printer}/schema", json={"params": params})
    assert saved.status_code == 200, saved.get_json()
    definition = saved.get_json()["params"][0]
    assert definition["unit_en"] == "pages/min"
    assert parameters.display([definition], {"ppm": 40}, "en") == ["Speed: 40 pages/min"]
    too_long = [{**params[0], "unit_en": "x" * 21}]
    refused = api.put(f"/api/catalog/categories/{cat.printer}/schema", json={"params": too_long})
    assert refused.status_code in (400, 422)
    after = api.get(f"/api/catalog/categories/{cat.printer}/schema").get_json()
    assert after["version"] == saved.get_json()["version"]
