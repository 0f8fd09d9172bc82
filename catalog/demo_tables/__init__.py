"""The demo catalog's data tables, by kind: the category tree and its leaves, parameter schemas,
brands and price drift, supplier names, and standard products. ``catalog.demo_data`` gathers them."""
