"""Which content pieces a claim keeps: a small learned choice, trained on documents the tagger never saw.

Linking gives a cue every content run that the rules, the parse, a continued quotation or nearness attach to it.
When a claim ends up with two or more pieces, its content's extent (first piece to last) is only right when each
piece really belongs to it: on the benchmark corpus's tuning share, half of the found claims with several pieces
had a wrong content extent, and for two thirds of those one contiguous run of their own pieces was exactly the
annotators' content. Which pieces to keep is not a rule of thumb (how the piece was attached, on which side of
the cue, how far, across a sentence or a quotation mark, how sure the tagger was) but a trade-off between these
facts, so it is learned: a logistic regression over :func:`piece_features`, fitted on the documents held back
from the tagger's training (whose tag probabilities are as uncertain as at suggestion time), and kept only when
it measures better on them by cross-validation (``model_training.choose_pieces``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy

#: Below this keep probability a piece is dropped. Chosen on the benchmark corpus's tuning share by
#: cross-validation (0.3-0.6 were within 0.01 content F1 of each other; 0.3 lost least overlap F1).
KEEP_THRESHOLD = 0.3
#: How linking attached a piece to its cue (``attribution_linking``).
VIAS: tuple[str, ...] = ("rule", "parse", "quote", "nearest")
_DIST_EDGES = (0, 2, 5, 15)
_LEN_EDGES = (2, 6, 20)
#: The names of :func:`piece_features`' columns, in order (reports and tests read them).
FEATURE_NAMES: tuple[str, ...] = (
    *(f"via {v}" for v in VIAS),
    "before the cue",
    "after the cue",
    "around the cue",
    *(f"distance <= {d}" for d in _DIST_EDGES),
    "distance > 15",
    "same sentence as the cue",
    "same paragraph as the cue",
    "opens with a quote mark",
    "ends with a quote mark",
    "another cue in between",
    "nearest piece to the cue",
    *(f"length <= {n}" for n in _LEN_EDGES),
    "length > 20",
    "content probability (mean)",
    "content probability (first token)",
    "three or more pieces",
)


@dataclass(frozen=True)
class PieceContext:
    """What :func:`piece_features` reads about one piece of a claim (token indices, end exclusive)."""

    start: int
    end: int
    via: str
    cue_start: int
    cue_end: int
    same_sentence: bool
    same_paragraph: bool
    opens_quote: bool
    ends_quote: bool
    cue_between: bool
    nearest: bool
    n_pieces: int
    probability: float
    first_probability: float


def piece_features(piece: PieceContext) -> list[float]:
    """One row of features for ``piece`` (columns: ``FEATURE_NAMES``)."""
    if piece.end <= piece.cue_start:
        side, dist = (1.0, 0.0, 0.0), piece.cue_start - piece.end
    elif piece.start >= piece.cue_end:
        side, dist = (0.0, 1.0, 0.0), piece.start - piece.cue_end
    else:
        side, dist = (0.0, 0.0, 1.0), 0
    dist_bucket = [0.0] * (len(_DIST_EDGES) + 1)
    dist_bucket[next((k for k, d in enumerate(_DIST_EDGES) if dist <= d), len(_DIST_EDGES))] = 1.0
    length = piece.end - piece.start
    len_bucket = [0.0] * (len(_LEN_EDGES) + 1)
    len_bucket[next((k for k, n in enumerate(_LEN_EDGES) if length <= n), len(_LEN_EDGES))] = 1.0
    return [
        *(float(piece.via == v) for v in VIAS),
        *side,
        *dist_bucket,
        float(piece.same_sentence),
        float(piece.same_paragraph),
        float(piece.opens_quote),
        float(piece.ends_quote),
        float(piece.cue_between),
        float(piece.nearest),
        *len_bucket,
        piece.probability,
        piece.first_probability,
        float(piece.n_pieces >= 3),
    ]


@dataclass(frozen=True)
class PieceFilter:
    """A fitted keep-or-drop choice for the pieces of claims with more than one.

    Attributes:
        weights: one weight per column of ``FEATURE_NAMES``.
        bias: the intercept.
        threshold: a piece whose keep probability is below this is dropped (the claim's likeliest piece never is).
    """

    weights: tuple[float, ...]
    bias: float
    threshold: float = KEEP_THRESHOLD

    def keep(self, rows: Sequence[Sequence[float]]) -> list[bool]:
        """Which of one claim's pieces to keep; at least the likeliest one is kept."""
        if not rows:
            return []
        scores = self.probabilities(rows)
        keep = [bool(s >= self.threshold) for s in scores]
        keep[int(numpy.argmax(scores))] = True
        return keep

    def probabilities(self, rows: Sequence[Sequence[float]]) -> Any:
        """The keep probability of each row."""
        x = numpy.asarray(rows, dtype="float64")
        return 1.0 / (1.0 + numpy.exp(-(x @ numpy.asarray(self.weights) + self.bias)))

    def to_cfg(self) -> dict[str, Any]:
        """A JSON-ready form (kept in the component's ``cfg``, saved with the pipeline)."""
        return {"features": list(FEATURE_NAMES), "weights": [round(w, 6) for w in self.weights],
                "bias": round(self.bias, 6), "threshold": self.threshold}

    @classmethod
    def from_cfg(cls, cfg: dict[str, Any] | None) -> PieceFilter | None:
        """The filter saved by :meth:`to_cfg`; None when there is none or it was fitted on other features."""
        if not cfg or list(cfg.get("features", [])) != list(FEATURE_NAMES):
            return None
        threshold = float(cfg.get("threshold", KEEP_THRESHOLD))
        return cls(tuple(float(w) for w in cfg["weights"]), float(cfg["bias"]), threshold)


def fit_piece_filter(rows: Sequence[Sequence[float]], labels: Sequence[bool], *, l2: float = 1.0,
                     steps: int = 400) -> PieceFilter | None:
    """Fit the piece filter: a logistic regression (:func:`fit_logistic`) of keeping a piece.

    Returns:
        The filter, or None when the labels are all of one kind (nothing to learn).
    """
    fitted = fit_logistic(rows, labels, l2=l2, steps=steps)
    return None if fitted is None else PieceFilter(*fitted)


def fit_logistic(rows: Sequence[Sequence[float]], labels: Sequence[bool], *, l2: float = 1.0,
                 steps: int = 400) -> tuple[tuple[float, ...], float] | None:
    """Fit a logistic regression (Newton steps on the L2-penalised log loss; the bias is not penalised).

    Returns:
        ``(weights, bias)``, or None when the labels are all of one kind (nothing to learn).
    """
    y = numpy.asarray(labels, dtype="float64")
    if len(y) == 0 or y.min() == y.max():
        return None
    x = numpy.asarray(rows, dtype="float64")
    x = numpy.hstack((x, numpy.ones((len(x), 1))))
    w = numpy.zeros(x.shape[1])
    penalty = numpy.full(x.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + numpy.exp(-(x @ w)))
        grad = x.T @ (p - y) + penalty * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + numpy.diag(penalty + 1e-6)
        step = numpy.linalg.solve(hess, grad)
        w -= step
        if float(numpy.abs(step).max()) < 1e-6:
            break
    return tuple(float(v) for v in w[:-1]), float(w[-1])
