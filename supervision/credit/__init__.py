"""诚信评价 (SUP-4): the rating criteria and each organisation's public credit record, computed from the
ratings on the ledger."""
