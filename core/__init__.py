"""Ground floor: config, database, errors, money, clock, accounts, signatures. Imports nothing of ours."""
