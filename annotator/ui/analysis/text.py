"""Text helpers of the analysis views."""

from __future__ import annotations

import html


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` as it is: Qt would render a name like ``<b>Abe</b>`` as markup otherwise."""
    return "<p style='white-space:pre-wrap'>" + html.escape(text).replace("\n", "<br>") + "</p>"
