"""Analysis across the corpus: the claims view and discourse networks."""
