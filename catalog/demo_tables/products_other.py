"""Standard products of the demo's furniture, office supplies, food and services, per leaf category:
(code, Chinese name, English name, parameters, price in CNY around which suppliers offer it)."""

from __future__ import annotations

OTHER_PRODUCTS: dict[str, list[tuple[str, str, str, dict, int]]] = {
    "A05010101": [
        (
            "SP-A05010101-01",
            "钢制办公桌 140cm",
            "Steel office desk, 140 cm",
            {"width_cm": 140, "material": "钢制"},
            1300,
        ),
        (
            "SP-A05010101-02",
            "板式办公桌 160cm",
            "Panel office desk, 160 cm",
            {"width_cm": 160, "material": "板式"},
            1600,
        ),
    ],
    "A05010201": [
        (
            "SP-A05010201-01",
            "网布办公椅 带扶手",
            "Mesh office chair with armrests",
            {"material": "网布", "armrest": True},
            650,
        ),
        (
            "SP-A05010201-02",
            "皮质办公椅 带扶手",
            "Leather office chair with armrests",
            {"material": "皮质", "armrest": True},
            1450,
        ),
    ],
    "A05010301": [
        (
            "SP-A05010301-01",
            "钢制文件柜 185cm",
            "Steel filing cabinet, 185 cm",
            {"height_cm": 185, "material": "钢制"},
            980,
        ),
        (
            "SP-A05010301-02",
            "板式文件柜 200cm",
            "Panel filing cabinet, 200 cm",
            {"height_cm": 200, "material": "板式"},
            1350,
        ),
    ],
    "A09010101": [
        (
            "SP-A09010101-01",
            "A4复印纸 70g 500张",
            "A4 copy paper, 70 g/m², 500 sheets",
            {"size": "A4", "gsm": 70, "sheets": 500},
            26,
        ),
        (
            "SP-A09010101-02",
            "A4复印纸 80g 500张",
            "A4 copy paper, 80 g/m², 500 sheets",
            {"size": "A4", "gsm": 80, "sheets": 500},
            32,
        ),
        (
            "SP-A09010101-03",
            "A3复印纸 80g 500张",
            "A3 copy paper, 80 g/m², 500 sheets",
            {"size": "A3", "gsm": 80, "sheets": 500},
            58,
        ),
    ],
    "A09010201": [
        (
            "SP-A09010201-01",
            "黑色硒鼓 1600页",
            "Black toner cartridge, 1,600 pages",
            {"colour": "黑色", "pages": 1600},
            260,
        ),
        (
            "SP-A09010201-02",
            "彩色硒鼓 2200页",
            "Colour toner cartridge, 2,200 pages",
            {"colour": "彩色", "pages": 2200},
            560,
        ),
    ],
    "A09010301": [
        (
            "SP-A09010301-01",
            "中性签字笔 0.5mm 12支装",
            "Gel pen, 0.5 mm, box of 12",
            {"tip_mm": "0.5", "count": 12},
            18,
        ),
        (
            "SP-A09010301-02",
            "中性签字笔 0.7mm 12支装",
            "Gel pen, 0.7 mm, box of 12",
            {"tip_mm": "0.7", "count": 12},
            20,
        ),
    ],
    "A10010101": [
        (
            "SP-A10010101-01",
            "一级大米 10kg",
            "Grade 1 rice, 10 kg",
            {"kg": 10, "grade": "一级"},
            95,
        ),
        (
            "SP-A10010101-02",
            "特级大米 25kg",
            "Premium rice, 25 kg",
            {"kg": 25, "grade": "特级"},
            280,
        ),
    ],
    "A10010201": [
        (
            "SP-A10010201-01",
            "冷鲜羊肉 5kg",
            "Chilled mutton, 5 kg",
            {"kg": 5, "kind": "羊肉"},
            520,
        ),
        (
            "SP-A10010201-02",
            "冷鲜牛肉 5kg",
            "Chilled beef, 5 kg",
            {"kg": 5, "kind": "牛肉"},
            480,
        ),
    ],
    "A10010301": [
        (
            "SP-A10010301-01",
            "纯牛奶 250ml×24盒",
            "Whole milk, 250 ml × 24",
            {"ml": 250, "count": 24},
            68,
        ),
        (
            "SP-A10010301-02",
            "纯牛奶 200ml×12盒",
            "Whole milk, 200 ml × 12",
            {"ml": 200, "count": 12},
            36,
        ),
    ],
    "C0101": [
        (
            "SP-C0101-01",
            "公务车辆常规保养（呼和浩特市，4小时响应）",
            "Routine car servicing (Hohhot, 4-hour response)",
            {"service_area": "呼和浩特市", "response_hours": 4},
            680,
        ),
        (
            "SP-C0101-02",
            "公务车辆常规保养（全区，24小时响应）",
            "Routine car servicing (whole region, 24-hour response)",
            {"service_area": "全区", "response_hours": 24},
            760,
        ),
    ],
    "C0102": [
        (
            "SP-C0102-01",
            "办公设备上门维修（呼和浩特市，4小时响应）",
            "On-site office equipment repair (Hohhot, 4-hour response)",
            {"service_area": "呼和浩特市", "response_hours": 4},
            260,
        ),
        (
            "SP-C0102-02",
            "办公设备上门维修（包头市，8小时响应）",
            "On-site office equipment repair (Baotou, 8-hour response)",
            {"service_area": "包头市", "response_hours": 8},
            220,
        ),
    ],
    "C0201": [
        (
            "SP-C0201-01",
            "公文印刷（全区，48小时交付）",
            "Official document printing (whole region, 48 hours)",
            {"service_area": "全区", "response_hours": 48},
            3500,
        ),
        (
            "SP-C0201-02",
            "公文印刷（呼和浩特市，24小时交付）",
            "Official document printing (Hohhot, 24 hours)",
            {"service_area": "呼和浩特市", "response_hours": 24},
            4200,
        ),
    ],
    "C0301": [
        (
            "SP-C0301-01",
            "中型会议服务（呼和浩特市）",
            "Mid-size conference services (Hohhot)",
            {"service_area": "呼和浩特市", "response_hours": 24},
            18000,
        ),
        (
            "SP-C0301-02",
            "中型会议服务（锡林郭勒盟）",
            "Mid-size conference services (Xilingol)",
            {"service_area": "锡林郭勒盟", "response_hours": 72},
            15000,
        ),
    ],
}
