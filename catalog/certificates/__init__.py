"""Green certificates (CAT-7): 节能产品 energy-saving and 环境标志产品 eco-label certificates."""
