"""Warnings (预警, SUP-2): rules read the ledger and raise red, orange and yellow warnings, which
supervisors study, ask the party about and close (销号). See ``engine`` for how rules run and
``cases`` for the workflow of a warning."""
