"""主题馆 / 行业馆 theme and industry halls (CAT-5): a saved search and/or hand-picked listings."""
