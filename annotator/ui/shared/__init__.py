"""Widgets, models and job plumbing shared by the rooms of the window."""
