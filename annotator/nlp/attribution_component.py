"""The trained attribution component: a spaCy pipe that tags source, cue and content and links them into claims.

It is an ordinary trainable spaCy component (factory ``annotator_attribution``), saved with its pipeline and
loaded by ``spacy.load`` (the package registers the factory and the network through entry points). It runs after
the parser and NER of the pipeline it was trained on and writes its claims into ``doc.spans["claims"]``: each span
is labelled ``<claim number>:<role>``, and the group's attrs hold each claim's kind and form, so the claims survive
``Doc.to_bytes`` (the worker processes of ``annotator suggest --processes``) and are readable by any spaCy user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc
from spacy.training import Example
from spacy.vocab import Vocab
from thinc.api import Config, Model

from annotator.core.records import ClaimSuggestion, Span
from annotator.nlp import attribution_model
from annotator.nlp.attribution_edges import EdgeChooser
from annotator.nlp.attribution_features import EMBED_ROWS, TAGS, FeatureExtractor
from annotator.nlp.attribution_linking import MODES, link_claims
from annotator.nlp.attribution_pieces import PieceFilter

FACTORY = "annotator_attribution"
#: The span group the component writes its claims to.
CLAIMS_KEY = "claims"

DEFAULT_MODEL = Config().from_str(
    f"""
[model]
@architectures = "{attribution_model.ARCHITECTURE}"
n_tags = {len(TAGS)}
embed_rows = {list(EMBED_ROWS)}
tensor_width = 96
embed_width = 24
width = 96
depth = 2
window_size = 1
maxout_pieces = 2
dropout = 0.1
"""
)["model"]


@Language.factory(FACTORY, default_config={"model": DEFAULT_MODEL, "mode": "model"}, assigns=["doc.spans"])
def make_attribution(nlp: Language, name: str, model: Model, mode: str) -> AttributionTagger:
    """spaCy factory of :class:`AttributionTagger`."""
    return AttributionTagger(nlp.vocab, model, name, mode=mode)


class AttributionTagger(TrainablePipe):
    """Tags attribution roles per token and writes linked claims to ``doc.spans["claims"]``.

    Args:
        vocab: the pipeline's vocabulary.
        model: the network from ``attribution_model.build_attribution_tagger``.
        name: the component's name in the pipeline.
        mode: ``model`` (the tagger's claims) or ``union`` (plus the rule claims it left out entirely).
    """

    def __init__(self, vocab: Vocab, model: Model, name: str = FACTORY, *, mode: str = "model") -> None:
        if mode not in MODES:
            raise ValueError(f"attribution mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.vocab = vocab
        self.model = model
        self.name = name
        self.cfg: dict[str, Any] = {"mode": mode, "labels": list(TAGS)}
        self._rules: Any = None
        self._features: FeatureExtractor | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        return TAGS

    @property
    def rules(self) -> Any:
        """The rule-based claim suggester whose claims are features and linking hints (built on first use)."""
        if self._rules is None:
            from annotator.nlp.claims import ClaimSuggester  # claims imports this module to read our output

            self._rules = ClaimSuggester(self.vocab)
        return self._rules

    # ------------------------------------------------------------------ inputs and prediction

    def inputs(self, docs: Iterable[Doc]) -> tuple[list[tuple[Any, Any]], list[list[ClaimSuggestion]]]:
        """The network inputs of ``docs`` and the rule claims they were computed from."""
        if self._features is None:
            learned = [(str(lemma), str(pos)) for lemma, pos in self.cfg.get("learned_cues", [])]
            self._features = FeatureExtractor(self.rules.lexicon, learned)
        inputs, rule_claims = [], []
        for doc in docs:
            claims = self.rules.suggest_rules(doc) if len(doc) else []
            inputs.append((self._features(doc, claims), doc.tensor))
            rule_claims.append(claims)
        return inputs, rule_claims

    def predict(self, docs: Iterable[Doc]) -> list[tuple[Any, list[ClaimSuggestion]]]:
        docs = list(docs)
        inputs, rule_claims = self.inputs(docs)
        nonempty = [k for k, doc in enumerate(docs) if len(doc)]
        probs: list[Any] = [numpy.zeros((0, len(TAGS)), dtype="float32") for _ in docs]
        if nonempty:
            with attribution_model.one_blas_thread():
                predicted = self.model.predict([inputs[k] for k in nonempty])
            for k, p in zip(nonempty, predicted, strict=True):
                probs[k] = self.model.ops.to_numpy(p)
        return list(zip(probs, rule_claims, strict=True))

    def set_annotations(self, docs: Iterable[Doc], predictions: Sequence[tuple[Any, list[ClaimSuggestion]]]) -> None:
        decoded = decode_batch([probs for probs, _ in predictions])
        piece_filter, edges = self.piece_filter, self.edge_chooser
        for doc, tags, (probs, rule_claims) in zip(docs, decoded, predictions, strict=True):
            claims = link_claims(doc, tags, rule_claims, self.cfg["mode"], probs=probs, piece_filter=piece_filter,
                                 edges=edges, subject_sources=bool(self.cfg.get("subject_sources")))
            write_claims(doc, claims)

    def set_learned_cues(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Count these ``(lemma, part of speech)`` pairs as cue words in the features (saved in ``cfg``)."""
        self.cfg["learned_cues"] = [list(pair) for pair in pairs]
        self._features = None

    @property
    def piece_filter(self) -> PieceFilter | None:
        """The learned choice of content pieces (``cfg["pieces"]``, set by training when it measured better)."""
        return PieceFilter.from_cfg(self.cfg.get("pieces"))

    @property
    def edge_chooser(self) -> EdgeChooser | None:
        """The learned choice of cue and content edges (``cfg["edges"]``, set by training when it measured
        better)."""
        return EdgeChooser.from_cfg(self.cfg.get("edges"))

    # ------------------------------------------------------------------ training

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Language | None = None) -> None:
        """Initialise the network's weights from a few example docs (their predicted side)."""
        docs = [eg.predicted for eg in get_examples()][:8]
        inputs, _ = self.inputs(docs)
        self.model.initialize(X=inputs or None)

    def update(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, float]:
        raise NotImplementedError("train the attribution component with annotator.nlp.attribution_training")

    def add_label(self, label: str) -> int:
        raise NotImplementedError("the attribution tag set is fixed")


def decode_tags(probs: Any) -> list[str]:
    """The best BIO-consistent tag sequence for per-token tag probabilities (Viterbi: ``I-X`` only after ``X``)."""
    return decode_batch([probs])[0]


def decode_batch(batch: Sequence[Any]) -> list[list[str]]:
    """:func:`decode_tags` for many documents at once.

    The Viterbi recursion steps through the positions of all documents together (padded to the longest), so its
    Python loop runs once per position of the longest document, not once per token of every document.
    """
    lengths = [len(p) for p in batch]
    out: list[list[str]] = [[] for _ in batch]
    live = [k for k, n in enumerate(lengths) if n]
    if not live:
        return out
    size = len(TAGS)
    longest = max(lengths[k] for k in live)
    logp = numpy.zeros((len(live), longest, size))
    for row, k in enumerate(live):
        logp[row, : lengths[k]] = numpy.log(numpy.asarray(batch[k], dtype="float64") + 1e-9)
    ends = numpy.asarray([lengths[k] for k in live])
    score = logp[:, 0] + _START
    back = numpy.zeros((len(live), longest, size), dtype="int64")
    back[:] = numpy.arange(size)  # past a document's end: stay in the same tag
    for i in range(1, longest):
        cand = score[:, :, None] + _TRANSITIONS  # (doc, previous tag, tag)
        best_prev = cand.argmax(axis=1)
        going = ends > i
        back[going, i] = best_prev[going]
        score = numpy.where(going[:, None], cand.max(axis=1) + logp[:, i], score)
    rows = numpy.arange(len(live))
    path = numpy.zeros((len(live), longest), dtype="int64")
    path[:, longest - 1] = score.argmax(axis=1)
    for i in range(longest - 1, 0, -1):
        path[:, i - 1] = back[rows, i, path[:, i]]
    for row, k in enumerate(live):
        out[k] = [TAGS[t] for t in path[row, : lengths[k]]]
    return out


def _transitions() -> tuple[Any, Any]:
    size = len(TAGS)
    trans = numpy.zeros((size, size))
    start = numpy.zeros(size)
    for cur, tag in enumerate(TAGS):
        if tag.startswith("I-"):
            role = tag[2:]
            start[cur] = -numpy.inf
            for prev, ptag in enumerate(TAGS):
                if ptag not in (f"B-{role}", f"I-{role}"):
                    trans[prev, cur] = -numpy.inf
    return trans, start


_TRANSITIONS, _START = _transitions()


# ---------------------------------------------------------------------- claims in doc.spans


def write_claims(doc: Doc, claims: Sequence[ClaimSuggestion]) -> None:
    """Store ``claims`` in ``doc.spans[CLAIMS_KEY]`` (spans labelled ``<n>:<role>``, kinds and forms in attrs)."""
    spans = []
    kinds, forms = [], []
    for n, claim in enumerate(claims):
        kinds.append(str(claim.kind))
        forms.append(claim.form)
        for role, parts in (("cue", claim.cue), ("source", claim.source), ("content", claim.content)):
            for part in parts:
                span = doc.char_span(part.start, part.end, label=f"{n}:{role}", alignment_mode="expand")
                if span is not None:
                    spans.append(span)
    doc.spans[CLAIMS_KEY] = spans
    doc.spans[CLAIMS_KEY].attrs.update({"kinds": kinds, "forms": forms, "component": FACTORY})


def read_claims(doc: Doc) -> list[ClaimSuggestion] | None:
    """The claims the component wrote into ``doc``, or None when it did not run on ``doc``."""
    group = doc.spans.get(CLAIMS_KEY) if CLAIMS_KEY in doc.spans else None
    if group is None or group.attrs.get("component") != FACTORY:
        return None
    kinds, forms = list(group.attrs.get("kinds", [])), list(group.attrs.get("forms", []))
    parts: dict[int, dict[str, list[Span]]] = {}
    for span in group:
        number, _, role = span.label_.partition(":")
        parts.setdefault(int(number), {}).setdefault(role, []).append(Span(span.start_char, span.end_char))
    out = []
    for n in sorted(parts):
        roles = parts[n]
        if not roles.get("cue") or not roles.get("content"):
            continue
        out.append(
            ClaimSuggestion(
                cue=tuple(sorted(roles["cue"])),
                content=tuple(sorted(roles["content"])),
                source=tuple(sorted(roles.get("source", []))),
                kind=kinds[n] if n < len(kinds) else "other",
                form=forms[n] if n < len(forms) else "statement",
                score=0.8,
            )
        )
    return out
