"""The article side of the workspace: a header (title, date, outlet), a one-line legend, and the text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from annotator.core.records import ArticleRecord
from annotator.ui.shared import plain_text
from annotator.ui.shared.colors import CONTENT_TINT, CUE_COLOR, REJECTED_TEXT, SOURCE_COLOR, Palette
from annotator.ui.shared.layouts import fill
from annotator.ui.workspace.article_text import ArticleText


class ArticlePane(QWidget):
    """Header (title, date, outlet), a one-line legend, and the text."""

    def __init__(self, palette: Palette, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = plain_text.plain_label(QLabel())
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # titles are article data: never markup
        self.title.setWordWrap(True)
        title_font = QFont(self.title.font())
        title_font.setPointSizeF(max(title_font.pointSizeF(), 10.0) * 1.45)
        title_font.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(title_font)
        self.meta = plain_text.plain_label(QLabel())
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        self.meta.setStyleSheet("color: #555;")
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)  # our own fixed markup, no article data in it
        self.legend.setText(_legend_html(palette))
        self.legend.setWordWrap(True)
        legend_font = QFont(self.legend.font())
        legend_font.setPointSizeF(max(legend_font.pointSizeF(), 8.0) * 0.9)  # a key, not content
        self.legend.setFont(legend_font)
        self.text = ArticleText(palette, self)
        header = QWidget(self)
        header.setObjectName("articleHeader")
        header.setStyleSheet("#articleHeader { background: #f6f7f9; border-bottom: 1px solid #dcdfe4; }")
        fill(QVBoxLayout(header), self.title, self.meta, self.legend, margins=(18, 10, 18, 8), spacing=3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(self.text, 1)

    def palette_changed(self, palette: Palette) -> None:
        """Show an edited codebook's colours: the legend, and the spans on their next draw."""
        self.legend.setText(_legend_html(palette))
        self.text.forget_formats()

    def set_article(self, article: ArticleRecord | None) -> None:
        """Show an article's header and text (or an empty state)."""
        if article is None:
            self.title.setText("No article")
            self.meta.setText("Import articles from the File menu (Ctrl+O).")
            self.text.set_text("")
            return
        self.title.setText(article.title or article.file or article.id)
        parts = [p for p in (article.date, article.source, article.file) if p]
        self.meta.setText("  ·  ".join(parts))
        self.text.set_text(article.text)


def _legend_html(palette: Palette) -> str:
    """A compact key to the drawing styles, so a new analyst can read the page without the manual.

    Table cells: unlike inline text, a cell can have a border, so the "corrected" chip is boxed exactly as a
    corrected span is in the text (issue 15, point 26).
    """
    sample = palette.style(palette.labels[0] if palette.labels else "")
    light, strong, line = sample.light.name(), sample.strong.name(), sample.color.name()
    grey, source, cue = REJECTED_TEXT.name(), SOURCE_COLOR.name(), CUE_COLOR.name()
    gap = "<td width='8'></td>"
    statuses = [
        f"<td style='background:{light}; padding: 0 3px'>suggested</td>",
        f"<td style='background:{strong}; padding: 0 3px; text-decoration: underline'>accepted</td>",
        f"<td style='background:{strong}; padding: 0 3px; border: 2px solid {line}'>corrected</td>",
        f"<td style='color:{grey}; text-decoration: line-through; padding: 0 3px'>rejected</td>",
    ]
    roles = [
        f"<td style='color:{source}'>source</td><td>&nbsp;→&nbsp;</td><td style='color:{cue}'>cue</td>"
        f"<td>&nbsp;→&nbsp;</td><td style='background:{CONTENT_TINT.name()}; padding: 0 3px'>content</td>",
    ]
    # Two small tables, one per kind of key, side by side when there is room: a table does not wrap, and one
    # wide table would set a minimum width that keeps the window from fitting 1000 px.
    table = "<table cellspacing='0' cellpadding='0' style='color:#555; border-collapse: collapse; float: left'>"
    return (f"{table}<tr>{gap.join(statuses)}<td width='16'></td></tr></table>"
            f"{table}<tr>{gap.join(roles)}</tr></table>")
