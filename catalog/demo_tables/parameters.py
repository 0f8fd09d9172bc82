"""The parameter schemas of the demo's leaf categories, by name."""

from __future__ import annotations

CPU = ["i3", "i5", "i7", "鲲鹏920", "飞腾D2000", "海光3250"]


def _n(code, zh, en, unit, lo, hi, required=True):
    return {
        "code": code,
        "name_zh": zh,
        "name_en": en,
        "type": "number",
        "unit": unit,
        "min": str(lo),
        "max": str(hi),
        "required": required,
    }


def _e(code, zh, en, options, required=True, multi=False):
    return {
        "code": code,
        "name_zh": zh,
        "name_en": en,
        "type": "multi_enum" if multi else "enum",
        "options": options,
        "required": required,
    }


def _b(code, zh, en):
    return {"code": code, "name_zh": zh, "name_en": en, "type": "boolean"}


PARAMS = {
    "computer": [
        _e("cpu", "处理器", "CPU", CPU),
        _n("memory_gb", "内存", "Memory", "GB", 4, 256),
        _n("ssd_gb", "固态硬盘", "SSD", "GB", 128, 8192),
        _e("os", "操作系统", "Operating system", ["统信UOS", "麒麟", "Windows"]),
        _n("screen_in", "显示器尺寸", "Monitor size", "英寸", 19, 34, required=False),
    ],
    "laptop": [
        _e("cpu", "处理器", "CPU", CPU),
        _n("memory_gb", "内存", "Memory", "GB", 4, 128),
        _n("ssd_gb", "固态硬盘", "SSD", "GB", 128, 4096),
        _n("screen_in", "屏幕尺寸", "Screen", "英寸", 11, 18),
        _n("weight_kg", "重量", "Weight", "kg", "0.8", 4, required=False),
    ],
    "tablet": [
        _n("screen_in", "屏幕尺寸", "Screen", "英寸", 7, 14),
        _n("storage_gb", "存储", "Storage", "GB", 32, 2048),
        _b("cellular", "移动网络", "Cellular"),
    ],
    "server": [
        _e("cpu", "处理器", "CPU", ["鲲鹏920", "海光7285", "至强银牌4314", "至强金牌6330"]),
        _n("memory_gb", "内存", "Memory", "GB", 32, 4096),
        _n("units", "机架高度", "Rack units", "U", 1, 8),
    ],
    "printer": [
        _n("ppm", "打印速度", "Speed", "页/分钟", 10, 120),
        _b("duplex", "自动双面", "Duplex"),
        _e("size", "最大幅面", "Paper size", ["A4", "A3"]),
        _b("network", "网络打印", "Network printing"),
    ],
    "scanner": [
        _n("dpi", "分辨率", "Resolution", "dpi", 300, 4800),
        _e("size", "最大幅面", "Paper size", ["A4", "A3"]),
    ],
    "projector": [
        _n("lumens", "亮度", "Brightness", "流明", 1500, 12000),
        _e("resolution", "分辨率", "Resolution", ["XGA", "WXGA", "1080P", "4K"]),
    ],
    "network": [
        _n("ports", "端口数", "Ports", "个", 4, 96),
        _e("speed", "端口速率", "Port speed", ["百兆", "千兆", "万兆"]),
        _b("poe", "PoE供电", "PoE"),
    ],
    "aircon": [
        _n("hp", "匹数", "Capacity", "匹", 1, 10),
        _e("energy_grade", "能效等级", "Energy grade", ["一级", "二级", "三级"]),
        _e("form", "形式", "Form", ["壁挂式", "柜式", "嵌入式"]),
    ],
    "fridge": [
        _n("litres", "容积", "Volume", "升", 100, 700),
        _e("energy_grade", "能效等级", "Energy grade", ["一级", "二级", "三级"]),
    ],
    "desk": [
        _n("width_cm", "宽度", "Width", "cm", 80, 400),
        _e("material", "材质", "Material", ["钢制", "实木", "板式"]),
    ],
    "chair": [
        _e("material", "材质", "Material", ["网布", "皮质", "布艺"]),
        _b("armrest", "扶手", "Armrests"),
    ],
    "cabinet": [
        _n("height_cm", "高度", "Height", "cm", 60, 240),
        _e("material", "材质", "Material", ["钢制", "实木", "板式"]),
    ],
    "paper": [
        _e("size", "规格", "Size", ["A4", "A3", "B5"]),
        _n("gsm", "克重", "Weight", "g/m²", 60, 120),
        _n("sheets", "每箱张数", "Sheets per box", "张", 500, 5000),
    ],
    "toner": [
        _e("colour", "颜色", "Colour", ["黑色", "彩色"]),
        _n("pages", "打印页数", "Page yield", "页", 500, 30000),
    ],
    "pen": [
        _n("tip_mm", "笔尖", "Tip", "mm", "0.3", "1.0"),
        _n("count", "每盒支数", "Per box", "支", 1, 100),
    ],
    "food": [
        _n("kg", "净重", "Net weight", "kg", 1, 50),
        _e("grade", "等级", "Grade", ["一级", "二级", "特级"]),
    ],
    "meat": [
        _n("kg", "净重", "Net weight", "kg", 1, 50),
        _e("kind", "品种", "Kind", ["牛肉", "羊肉"]),
    ],
    "dairy": [
        _n("ml", "规格", "Volume", "ml", 200, 1000),
        _n("count", "每箱数量", "Per box", "盒", 6, 24),
    ],
    "service": [
        _e(
            "service_area",
            "服务区域",
            "Service area",
            ["呼和浩特市", "包头市", "锡林郭勒盟", "全区"],
        ),
        _n("response_hours", "响应时间", "Response time", "小时", 1, 72),
    ],
}
