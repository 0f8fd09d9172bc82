"""The demo suppliers' names: cities, lines of trade and trade names."""

from __future__ import annotations

#: Demo suppliers' cities: (Chinese, English, region code).
SUPPLIER_CITIES = [
    ("呼和浩特市", "Hohhot", "1501"),
    ("包头市", "Baotou", "1502"),
    ("锡林浩特市", "Xilinhot", "152502"),
    ("鄂尔多斯市", "Ordos", "15"),
    ("赤峰市", "Chifeng", "15"),
    ("通辽市", "Tongliao", "15"),
    ("乌兰察布市", "Ulanqab", "15"),
    ("巴彦淖尔市", "Bayannur", "15"),
]


#: Lines of trade: (Chinese, English).
SUPPLIER_TRADES = [
    ("科技", "Technology"),
    ("商贸", "Trading"),
    ("办公设备", "Office Equipment"),
    ("信息技术", "Information Technology"),
    ("电子", "Electronics"),
    ("实业", "Industrial"),
    ("供应链管理", "Supply Chain Management"),
    ("家具", "Furniture"),
    ("农牧业", "Agriculture and Animal Husbandry"),
    ("服务", "Services"),
]


#: Trade names (字号) with their romanisation, one per demo supplier.
SUPPLIER_MARKS = [
    ("瑞信", "Ruixin"),
    ("恒通", "Hengtong"),
    ("博远", "Boyuan"),
    ("鑫达", "Xinda"),
    ("华泰", "Huatai"),
    ("金桥", "Jinqiao"),
    ("天利", "Tianli"),
    ("宏图", "Hongtu"),
    ("远航", "Yuanhang"),
    ("嘉禾", "Jiahe"),
    ("安达", "Anda"),
    ("正元", "Zhengyuan"),
    ("万盛", "Wansheng"),
    ("德信", "Dexin"),
    ("众诚", "Zhongcheng"),
    ("北辰", "Beichen"),
    ("广源", "Guangyuan"),
    ("弘业", "Hongye"),
    ("青城", "Qingcheng"),
    ("塞北", "Saibei"),
    ("草原", "Caoyuan"),
    ("祥和", "Xianghe"),
    ("聚能", "Juneng"),
    ("明德", "Mingde"),
    ("新锐", "Xinrui"),
    ("君泰", "Juntai"),
    ("兴蒙", "Xingmeng"),
    ("骏马", "Junma"),
    ("敕勒川", "Chilechuan"),
    ("大青山", "Daqingshan"),
]
