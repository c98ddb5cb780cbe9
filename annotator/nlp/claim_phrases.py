"""Claim rules for cues that are not verbs: "according to X", cue nouns, headline "Speaker: ..." colons."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from spacy.attrs import LEMMA, LOWER, ORTH, POS
from spacy.symbols import NOUN
from spacy.tokens import Doc, Span, Token

from annotator.core.records import ClaimKind
from annotator.nlp.claim_lexicon import CueLexicon
from annotator.nlp.claim_quotes import QuoteIndex
from annotator.nlp.claim_spans import Candidate, Sentences, cue_candidate, token_span


def phrase_candidates(
    doc: Doc, quotes: QuoteIndex, lexicon: CueLexicon, stop_deps: frozenset[str], sents: Sentences
) -> list[Candidate]:
    """'According to X, ...': X is the source, the clause around the phrase is the content."""
    out: list[Candidate] = []
    if not len(doc):
        return out
    # The tokens' lowercase forms as hashes, from the Doc's array: a Python string per token cost more than the
    # rest of the rule.
    lowers = doc.to_array(LOWER)
    strings = doc.vocab.strings
    for phrase in lexicon.phrases:
        n = len(phrase.words)
        starts = len(doc) - n + 1
        if starts <= 0:
            continue
        at = lowers[:starts] == strings.as_int(phrase.words[0])
        for k, word in enumerate(phrase.words[1:], start=1):
            at &= lowers[k : k + starts] == strings.as_int(word)
        for i in np.flatnonzero(at).tolist():
            first, last = doc[i], doc[i + n - 1]
            if quotes.containing(first.idx) is not None:
                continue
            objs = [c for c in last.children if c.dep_ in ("pobj", "pcomp")]
            if not objs:
                continue
            src = objs[0]
            if phrase.named_source and not (src.ent_type_ or src.pos_ == "PROPN"):
                continue
            phrase_tokens = {t.i for t in first.subtree} | set(range(i, i + n))
            sent = sents.of(first.i)
            clause = first.head if first.head.i != first.i else sent.root
            if clause.i in phrase_tokens:
                clause = sent.root
            found = cue_candidate(
                cue=doc[i : i + n], content=[t for t in sents.of(clause.i) if t.i not in phrase_tokens],
                source_token=src, stop_deps=stop_deps, kind=phrase.kind, form=phrase.form, anchor=first.i, rank=1,
                frame="phrase",
            )
            if found is not None:
                out.append(found)
    return out


def _names_a_speaker(speaker: Span, speaker_labels: frozenset[str]) -> bool:
    """Whether the words before a headline colon are a speaker: a named actor, or a plural noun of people.

    A headline's names are often not tagged ("Lavrov:" alone reads as a noun), so a speaker the article names
    elsewhere as a person, organisation, country or group counts too ("Sergei Lavrov said ...").
    """
    if any(t.ent_type_ in speaker_labels for t in speaker):
        return True
    root = speaker.root
    if root.tag_ in ("NNS", "NNPS") and root.ent_type_ == "":
        return True
    words = [t.lower_ for t in speaker if t.is_alpha]
    if not words:
        return False
    for ent in speaker.doc.ents:
        if ent.label_ not in speaker_labels or (ent.start < speaker.end and speaker.start < ent.end):
            continue
        names = [t.lower_ for t in ent]
        if any(names[i : i + len(words)] == words for i in range(len(names) - len(words) + 1)):
            return True
    return False


def colon_candidates(
    doc: Doc, quotes: QuoteIndex, max_speaker: int, min_words: int, speaker_labels: frozenset[str]
) -> list[Candidate]:
    """Headline and caption convention "Speaker: what they said" (no verb; the colon is the cue)."""
    out: list[Candidate] = []
    if not len(doc):
        return out
    text = doc.text if quotes.text is None else quotes.text
    colon = doc.vocab.strings.as_int(":")
    for i in np.flatnonzero(doc.to_array(ORTH) == colon).tolist():
        tok = doc[i]
        if quotes.containing(tok.idx) is not None:
            continue
        # The speaker runs from the start of the line (or a dash) to the colon.
        k = tok.i - 1
        while k >= 0 and "\n" not in doc[k].text and doc[k].text not in ("-", "—", "–", ".", ";"):
            k -= 1
        speaker = doc[k + 1 : tok.i]
        if not 1 <= len(speaker) <= max_speaker or "\n" in speaker.text:
            continue
        if any(t.pos_ in ("VERB", "AUX", "PRON", "NUM") for t in speaker):
            continue
        # A name or a plural title-case noun ("Insiders:"); headline words are title case, so that
        # decides.
        if not all(t.is_title or t.is_upper or not t.is_alpha or t.pos_ in ("ADP", "DET") for t in speaker):
            continue
        # Headlines are title case too ("Stealth Over Health: ..."): the part before the colon must name
        # someone who can speak: a person, organisation, country or group, or people ("Insiders:").
        if not _names_a_speaker(speaker, speaker_labels):
            continue
        line_end = text.find("\n", tok.idx)
        line_end = len(text) if line_end < 0 else line_end
        q = quotes.containing(tok.idx + 2)
        end = max(line_end, q.end) if q is not None else line_end
        rest = doc.char_span(tok.idx + 1, end, alignment_mode="contract")
        if rest is None or len([t for t in rest if t.is_alpha]) < min_words:
            continue
        if q is None and not any(t.pos_ in ("VERB", "AUX") for t in rest):
            continue  # "Partners: A | B | C" is a list, not a statement
        content = token_span(rest)
        src = token_span(speaker, keep_quotes=False)
        if content is None or src is None:
            continue
        kind = ClaimKind.DIRECT if q is not None else ClaimKind.INDIRECT
        out.append(
            Candidate(
                cue=[(tok.idx, tok.idx + 1)],
                content=[content],
                source_token=speaker.root,
                source=src,
                kind=kind,
                form="statement",
                anchor=tok.i,
                rank=3,
                frame="colon",
            )
        )
    return out


def noun_candidates(
    doc: Doc,
    quotes: QuoteIndex,
    lexicon: CueLexicon,
    stop_deps: frozenset[str],
    source_deps: frozenset[str],
    content_deps: frozenset[str],
    content_preps: frozenset[str],
    clause_source: Callable[[Token], tuple[Token | None, bool]] | None = None,
) -> list[Candidate]:
    """Cue nouns with a possessor: "his claim that ...", "Japan's call for talks"."""
    out: list[Candidate] = []
    if not len(doc):
        return out
    # Nouns found on the Doc's arrays; a Python token is built only for those.
    columns = doc.to_array([POS, LEMMA])
    strings = doc.vocab.strings
    for i in np.flatnonzero(columns[:, 0] == NOUN).tolist():
        if strings[int(columns[i, 1])].lower() not in lexicon.nouns:
            continue
        tok = doc[i]
        if quotes.containing(tok.idx) is not None:
            continue
        sources = [c for c in tok.children if c.dep_ in source_deps]
        # "a statement by the ministry", "criticism from Tokyo": the agent follows the noun.
        sources += [
            g
            for c in tok.children
            if c.dep_ == "prep" and c.lower_ in ("by", "from")
            for g in c.children
            if g.dep_ == "pobj" and g.pos_ in ("PROPN", "NOUN", "PRON")
        ]
        if not sources and clause_source is not None and tok.dep_ == "pobj" and tok.head.lower_ == "in":
            # "in the hope that ...", "in response to ...": the attitude is that of the clause's subject.
            verb = tok.head.head
            if verb.pos_ in ("VERB", "AUX"):
                subject, _ = clause_source(verb)
                sources = [subject] if subject is not None else []
        if not sources:
            continue
        content_tokens: list[Token] = []
        for child in tok.children:
            if child.dep_ in content_deps and child.i > tok.i:
                content_tokens.extend(child.subtree)
            elif child.dep_ == "prep" and child.lower_ in content_preps:
                content_tokens.extend(t for t in child.subtree if t.i != child.i)
        if not content_tokens and tok.dep_ == "nsubj" and tok.head.lemma_ == "be":
            # "His argument is that ...", "Her goal was ...": the predicate is the content.
            for child in tok.head.children:
                if child.dep_ in ("attr", "ccomp", "acomp", "xcomp") and child.i > tok.i:
                    content_tokens.extend(child.subtree)
        found = cue_candidate(
            cue=[tok], content=content_tokens, source_token=sources[0], stop_deps=stop_deps, kind=ClaimKind.OTHER,
            form=lexicon.nouns[tok.lemma_.lower()], anchor=tok.i, rank=6, frame="noun",
        )
        if found is not None:
            out.append(found)
    return out
