"""Results of the long jobs, shown by the CLI as text and by the GUI in a summary dialog."""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.core.errors import InputError


@dataclass
class ImportSummary:
    imported: int = 0
    duplicates: int = 0
    refused: list[InputError] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)  # newly imported, in order
    cancelled: bool = False
    # What the imported files added to the project's codebook ("added label: SPEAKER"), in order, once each.
    codebook_added: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Human summary: one headline, what the codebook gained, then one line per refusal (file, line, reason)."""
        head = f"{self.imported} imported, {self.duplicates} duplicates skipped, {len(self.refused)} refused"
        if self.cancelled:
            head += " (cancelled: the articles imported before the cancel are kept)"
        codebook = [f"  codebook: {line}" for line in self.codebook_added]
        return [head, *codebook] + [f"  refused {e}" for e in self.refused]


@dataclass
class SuggestSummary:
    origin: str = ""
    articles: int = 0
    entities: int = 0
    claims: int = 0
    seconds: float = 0.0
    skipped: int = 0  # already suggested by this origin
    cancelled: bool = False
    too_long: list[str] = field(default_factory=list)  # articles longer than the pipeline's max_length

    def lines(self) -> list[str]:
        rate = self.articles / self.seconds if self.seconds > 0 else 0.0
        head = (f"{self.articles} articles suggested by {self.origin} ({rate:.1f} articles/s): "
                f"{self.entities} entities, {self.claims} claims; {self.skipped} already suggested")
        lines = [head + (" (cancelled)" if self.cancelled else "")]
        lines += [f"  not suggested: article {a} is longer than the pipeline's limit (spaCy max_length)"
                  for a in self.too_long]
        return lines


@dataclass
class ExportSummary:
    path: str = ""
    format: str = ""
    layer: str = ""
    articles: int = 0
    entities: int = 0
    claims: int = 0
    cancelled: bool = False

    def lines(self) -> list[str]:
        if self.cancelled:
            return [f"export to {self.path} cancelled: the file was not written"]
        return [f"exported {self.articles} articles ({self.entities} entities, {self.claims} claims, "
                f"layer {self.layer}) as {self.format} to {self.path}"]
