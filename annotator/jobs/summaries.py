"""Results of the long jobs, shown by the CLI as text and by the GUI in a summary dialog."""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.core.errors import InputError


@dataclass(frozen=True)
class NearDuplicate:
    """An article that repeats another (a wire copy, an updated version), found at import.

    Attributes:
        where: the file and the article number in it ("nexis.docx article 4 of 50").
        title: its title.
        of: the article it repeats, as the user can find it (``id "title"``, or where it is in this import).
        of_id: the id of the article it repeats when that one is stored (None in a preview of a new article).
        similarity: estimated Jaccard similarity of their word 3-grams (0..1).
        kept: imported anyway (``--keep-near-duplicates``), marked in its meta.
    """

    where: str
    title: str
    of: str
    of_id: str | None
    similarity: float
    kept: bool = False

    def line(self) -> str:
        verdict = "kept, marked as a near-duplicate" if self.kept else "skipped"
        return (f'  near-duplicate {self.where} "{self.title}": repeats {self.of} '
                f"(similarity {self.similarity:.2f}); {verdict}")


@dataclass
class ImportSummary:
    imported: int = 0
    duplicates: int = 0
    refused: list[InputError] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)  # newly imported, in order
    cancelled: bool = False
    near_duplicates: list[NearDuplicate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. "x.docx: no Nexis ... layout recognised: ..."
    # What the imported files added to the project's codebook ("added label: SPEAKER"), in order, once each.
    codebook_added: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Human summary: one headline, what the codebook gained, then one line per refusal (file, line or article
        number, reason), per near-duplicate (with the article it repeats) and per note."""
        skipped = sum(1 for n in self.near_duplicates if not n.kept)
        head = f"{self.imported} imported, {self.duplicates} duplicates skipped, "
        if self.near_duplicates:
            kept = len(self.near_duplicates) - skipped
            head += f"{skipped} near-duplicates skipped, " if not kept else f"{kept} near-duplicates kept (marked), "
        head += f"{len(self.refused)} refused"
        if self.cancelled:
            head += " (cancelled: the articles imported before the cancel are kept)"
        codebook = [f"  codebook: {line}" for line in self.codebook_added]
        return (
            [head, *codebook]
            + [f"  refused {e}" for e in self.refused]
            + [n.line() for n in self.near_duplicates]
            + [f"  note {n}" for n in self.notes]
        )


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
    # CPU seconds of the run's two threads in one process (``time.thread_time``): the parse (the caller's thread)
    # and the writer (the trained component, the rules, the store); 0 with several processes.
    parse_cpu_seconds: float = 0.0
    writer_cpu_seconds: float = 0.0

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
