"""annotator.nlp"""
