"""Where a claim's cue and content begin and end: a small learned choice among nearby token edges.

The tagger's runs often stop one or two tokens from the annotators' edges, and which way is a convention, not
syntax: a leading "that" (left out), the quote marks of a direct quotation (kept), an auxiliary before the cue
("has praised") or a day after it ("said Wednesday"), a trailing full stop. No fixed rule gets these right (the
annotators do not apply them consistently either, and snapping to the parse measured worse), but which
convention holds is visible from the tokens an edge would cross and from how sure the tagger was about them. So
for each edge of a claim's cue and content (the start of its first content piece, the end of its last) the
candidates are the tagger's edge and the edges up to ``MAX_SHIFT`` words inwards or outwards; a logistic
regression per role and side scores each candidate from :func:`edge_features`, and the best one wins. It is
fitted on the documents held back from the tagger's training and kept only when it measures better on them by
cross-validation (``model_training.choose_edges``), like the piece filter (``attribution_pieces``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy

from annotator.nlp.attribution_pieces import fit_logistic

#: How far (in words, whitespace tokens not counted) an edge may move either way.
MAX_SHIFT = 2
#: The edges that get a learned choice: ``ROLE:side``.
EDGES: tuple[str, ...] = ("CUE:start", "CUE:end", "CONTENT:start", "CONTENT:end")
#: Coarse classes of the tokens an edge crosses (the first that applies).
CLASSES: tuple[str, ...] = (
    "quote mark", "that", "comma", "full stop", "colon or dash", "other punctuation", "auxiliary", "negation",
    "adverb", "particle", "preposition", "determiner", "pronoun", "verb", "date or time", "noun", "other",
)
_QUOTE_MARKS = frozenset('"“”«»„\'‘’')
_STOPS = frozenset({".", "?", "!", "...", "…"})
_COLONS = frozenset({":", ";", "-", "–", "—", "―"})
_POS_CLASS = {"AUX": "auxiliary", "ADV": "adverb", "PART": "particle", "ADP": "preposition", "DET": "determiner",
              "PRON": "pronoun", "VERB": "verb", "NOUN": "noun", "PROPN": "noun", "PUNCT": "other punctuation"}
_SHIFTS = tuple(range(-MAX_SHIFT, MAX_SHIFT + 1))
#: The names of :func:`edge_features`' columns, in order.
FEATURE_NAMES: tuple[str, ...] = (
    *(f"shift {s:+d}" for s in _SHIFTS),
    *(f"grows over {c}" for c in CLASSES),
    *(f"shrinks over {c}" for c in CLASSES),
    *(f"edge token is {c}" for c in CLASSES),
    "grows: tagger's role probability (mean)",
    "shrinks: tagger's role probability (mean)",
    "grows into another role's tokens",
    "crosses a sentence start",
)


@dataclass(frozen=True)
class TokenInfo:
    """What an edge's features read about one token."""

    lower: str
    pos: str
    ent: str
    punct: bool


def token_class(token: TokenInfo) -> str:
    """The coarse class of ``token`` (one of ``CLASSES``)."""
    text = token.lower
    if text in _QUOTE_MARKS or text in ("``", "''"):
        return "quote mark"
    if text == "that":
        return "that"
    if text == ",":
        return "comma"
    if text in _STOPS:
        return "full stop"
    if text in _COLONS:
        return "colon or dash"
    if text in ("not", "n't", "never"):
        return "negation"
    if token.ent in ("DATE", "TIME"):
        return "date or time"
    if token.punct:
        return "other punctuation"
    return _POS_CLASS.get(token.pos, "other")


@dataclass(frozen=True)
class EdgeCandidate:
    """One candidate edge: how far it moved (positive: outwards, the span grows), the tokens it crossed, the
    token at the new edge, and the tagger's probability of the crossed tokens having the span's role."""

    shift: int
    crossed: tuple[TokenInfo, ...]
    edge: TokenInfo
    probability: float
    into_other_role: bool
    crosses_sentence: bool


def edge_features(candidate: EdgeCandidate) -> list[float]:
    """One row of features for ``candidate`` (columns: ``FEATURE_NAMES``)."""
    n = len(CLASSES)
    shift = [float(candidate.shift == s) for s in _SHIFTS]
    grows, shrinks, edge = [0.0] * n, [0.0] * n, [0.0] * n
    side = grows if candidate.shift > 0 else shrinks
    for token in candidate.crossed:
        side[CLASSES.index(token_class(token))] += 1.0
    edge[CLASSES.index(token_class(candidate.edge))] = 1.0
    return [
        *shift, *grows, *shrinks, *edge,
        candidate.probability if candidate.shift > 0 else 0.0,
        candidate.probability if candidate.shift < 0 else 0.0,
        float(candidate.into_other_role),
        float(candidate.crosses_sentence),
    ]


@dataclass(frozen=True)
class EdgeModel:
    """A fitted choice for one kind of edge (``ROLE:side``): the candidate with the highest score wins."""

    weights: tuple[float, ...]
    bias: float

    def choose(self, rows: Sequence[Sequence[float]]) -> int:
        """The index of the best of one edge's candidate rows."""
        scores = numpy.asarray(rows, dtype="float64") @ numpy.asarray(self.weights) + self.bias
        return int(numpy.argmax(scores))


@dataclass(frozen=True)
class EdgeChooser:
    """The fitted :class:`EdgeModel` of each kind of edge that has one (an edge without one stays)."""

    models: dict[str, EdgeModel]

    def choose(self, edge: str, rows: Sequence[Sequence[float]], stay: int) -> int:
        """The index of the chosen candidate for an edge of kind ``edge`` (``stay``: the tagger's own edge)."""
        model = self.models.get(edge)
        return stay if model is None or not rows else model.choose(rows)

    def to_cfg(self) -> dict[str, Any]:
        """A JSON-ready form (kept in the component's ``cfg``, saved with the pipeline)."""
        return {"features": list(FEATURE_NAMES),
                "models": {k: {"weights": [round(w, 6) for w in m.weights], "bias": round(m.bias, 6)}
                           for k, m in sorted(self.models.items())}}

    @classmethod
    def from_cfg(cls, cfg: dict[str, Any] | None) -> EdgeChooser | None:
        """The chooser saved by :meth:`to_cfg`; None when there is none or it was fitted on other features."""
        if not cfg or list(cfg.get("features", [])) != list(FEATURE_NAMES) or not cfg.get("models"):
            return None
        return cls({k: EdgeModel(tuple(float(w) for w in m["weights"]), float(m["bias"]))
                    for k, m in cfg["models"].items() if k in EDGES})


def fit_edge_model(rows: Sequence[Sequence[float]], labels: Sequence[bool]) -> EdgeModel | None:
    """Fit one kind of edge's model on candidate rows labelled True where the candidate is the annotators' edge
    (None when there is nothing to learn)."""
    fitted = fit_logistic(rows, labels)
    return None if fitted is None else EdgeModel(*fitted)
