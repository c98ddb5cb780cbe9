"""The addressee of a claim where the cue governs one: "called on Japan to", "told Abe that", "urged Tokyo to".

Found in the dependency parse of the cue word, then resolved to a named mention ("told him" → the person "him"
refers to) by the same resolver as pronoun and title sources. Only an addressee that is a named mention (or refers
to one) is suggested: "told reporters" names no actor.
"""

from __future__ import annotations

from spacy.tokens import Token

from annotator.nlp.claim_sources import DocIndex, SourceResolver, _key
from annotator.nlp.claim_spans import CharSpan

#: Verbs whose direct object is the one addressed: "told X that", "urged X to", "warned X".
OBJECT_VERBS = frozenset({
    "tell", "urge", "warn", "assure", "inform", "remind", "ask", "advise", "persuade", "press", "implore", "beg",
    "encourage", "instruct", "order", "caution", "notify", "convince", "request", "invite", "challenge", "exhort",
    "pressure", "pressurize", "admonish", "reassure", "promise", "brief", "lobby", "petition",
})
#: Verb + preposition whose object is the one addressed: "called on X", "said to X", "appealed to X".
PREPOSITION_VERBS: dict[str, frozenset[str]] = {
    "call": frozenset({"on", "upon"}),
    "appeal": frozenset({"to"}),
    "say": frozenset({"to"}),
    "explain": frozenset({"to"}),
    "write": frozenset({"to"}),
    "complain": frozenset({"to"}),
    "speak": frozenset({"to", "with"}),
    "talk": frozenset({"to", "with"}),
    "signal": frozenset({"to"}),
    "declare": frozenset({"to"}),
    "propose": frozenset({"to"}),
    "suggest": frozenset({"to"}),
    "demand": frozenset({"of", "from"}),
    "plead": frozenset({"with"}),
}
_NOMINAL = frozenset({"PROPN", "PRON", "NOUN"})


def _inside(tok: Token, spans: list[CharSpan]) -> bool:
    return any(s <= tok.idx < e for s, e in spans)


def addressee_token(cue: Token, content: list[CharSpan], source: list[CharSpan]) -> Token | None:
    """The token naming whom the cue addresses, or None.

    A direct object inside the content is what is said, not whom to ("told the truth"); the object of "called
    on" may open the content ("called on Russia to return the islands"). Nothing inside the source is.
    """
    lemma = cue.lemma_.lower()
    candidates: list[tuple[Token, bool]] = []  # (token, may lie inside the content)
    if lemma in OBJECT_VERBS:
        candidates += [(c, False) for c in cue.children if c.dep_ in ("dobj", "dative", "iobj")]
        # "Putin was told by Abe that ...": the passive subject is the one told.
        candidates += [(c, False) for c in cue.children if c.dep_ == "nsubjpass"]
    preps = PREPOSITION_VERBS.get(lemma)
    if preps:
        for child in cue.children:
            if child.dep_ in ("prep", "dative") and child.lower_ in preps:
                candidates += [(c, True) for c in child.children if c.dep_ == "pobj"]
    for tok, in_content in candidates:
        if tok.pos_ in _NOMINAL and not _inside(tok, source) and (in_content or not _inside(tok, content)):
            return tok
    return None


def addressee_mention(
    tok: Token, resolver: SourceResolver, index: DocIndex, claimant: CharSpan | None = None
) -> CharSpan | None:
    """The named mention an addressee token is or refers to ("Abe", "him" → Abe, "the premier" → Abe).

    ``claimant``: the named mention of the claim's source. An object pronoun does not refer to the subject of its
    own clause ("Abe told him": "him" is not Abe), so the claimant is skipped when resolving one.
    """
    if tok.ent_type_:
        for ent in tok.doc.ents:
            if ent.start <= tok.i < ent.end:
                return ent.start_char, ent.end_char
    # "Prime Minister Abe": the head may be a title with the name as its compound.
    for child in tok.children:
        if child.dep_ == "compound" and child.ent_type_:
            return addressee_mention(child, resolver, index, claimant)
    lower = tok.lower_
    if tok.pos_ == "PRON" and lower in resolver.pronouns:
        kind = resolver.pronouns[lower]
        labels = resolver.labels.get(kind, frozenset())
        gender = kind if kind in ("m", "f") else None
        doc = tok.doc
        claimant_span = doc.char_span(*claimant) if claimant is not None else None
        own = _key(claimant_span) if claimant_span is not None else None
        here = index.sent_of[tok.i]
        for mention in reversed(index.mentions):
            span = mention.span
            if span.end > tok.i or span.label_ not in labels or here - index.sent_of[span.start] > resolver.window:
                continue
            if (gender is not None and mention.gender not in (None, gender)) or _key(span) == own:
                continue
            return span.start_char, span.end_char
        return None
    found = resolver.resolve(tok, index)
    return None if found is not None and claimant is not None and found == claimant else found
