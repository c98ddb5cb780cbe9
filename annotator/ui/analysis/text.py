"""Text helpers of the analysis views."""

from __future__ import annotations

import html

#: How the analysis views name the layers they offer.
LAYER_NAMES = {"gold": "gold (the reviewer's)", "decided": "everything decided", "suggestions": "suggestions"}


def layer_label(name: str) -> str:
    """A layer as the views show it: an annotator by name, the others described."""
    return LAYER_NAMES.get(name, name)


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` as it is: Qt would render a name like ``<b>Abe</b>`` as markup otherwise."""
    return "<p style='white-space:pre-wrap'>" + html.escape(text).replace("\n", "<br>") + "</p>"
