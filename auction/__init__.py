"""Reverse auctions and volume purchases: rules, bid engine, clock, socket namespace."""
