"""The coding workspace: the article text, the entity and claim panels, and every decision on them."""
