"""Analysis: the corpus-wide claims view and the discourse network view."""
