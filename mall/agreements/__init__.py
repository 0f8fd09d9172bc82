"""Framework agreements (框架协议采购, MALL-8)."""
