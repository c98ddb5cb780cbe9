"""Review: all done layers on one text, adjudication into gold, and agreement."""
