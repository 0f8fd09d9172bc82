"""价格监测统计 (CAT-4, SUP-3): transaction price samples read from the ledger, daily statistics
over a rolling 7-day window per standard product and per category in each region, and the
transactions priced above the window's upper fence (price anomalies)."""
