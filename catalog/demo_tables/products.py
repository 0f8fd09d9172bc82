"""The demo's standard products per leaf category, in the catalogue's order."""

from __future__ import annotations

from catalog.demo_tables.products_it import IT_PRODUCTS
from catalog.demo_tables.products_other import OTHER_PRODUCTS

#: Standard products per leaf category: (code, Chinese name, English name, parameters, price in
#: CNY around which suppliers offer it).
STANDARD_PRODUCTS: dict[str, list[tuple[str, str, str, dict, int]]] = {
    **IT_PRODUCTS,
    **OTHER_PRODUCTS,
}
