"""Volume purchases (带量采购, AUC-2): demands pooled into one lot, a reverse auction on the unit
price, and the award split into one order and contract per purchaser and winner."""
