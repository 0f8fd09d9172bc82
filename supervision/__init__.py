"""Supervision: the ledger (spine of the system), and later warnings, credit and disclosure."""
