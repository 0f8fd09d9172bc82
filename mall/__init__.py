"""Buying: cart, orders, budget, contracts, payments, framework agreements, disputes, finance."""
