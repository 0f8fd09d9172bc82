"""品目 categories (CAT-1), their versioned standard-parameter schemas (CAT-2) and standard products."""
