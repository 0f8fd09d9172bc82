"""信用互评 (SUP-4): after an order closes, each party rates the other once."""
