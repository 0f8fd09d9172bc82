"""Listing documents for the search tests (CAT-6), and a plain-Python model of the filters and sorts
to compute expected answers from.

Categories: goods(1) > IT equipment(2) > desktop(3) / laptop(4) / printer(5) / server(9);
goods(1) > office supplies(6) > paper(7); goods(1) > furniture(8).
Regions: 内蒙古(150000) > 呼和浩特(150100) > 新城区(150102); 内蒙古(150000) > 包头(150200); 北京(110000).
"""

from __future__ import annotations

from decimal import Decimal

from catalog.search.base import ListingDocument, SearchQuery

GOODS, IT, DESKTOP, LAPTOP, PRINTER, OFFICE, PAPER, FURNITURE, SERVER = 1, 2, 3, 4, 5, 6, 7, 8, 9
PATHS = {
    DESKTOP: (GOODS, IT, DESKTOP),
    LAPTOP: (GOODS, IT, LAPTOP),
    PRINTER: (GOODS, IT, PRINTER),
    SERVER: (GOODS, IT, SERVER),
    OFFICE: (GOODS, OFFICE),
    PAPER: (GOODS, OFFICE, PAPER),
    FURNITURE: (GOODS, FURNITURE),
}
NEI_MONGOL, HOHHOT, XINCHENG, BAOTOU, BEIJING = 150000, 150100, 150102, 150200, 110000
WHOLE = (NEI_MONGOL,)
IN_HOHHOT = (NEI_MONGOL, HOHHOT)
IN_XINCHENG = (NEI_MONGOL, HOHHOT, XINCHENG)
IN_BAOTOU = (NEI_MONGOL, BAOTOU)

#: Parameters of type "number" in the test catalogue (they filter by range and facet as ranges).
NUMERIC = ("memory_gb", "screen_in", "weight_gsm")

CATEGORY_TEXT = {
    DESKTOP: "计算机设备 台式机",
    LAPTOP: "计算机设备 笔记本",
    PRINTER: "办公设备 打印设备",
    SERVER: "计算机设备 服务器",
    OFFICE: "办公用品",
    PAPER: "办公用品 纸张",
    FURNITURE: "家具",
}


def listing(
    id: int,
    title_zh: str,
    title_en: str,
    brand: str,
    model: str,
    category: int,
    price: str,
    sales: int,
    regions: tuple[int, ...],
    sme: bool = False,
    green: bool = False,
    params: dict | None = None,
    extra: str = "",
) -> ListingDocument:
    return ListingDocument(
        id=id,
        title_zh=title_zh,
        title_en=title_en,
        brand=brand,
        model=model,
        category_id=category,
        category_path=PATHS[category],
        price=Decimal(price),
        sales=sales,
        supplier_id=100 + id % 5,
        region_ids=regions,
        sme=sme,
        green=green,
        params=params or {},
        extra_text=" ".join(part for part in (CATEGORY_TEXT[category], extra) if part),
        numeric_params=tuple(code for code in NUMERIC if code in (params or {})),
    )


LISTINGS: tuple[ListingDocument, ...] = (
    # desktops — 1 and 5 share price and sales (ties are broken by id)
    listing(
        1,
        "联想台式计算机 启天M437 i5-12500/8G/512G",
        "Lenovo ThinkCentre M437 Desktop Computer",
        "联想",
        "启天M437",
        DESKTOP,
        "4999.00",
        120,
        WHOLE,
        green=True,
        params={"cpu": "i5", "memory_gb": "8"},
    ),
    listing(
        2,
        "华为台式计算机 MateStation S i5-12400/16G/512G",
        "Huawei MateStation S Desktop",
        "华为",
        "MateStation S",
        DESKTOP,
        "5299.00",
        80,
        IN_HOHHOT,
        green=True,
        params={"cpu": "i5", "memory_gb": "16"},
    ),
    listing(
        3,
        "惠普台式计算机 战99 G5 i7-12700/16G/1T",
        "HP Pro Tower 400 G9 Desktop PC",
        "惠普",
        "战99 G5",
        DESKTOP,
        "6899.00",
        45,
        IN_BAOTOU,
        params={"cpu": "i7", "memory_gb": "16"},
    ),
    listing(
        4,
        "同方超越台式计算机 国产化办公主机",
        "Tsinghua Tongfang Chaoyue Desktop",
        "同方",
        "超越E500",
        DESKTOP,
        "3999.00",
        35,
        IN_HOHHOT,
        sme=True,
        params={"cpu": "kx-6000", "memory_gb": "8"},
    ),
    listing(
        5,
        "联想一体机台式电脑 AIO 520 23.8英寸",
        "Lenovo AIO 520 All-in-One Desktop PC",
        "联想",
        "AIO 520",
        DESKTOP,
        "4999.00",
        120,
        WHOLE,
        green=True,
        params={"cpu": "i5", "memory_gb": "16", "screen_in": "23.8"},
    ),
    # laptops
    listing(
        6,
        "联想便携式计算机 ThinkPad E14 Gen5",
        "Lenovo ThinkPad E14 Laptop",
        "联想",
        "ThinkPad E14",
        LAPTOP,
        "5699.00",
        200,
        WHOLE,
        green=True,
        params={"cpu": "i5", "memory_gb": "16", "screen_in": "14"},
    ),
    listing(
        7,
        "华为笔记本电脑 MateBook D14",
        "Huawei MateBook D14 Laptop",
        "华为",
        "MateBook D14",
        LAPTOP,
        "4699.00",
        150,
        IN_XINCHENG,
        green=True,
        params={"cpu": "i5", "memory_gb": "16", "screen_in": "14"},
    ),
    listing(
        8,
        "惠普便携式计算机 战66 六代",
        "HP ProBook 440 G10 Notebook",
        "惠普",
        "战66",
        LAPTOP,
        "5199.00",
        60,
        IN_BAOTOU,
        params={"cpu": "i7", "memory_gb": "16", "screen_in": "14"},
    ),
    listing(
        9,
        "联想笔记本电脑 ThinkBook 16",
        "Lenovo ThinkBook 16 Laptop",
        "联想",
        "ThinkBook 16",
        LAPTOP,
        "6299.00",
        90,
        WHOLE,
        params={"cpu": "i7", "memory_gb": "32", "screen_in": "16"},
    ),
    listing(
        10,
        "华为 MateBook X Pro 轻薄笔记本",
        "HUAWEI MateBook X Pro Ultrabook",
        "华为",
        "MateBook X Pro",
        LAPTOP,
        "12999.00",
        20,
        IN_HOHHOT,
        params={"cpu": "ultra7", "memory_gb": "32", "screen_in": "14.2"},
    ),
    # printers — 15 spells 激光 打印机 apart; 12 and 20 share a price
    listing(
        11,
        "惠普黑白激光打印机 M1136",
        "HP LaserJet Pro M1136 Laser Printer",
        "惠普",
        "M1136",
        PRINTER,
        "1299.00",
        300,
        WHOLE,
        sme=True,
        params={"print_type": "laser", "duplex": "no"},
    ),
    listing(
        12,
        "得力激光打印机 P2000",
        "Deli P2000 Laser Printer",
        "得力",
        "P2000",
        PRINTER,
        "899.00",
        180,
        IN_HOHHOT,
        sme=True,
        green=True,
        params={"print_type": "laser", "duplex": "yes"},
    ),
    listing(
        13,
        "惠普彩色喷墨打印机 Ink Tank 419",
        "HP Ink Tank 419 Inkjet Printer",
        "惠普",
        "Ink Tank 419",
        PRINTER,
        "799.00",
        75,
        IN_BAOTOU,
        params={"print_type": "inkjet", "duplex": "no"},
    ),
    listing(
        14,
        "华为多功能打印机 PixLab X1",
        "HUAWEI PixLab X1 Multifunction Printer",
        "华为",
        "PixLab X1",
        PRINTER,
        "1699.00",
        40,
        WHOLE,
        green=True,
        params={"print_type": "laser", "duplex": "yes"},
    ),
    listing(
        15,
        "联想 激光 打印机 LJ2205",
        "Lenovo LJ2205 Mono Printer",
        "联想",
        "LJ2205",
        PRINTER,
        "999.00",
        55,
        IN_XINCHENG,
        sme=True,
        params={"print_type": "laser", "duplex": "no"},
    ),
    # paper — 16 and 18 share sales; 16 names printers only in its extra text
    listing(
        16,
        "得力A4复印纸 70g 500张/包 8包/箱",
        "Deli A4 Copy Paper 70gsm",
        "得力",
        "A4-70",
        PAPER,
        "189.00",
        1000,
        WHOLE,
        sme=True,
        green=True,
        params={"size": "A4", "weight_gsm": "70"},
        extra="适用于激光打印机和复印机 高白 不卡纸 整箱发货 五包起订 政府机关 学校 医院 企业办公通用",
    ),
    listing(
        17,
        "得力A3复印纸 80g 500张/包",
        "Deli A3 Copy Paper 80gsm",
        "得力",
        "A3-80",
        PAPER,
        "259.00",
        400,
        IN_HOHHOT,
        sme=True,
        params={"size": "A3", "weight_gsm": "80"},
    ),
    listing(
        18,
        "晨光A4打印纸 70g 500张/包",
        "M&G A4 Printing Paper 70gsm",
        "晨光",
        "APYVQ959",
        PAPER,
        "169.00",
        1000,
        IN_BAOTOU,
        sme=True,
        params={"size": "A4", "weight_gsm": "70"},
    ),
    # office supplies
    listing(
        19,
        "得力重型订书机 0395",
        "Deli Heavy Duty Stapler",
        "得力",
        "0395",
        OFFICE,
        "25.50",
        500,
        WHOLE,
        sme=True,
    ),
    # furniture
    listing(
        20,
        "得力人体工学办公椅 网布",
        "Deli Ergonomic Office Chair",
        "得力",
        "87023",
        FURNITURE,
        "899.00",
        60,
        IN_HOHHOT,
        sme=True,
        green=True,
        params={"material": ["mesh", "steel"]},
    ),
    listing(
        21,
        "得力钢制文件柜 五节",
        "Deli Steel Filing Cabinet",
        "得力",
        "9341",
        FURNITURE,
        "1280.00",
        30,
        WHOLE,
        sme=True,
        params={"material": "steel"},
    ),
    listing(
        22,
        "实木会议桌 2.4米",
        "Solid Wood Conference Table 2.4m",
        "震旦",
        "HY-2400",
        FURNITURE,
        "3600.00",
        5,
        (BEIJING,),
        green=True,
        params={"material": "wood"},
    ),
    # servers
    listing(
        23,
        "华为机架式服务器 FusionServer 2288H V6",
        "Huawei FusionServer 2288H V6 Rack Server",
        "华为",
        "2288H V6",
        SERVER,
        "45800.00",
        3,
        WHOLE,
        params={"cpu": "xeon"},
    ),
    listing(
        24,
        "联想服务器 ThinkSystem SR650",
        "Lenovo ThinkSystem SR650 Rack Server",
        "联想",
        "SR650",
        SERVER,
        "38900.00",
        2,
        IN_BAOTOU,
        params={"cpu": "xeon"},
    ),
)

BY_ID = {doc.id: doc for doc in LISTINGS}


def param_list(doc: ListingDocument, code: str) -> list[str]:
    value = doc.params.get(code)
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def matches_filters(doc: ListingDocument, q: SearchQuery) -> bool:
    """The filters of ``q`` (not its text), as the backends should apply them."""
    if q.category_id is not None and q.category_id not in doc.category_path:
        return False
    if q.price_min is not None and doc.price < q.price_min:
        return False
    if q.price_max is not None and doc.price > q.price_max:
        return False
    if q.brands and doc.brand not in q.brands:
        return False
    for code, accepted in q.params.items():
        if accepted and not any(_accepts(doc, code, value) for value in accepted):
            return False
    if q.sme_only and not doc.sme:
        return False
    if q.green_only and not doc.green:
        return False
    return not (q.region_id is not None and q.region_id not in doc.region_ids)


def _accepts(doc: ListingDocument, code: str, value: str) -> bool:
    """One accepted value: an exact value, or for a numeric parameter "low..high" (inclusive)."""
    if ".." not in value:
        return value in param_list(doc, code)
    if code not in doc.numeric_params:
        return False
    low, _, high = value.partition("..")
    return any(
        (not low or Decimal(low) <= Decimal(v)) and (not high or Decimal(v) <= Decimal(high))
        for v in param_list(doc, code)
    )


SORT_KEYS = {
    "relevance": lambda d: d.id,  # with no text every score is equal
    "price_asc": lambda d: (d.price, d.id),
    "price_desc": lambda d: (-d.price, d.id),
    "sales": lambda d: (-d.sales, d.id),
}


def expected_ids(q: SearchQuery, docs=LISTINGS) -> list[int]:
    """All matching ids in order, for a query without text."""
    assert not q.text
    return [d.id for d in sorted((d for d in docs if matches_filters(d, q)), key=SORT_KEYS[q.sort])]
