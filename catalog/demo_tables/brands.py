"""Brands' English names, and how prices move over the months of demo history."""

from __future__ import annotations

#: Brands' own English names. A brand missing here has none: its listings carry no English title
#: and the English pages show the Chinese one.
BRANDS_EN = {
    "联想": "Lenovo",
    "华为": "Huawei",
    "惠普": "HP",
    "戴尔": "Dell",
    "清华同方": "Tsinghua Tongfang",
    "长城": "Great Wall",
    "荣耀": "Honor",
    "小米": "Xiaomi",
    "浪潮": "Inspur",
    "新华三": "H3C",
    "中科曙光": "Sugon",
    "佳能": "Canon",
    "兄弟": "Brother",
    "奔图": "Pantum",
    "爱普生": "Epson",
    "富士通": "Fujitsu",
    "汉王": "Hanvon",
    "紫光": "Unis",
    "明基": "BenQ",
    "索尼": "Sony",
    "极米": "XGIMI",
    "锐捷": "Ruijie",
    "TP-LINK": "TP-LINK",
    "中兴": "ZTE",
    "格力": "Gree",
    "美的": "Midea",
    "海尔": "Haier",
    "海信": "Hisense",
    "容声": "Ronshen",
    "西门子": "Siemens",
    "震旦": "Aurora",
    "圣奥": "Sunon",
    "得力": "Deli",
    "西昊": "Sihoo",
    "晨光": "M&G",
    "亚太森博": "Asia Symbol",
    "天威": "PrintRite",
    "格之格": "G&G",
    "伊利": "Yili",
    "蒙牛": "Mengniu",
    "小肥羊": "Little Sheep",
    "北大荒": "Beidahuang",
}


#: How prices move over the months of demo history, per product group: the drift from the first
#: month to now (computers get cheaper, food dearer).
PRICE_DRIFT = {"A0201": -0.06, "A0206": -0.03, "A05": 0.0, "A09": 0.02, "A10": 0.05, "C": 0.03}
