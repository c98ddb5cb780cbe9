"""annotator: code entities and claims in news articles, with spaCy suggestions."""

__version__ = "0.1.0"
