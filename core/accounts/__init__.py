"""Accounts: regions, organisations, users and roles, sessions and API tokens."""
