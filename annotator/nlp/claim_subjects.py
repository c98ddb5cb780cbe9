"""Find the source of a cue verb in the parse: its subject, a passive's agent, or an inherited subject.

Separate from the rules because every rule needs it and because it carries most of the parser workarounds
(a quoted fragment taken for a second subject, an inverted subject taken for an object).
"""

from __future__ import annotations

from spacy.tokens import Token

from annotator.nlp.claim_lexicon import CueLexicon


class SubjectFinder:
    """Finds source tokens; settings come from ``claim_patterns.json`` through the lexicon."""

    def __init__(self, lexicon: CueLexicon, source_labels: frozenset[str] | None = None) -> None:
        """``source_labels``: the pipeline's entity labels that can be a source (those the project's codebook
        turns into actor labels); default ``source_entity_labels`` of claim_patterns.json."""
        self.lexicon = lexicon
        self.source_labels = (
            source_labels if source_labels is not None else frozenset(lexicon.param("source_entity_labels"))
        )
        self.subject_deps = frozenset(lexicon.param("subject_deps"))
        self.passive_deps = frozenset(lexicon.param("passive_subject_deps"))
        self.agent_dep = str(lexicon.param("agent_dep"))
        self.expletives = frozenset(lexicon.param("expletives"))
        self.inherit_deps = frozenset(lexicon.param("inherit_subject_from_head"))

    def find(self, verb: Token) -> tuple[Token | None, bool]:
        """The source token of a cue verb and whether the verb is passive.

        Follows ``xcomp``/``conj``/participial heads up to three levels, so "He paused, adding that ..." and
        "She wants to ..." find their subject.
        """
        tok = verb
        for _ in range(4):
            # The subject nearest the verb: in '"..., the islands," Peskov said' the parser may give "said" a
            # second subject inside the quote.
            subjects = sorted((c for c in tok.children if c.dep_ in self.subject_deps), key=lambda c: abs(c.i - tok.i))
            if subjects:
                # "It is unclear whether ...": an expletive subject of a copula is no source; "It said ..."
                # (a company, a newspaper) is.
                if subjects[0].dep_ == "expl" or (subjects[0].lower_ in self.expletives and tok.lemma_ == "be"):
                    return None, True
                return subjects[0], False
            passive = any(c.dep_ in self.passive_deps for c in tok.children)
            if tok.tag_ == "VBN" and tok.dep_ == "advcl" and not any(c.dep_ == "aux" for c in tok.children):
                return None, True  # "Asked about X, she said ...": the asker is not named
            if passive:
                for child in tok.children:
                    if child.dep_ == self.agent_dep:
                        objs = [g for g in child.children if g.dep_ == "pobj"]
                        return (objs[0] if objs else None), True
                return None, True
            if tok.dep_ in self.inherit_deps and tok.head.i != tok.i:
                tok = tok.head
                continue
            if tok.dep_ == "pcomp" and tok.head.dep_ == "prep" and tok.head.head.i != tok.head.i:
                tok = tok.head.head  # "He explained it by saying ...": the subject of the verb the phrase modifies
                continue
            break
        if tok.i == verb.i:
            return self._postverbal_source(verb), False
        return None, False

    def _postverbal_source(self, verb: Token) -> Token | None:
        """'"...," added a senior Russian diplomat': the parser often takes the inverted subject for an object.

        Only for speech verbs right after a quote or comma, where an object reading makes no sense.
        """
        cue = self.lexicon.verb(verb.lemma_)
        if cue is None or not cue.quote or verb.i == 0:
            return None
        doc = verb.doc
        if verb.nbor(-1).text in (",", "”", '"', "''"):
            objects = ("dobj", "attr", "npadvmod", "oprd")
            for child in verb.children:
                if child.i > verb.i and child.dep_ in objects and child.pos_ in ("NOUN", "PROPN"):
                    return child
            # '"...," said Dmitry Peskov, smiling': a name right after the verb, however it was parsed.
            nxt = doc[verb.i + 1] if verb.i + 1 < len(doc) else None
            if nxt is not None and nxt.ent_type_ in self.source_labels and nxt.ent_iob_ == "B":
                return _entity_head(nxt)
        # '"...," Lavrov answers': a name right before the verb that the parser attached elsewhere.
        prev = verb.nbor(-1)
        if prev.ent_type_ in self.source_labels and (verb.i - 2 < 0 or doc[verb.i - 2].text in ("”", '"', "''", ",")):
            return _entity_head(prev)
        return None


def _entity_head(tok: Token) -> Token:
    """The last token of the named entity ``tok`` belongs to (the head of "Dmitry Peskov")."""
    end = tok.i
    while end + 1 < len(tok.doc) and tok.doc[end + 1].ent_iob_ == "I":
        end += 1
    return tok.doc[end]
