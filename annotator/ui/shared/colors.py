"""Label colours and status styles for drawing spans, with a readability check.

Label colours come from the project's codebook. A tint is the label colour blended onto
white; the blend is weakened until black text on it keeps a WCAG contrast of at least 7:1, so a dark label colour
can never make the article unreadable.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette

from annotator.core.codebook import Codebook
from annotator.core.records import Status

#: Minimum contrast of body text on a span tint (WCAG AAA for normal text).
MIN_TEXT_CONTRAST = 7.0
TEXT_COLOR = QColor("#1b1b1b")
REJECTED_TEXT = QColor("#8a8a8a")
FALLBACK_COLOR = "#607d8b"

# Claim roles: distinct from the label colours (which are background tints), drawn on the glyphs themselves.
SOURCE_COLOR = QColor("#0d3b8c")
CUE_COLOR = QColor("#a23c00")
CONTENT_TINT = QColor("#ffe6a1")  # the current claim's content
CONTENT_FAINT = QColor("#fbf4e0")  # every other claim's content
CURRENT_OUTLINE = QColor("#111111")

# Signal colours, one meaning each wherever they stand: agreement, support and done are POSITIVE; dispute,
# conflict and a low score NEGATIVE; what wants a look CAUTION; the reviewed (gold) layer GOLD.
POSITIVE = QColor("#2e7d32")
NEGATIVE = QColor("#c62828")
CAUTION = QColor("#b26a00")
GOLD = QColor("#1b5e20")

#: The tables' colours (rows, alternate rows, the selected row), by palette role: set as a palette for every
#: QTableView (``table_palette``), where a style sheet rule would make Qt draw each cell through the rules.
TABLE_COLORS: dict[QPalette.ColorRole, QColor] = {
    QPalette.ColorRole.Base: QColor("#ffffff"),
    QPalette.ColorRole.AlternateBase: QColor("#f6f8fa"),
    QPalette.ColorRole.Highlight: QColor("#cfe0f1"),
    QPalette.ColorRole.HighlightedText: TEXT_COLOR,
}


def table_palette(base: QPalette) -> QPalette:
    """``base`` with the tables' colours (``TABLE_COLORS``), in every colour group (a table out of focus too)."""
    palette = QPalette(base)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for role, color in TABLE_COLORS.items():
            palette.setColor(group, role, color)
    return palette


STATUS_COLORS: dict[str, QColor] = {
    Status.SUGGESTED: QColor("#6d6d6d"),
    Status.ACCEPTED: QColor("#1e7d32"),
    Status.CORRECTED: QColor("#0b63a8"),
    Status.REJECTED: QColor("#b3261e"),
    Status.MANUAL: QColor("#6a1b9a"),
}

#: qtawesome icon names per entity/claim status (used in the panels and the legend).
STATUS_ICONS: dict[str, str] = {
    Status.SUGGESTED: "fa5s.lightbulb",
    Status.ACCEPTED: "fa5s.check",
    Status.CORRECTED: "fa5s.pen",
    Status.REJECTED: "fa5s.times",
    Status.MANUAL: "fa5s.plus",
}


def relative_luminance(color: QColor) -> float:
    """WCAG relative luminance of an sRGB colour."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def blend(color: QColor, strength: float, base: QColor | None = None) -> QColor:
    """``color`` laid over ``base`` (white) with opacity ``strength``, as an opaque colour."""
    base = base or QColor("#ffffff")
    return QColor(
        round(base.red() + (color.red() - base.red()) * strength),
        round(base.green() + (color.green() - base.green()) * strength),
        round(base.blue() + (color.blue() - base.blue()) * strength),
    )


def readable_tint(color: QColor, strength: float, text: QColor = TEXT_COLOR) -> QColor:
    """The strongest tint up to ``strength`` on which ``text`` keeps :data:`MIN_TEXT_CONTRAST`."""
    while strength > 0.05:
        tint = blend(color, strength)
        if contrast_ratio(tint, text) >= MIN_TEXT_CONTRAST:
            return tint
        strength -= 0.03
    return blend(color, 0.05)


@dataclass(frozen=True)
class LabelStyle:
    """The colours of one label: its own colour (underlines, swatches) and two readable background tints."""

    name: str
    color: QColor
    light: QColor  # suggestions: a hint, not a decision
    strong: QColor  # accepted / corrected / manual: a decision
    description: str = ""


class Palette:
    """Label styles for the codebook's labels (in their order); a label outside it gets a neutral colour.

    One palette is shared by the text pane and the panels: ``set_codebook`` changes it in place, so a recoloured
    or renamed label shows everywhere on the next paint.
    """

    def __init__(self, codebook: Codebook) -> None:
        self._styles: dict[str, LabelStyle] = {}
        self.labels: list[str] = []
        self.set_codebook(codebook)

    def set_codebook(self, codebook: Codebook) -> None:
        self._styles = {label.name: self._make(label.name, label.color, label.description) for label in codebook.labels}
        self.labels = list(codebook.label_names)

    @staticmethod
    def _make(name: str, hex_color: str, description: str) -> LabelStyle:
        color = QColor(hex_color)
        return LabelStyle(name, color, readable_tint(color, 0.16), readable_tint(color, 0.42), description)

    def style(self, label: str) -> LabelStyle:
        """The style of ``label`` (created on the fly for a label outside the set)."""
        style = self._styles.get(label)
        if style is None:
            style = self._styles[label] = self._make(label, FALLBACK_COLOR, "")
        return style
