"""annotator.store"""
