"""The demo catalog's shape: categories (in the style of the national procurement item catalogue),
their parameters, brands and price ranges, supplier names and standard products. Used by
``catalog.demo``; the tables themselves live in ``catalog.demo_tables``, one module per kind."""

from __future__ import annotations

from catalog.demo_tables.brands import (  # noqa: F401
    BRANDS_EN,
    PRICE_DRIFT,
)
from catalog.demo_tables.categories import (  # noqa: F401
    LEAVES,
    TREE,
)
from catalog.demo_tables.organisations import (  # noqa: F401
    SUPPLIER_CITIES,
    SUPPLIER_MARKS,
    SUPPLIER_TRADES,
)
from catalog.demo_tables.parameters import (  # noqa: F401
    CPU,
    PARAMS,
)
from catalog.demo_tables.products import (  # noqa: F401
    STANDARD_PRODUCTS,
)
