"""The project: annotators, codebook, settings and trained models."""
