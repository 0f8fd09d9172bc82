"""Standard products of the demo's IT equipment (computers, printers, displays and the like), per leaf
category: (code, Chinese name, English name, parameters, price in CNY around which suppliers offer
it)."""

from __future__ import annotations

IT_PRODUCTS: dict[str, list[tuple[str, str, str, dict, int]]] = {
    "A02010104": [
        (
            "SP-A02010104-01",
            "国产台式计算机 鲲鹏920/16GB/512GB/统信UOS",
            "Domestic desktop, Kunpeng 920, 16 GB, 512 GB, UnionTech UOS",
            {"cpu": "鲲鹏920", "memory_gb": 16, "ssd_gb": 512, "os": "统信UOS", "screen_in": 24},
            5600,
        ),
        (
            "SP-A02010104-02",
            "办公台式计算机 i5/8GB/512GB/Windows",
            "Office desktop, Core i5, 8 GB, 512 GB, Windows",
            {"cpu": "i5", "memory_gb": 8, "ssd_gb": 512, "os": "Windows", "screen_in": 24},
            4300,
        ),
        (
            "SP-A02010104-03",
            "国产台式计算机 飞腾D2000/16GB/1TB/麒麟",
            "Domestic desktop, Phytium D2000, 16 GB, 1 TB, Kylin",
            {"cpu": "飞腾D2000", "memory_gb": 16, "ssd_gb": 1024, "os": "麒麟", "screen_in": 27},
            6200,
        ),
    ],
    "A02010105": [
        (
            "SP-A02010105-01",
            "便携式计算机 i5/16GB/512GB/14英寸",
            "Laptop, Core i5, 16 GB, 512 GB, 14-inch",
            {"cpu": "i5", "memory_gb": 16, "ssd_gb": 512, "screen_in": 14},
            5200,
        ),
        (
            "SP-A02010105-02",
            "便携式计算机 i7/32GB/1TB/16英寸",
            "Laptop, Core i7, 32 GB, 1 TB, 16-inch",
            {"cpu": "i7", "memory_gb": 32, "ssd_gb": 1024, "screen_in": 16},
            8200,
        ),
    ],
    "A02010108": [
        (
            "SP-A02010108-01",
            "平板式计算机 11英寸/128GB/WLAN",
            "Tablet, 11-inch, 128 GB, Wi-Fi",
            {"screen_in": 11, "storage_gb": 128, "cellular": False},
            2300,
        ),
        (
            "SP-A02010108-02",
            "平板式计算机 11英寸/256GB/移动网络",
            "Tablet, 11-inch, 256 GB, cellular",
            {"screen_in": 11, "storage_gb": 256, "cellular": True},
            3200,
        ),
    ],
    "A02010103": [
        (
            "SP-A02010103-01",
            "机架式服务器 鲲鹏920/256GB/2U",
            "Rack server, Kunpeng 920, 256 GB, 2U",
            {"cpu": "鲲鹏920", "memory_gb": 256, "units": 2},
            52000,
        ),
        (
            "SP-A02010103-02",
            "机架式服务器 海光7285/128GB/2U",
            "Rack server, Hygon 7285, 128 GB, 2U",
            {"cpu": "海光7285", "memory_gb": 128, "units": 2},
            38000,
        ),
    ],
    "A02010201": [
        (
            "SP-A02010201-01",
            "A4黑白激光打印机 30页/分钟 双面 网络",
            "A4 mono laser printer, 30 ppm, duplex, network",
            {"ppm": 30, "duplex": True, "size": "A4", "network": True},
            1800,
        ),
        (
            "SP-A02010201-02",
            "A3黑白激光打印机 45页/分钟 双面 网络",
            "A3 mono laser printer, 45 ppm, duplex, network",
            {"ppm": 45, "duplex": True, "size": "A3", "network": True},
            5200,
        ),
    ],
    "A02010202": [
        (
            "SP-A02010202-01",
            "A4喷墨打印机 15页/分钟 网络",
            "A4 inkjet printer, 15 ppm, network",
            {"ppm": 15, "duplex": False, "size": "A4", "network": True},
            900,
        ),
        (
            "SP-A02010202-02",
            "A3喷墨打印机 20页/分钟 双面 网络",
            "A3 inkjet printer, 20 ppm, duplex, network",
            {"ppm": 20, "duplex": True, "size": "A3", "network": True},
            2900,
        ),
    ],
    "A02010204": [
        (
            "SP-A02010204-01",
            "A4扫描仪 600dpi",
            "A4 scanner, 600 dpi",
            {"dpi": 600, "size": "A4"},
            1500,
        ),
        (
            "SP-A02010204-02",
            "A3扫描仪 1200dpi",
            "A3 scanner, 1200 dpi",
            {"dpi": 1200, "size": "A3"},
            5600,
        ),
    ],
    "A02010205": [
        (
            "SP-A02010205-01",
            "会议室投影仪 3600流明 WXGA",
            "Meeting-room projector, 3600 lm, WXGA",
            {"lumens": 3600, "resolution": "WXGA"},
            3800,
        ),
        (
            "SP-A02010205-02",
            "会议室投影仪 5000流明 1080P",
            "Meeting-room projector, 5000 lm, 1080p",
            {"lumens": 5000, "resolution": "1080P"},
            7800,
        ),
    ],
    "A02010301": [
        (
            "SP-A02010301-01",
            "企业级路由器 8口 千兆",
            "Business router, 8 gigabit ports",
            {"ports": 8, "speed": "千兆", "poe": False},
            680,
        ),
        (
            "SP-A02010301-02",
            "核心路由器 24口 万兆",
            "Core router, 24 10-gigabit ports",
            {"ports": 24, "speed": "万兆", "poe": False},
            12800,
        ),
    ],
    "A02010302": [
        (
            "SP-A02010302-01",
            "接入交换机 24口 千兆 PoE",
            "Access switch, 24 gigabit ports, PoE",
            {"ports": 24, "speed": "千兆", "poe": True},
            2600,
        ),
        (
            "SP-A02010302-02",
            "汇聚交换机 48口 万兆",
            "Aggregation switch, 48 10-gigabit ports",
            {"ports": 48, "speed": "万兆", "poe": False},
            18500,
        ),
    ],
    "A02061808": [
        (
            "SP-A02061808-01",
            "壁挂式空调 1匹 一级能效",
            "Wall-mounted air conditioner, 1 HP, grade 1",
            {"hp": 1, "energy_grade": "一级", "form": "壁挂式"},
            2900,
        ),
        (
            "SP-A02061808-02",
            "柜式空调 3匹 一级能效",
            "Floor-standing air conditioner, 3 HP, grade 1",
            {"hp": 3, "energy_grade": "一级", "form": "柜式"},
            7600,
        ),
    ],
    "A02061901": [
        (
            "SP-A02061901-01",
            "电冰箱 250升 一级能效",
            "Refrigerator, 250 L, grade 1",
            {"litres": 250, "energy_grade": "一级"},
            2400,
        ),
        (
            "SP-A02061901-02",
            "电冰箱 450升 一级能效",
            "Refrigerator, 450 L, grade 1",
            {"litres": 450, "energy_grade": "一级"},
            4600,
        ),
    ],
}
