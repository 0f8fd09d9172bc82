"""价格监测 price monitoring (SUP-3, first part): price spreads per standard product and category,
and CSV exports for price monitors."""
