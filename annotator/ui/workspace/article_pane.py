"""The article side of the workspace: a header (title, date, outlet), a one-line legend, and the text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from annotator.core.records import ArticleRecord
from annotator.ui.shared.colors import CONTENT_TINT, CUE_COLOR, REJECTED_TEXT, SOURCE_COLOR, Palette
from annotator.ui.workspace.article_text import ArticleText


class ArticlePane(QWidget):
    """Header (title, date, outlet), a one-line legend, and the text."""

    def __init__(self, palette: Palette, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # titles are article data: never markup
        self.title.setWordWrap(True)
        title_font = QFont(self.title.font())
        title_font.setPointSizeF(max(title_font.pointSizeF(), 10.0) * 1.45)
        title_font.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(title_font)
        self.meta = QLabel()
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
        header_layout = QVBoxLayout(header)
        header_layout.setContentsMargins(18, 10, 18, 8)
        header_layout.setSpacing(3)
        header_layout.addWidget(self.title)
        header_layout.addWidget(self.meta)
        header_layout.addWidget(self.legend)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(self.text, 1)

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
    """A compact key to the drawing styles, so a new analyst can read the page without the manual."""
    sample = palette.style(palette.labels[0]) if palette.labels else palette.style("PERSON")
    light, strong = sample.light.name(), sample.strong.name()
    grey, source, cue = REJECTED_TEXT.name(), SOURCE_COLOR.name(), CUE_COLOR.name()
    return (
        "<span style='color:#555'>"
        f"<span style='background:{light}'>&nbsp;suggested&nbsp;</span>&nbsp; "
        f"<span style='background:{strong}; text-decoration:underline'>&nbsp;accepted&nbsp;</span>&nbsp; "
        f"<span style='background:{strong}; text-decoration:underline overline'>&nbsp;corrected&nbsp;</span>"
        f"&nbsp; <span style='color:{grey}; text-decoration:line-through'>rejected</span>"
        "&nbsp;&nbsp;│&nbsp;&nbsp;"
        f"<span style='color:{source}'>source</span> → <span style='color:{cue}'>cue</span>"
        f" → <span style='background:{CONTENT_TINT.name()}'>&nbsp;content&nbsp;</span></span>"
    )
