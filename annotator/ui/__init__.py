"""annotator.ui"""
