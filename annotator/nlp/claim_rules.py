"""Dependency rules that turn a parsed Doc into claim candidates (cue, content, source).

General constructions rather than rules tuned to single examples:

* a cue verb with a complement (``ccomp`` reported clause, ``xcomp`` to-infinitive, direct object,
  prepositional object) matched by the DependencyMatcher patterns of ``claim_patterns.json`` (evaluated by
  ``tree_matcher``); the source is the verb's subject, the ``by``-agent of a passive, or the subject of the
  verb it hangs from ("..., adding that ..."); passives without an agent ("it was reported that") have no source;
* inverted and parenthetical cues ("X, he said, Y", "As Kyodo reported, X", "..., said the minister");
* attitude adjectives and psych passives ("is reluctant to", "is convinced that"), raising verbs without a
  source ("X seems to ..."), light verbs ("made clear that");
* direct quotes: a quote next to a speech verb of its sentence becomes (part of) that verb's content, so
  quotes running over several sentences or interrupted by "he said" come out whole;
* in ``claim_phrases``: "according to X", cue nouns with a possessor ("his claim that ..."), headline colons.

Cue words inside a quotation are skipped: attributions nested in a speaker's own words belong to the speaker's
claim, not to a new one.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from annotator.core.records import ClaimKind
from annotator.nlp.claim_lexicon import FRAMES, CueLexicon, CueVerb
from annotator.nlp.claim_phrases import colon_candidates, noun_candidates, phrase_candidates
from annotator.nlp.claim_quotes import Quote, QuoteIndex
from annotator.nlp.claim_spans import (
    Candidate,
    CharSpan,
    Sentences,
    ends_with_colon,
    merge,
    pieces,
    same_paragraph,
    source_span,
    token_span,
)
from annotator.nlp.claim_subjects import SubjectFinder
from annotator.nlp.tree_matcher import TreeMatcher

_SPEECH_FORMS_INDIRECT = {
    "statement",
    "demand",
    "protest",
    "evaluation",
    "decision",
    "agreement",
    "question",
    "proposal",
}


class ClaimRules:
    """Compiled rules for one vocabulary; ``candidates(doc)`` is cheap and reentrant."""

    def __init__(self, vocab: Vocab, lexicon: CueLexicon, source_labels: frozenset[str] | None = None) -> None:
        self.lexicon = lexicon
        # DependencyMatcher's results, about six times faster on these patterns (see tree_matcher).
        self.matcher = TreeMatcher(vocab)
        self._frames: dict[int, tuple[str, int]] = {}
        self._node_names: dict[int, list[str]] = {}
        placeholders = {f"${frame}": lexicon.lemmas_for(frame) for frame in FRAMES}
        placeholders["$prep"] = lexicon.lemmas_for("prep")
        placeholders["$adj"] = sorted(lexicon.adjectives)
        placeholders["$raising"] = sorted(lexicon.raising)
        for entry in lexicon.param("dependency_patterns"):
            pattern = _fill(entry["pattern"], placeholders)
            self.matcher.add(entry["name"], [pattern])
            key = vocab.strings[entry["name"]]
            self._frames[key] = (entry["frame"], int(entry.get("rank", 5)))
            self._node_names[key] = [node["RIGHT_ID"] for node in pattern]
        self.subjects = SubjectFinder(lexicon, source_labels)
        self.subject_deps = self.subjects.subject_deps
        self.stop_deps = frozenset(lexicon.param("source_stop_deps"))
        self.quote_min_words = int(lexicon.param("quote_min_words"))
        self.noun_content_deps = frozenset(lexicon.param("noun_content_deps"))
        self.noun_content_preps = frozenset(lexicon.param("noun_content_preps"))
        self.noun_source_deps = frozenset(lexicon.param("noun_source_deps"))
        self.colon_max_speaker = int(lexicon.param("colon_max_speaker_tokens"))
        # The pipeline's entity labels of a "Speaker:" that can make a claim (pipeline vocabulary, not codebook).
        self.colon_speaker_labels = frozenset(lexicon.param("colon_speaker_labels"))
        # Nouns naming something that carries a message; their issuer is the source of "a X saying ...".
        self.media_nouns = frozenset(lexicon.param("media_nouns")) | frozenset(lexicon.nouns)

    # ----------------------------------------------------------------- candidates

    def candidates(self, doc: Doc, quotes: QuoteIndex, sents: Sentences | None = None) -> list[Candidate]:
        """Every claim candidate of ``doc`` (several per cue are possible; the caller keeps the best)."""
        sents = sents or Sentences(doc)
        out = self._verb_candidates(doc, quotes)
        self._attach_quotes(doc, quotes, out, sents)
        # An object or prepositional cue without any subject ("Post a comment", "a lobby supporting the treaty") is
        # mostly an imperative or a parse accident; reported clauses and quotes may be sourceless.
        out = [c for c in out if c.source_token is not None or c.passive or c.frame not in ("obj", "prep")]
        out.extend(phrase_candidates(doc, quotes, self.lexicon, self.stop_deps, sents))
        out.extend(
            noun_candidates(
                doc,
                quotes,
                self.lexicon,
                self.stop_deps,
                self.noun_source_deps,
                self.noun_content_deps,
                self.noun_content_preps,
                self.subjects.find,
            )
        )
        out.extend(colon_candidates(doc, quotes, self.colon_max_speaker, self.quote_min_words,
                                   self.colon_speaker_labels))
        return out

    def _verb_candidates(self, doc: Doc, quotes: QuoteIndex) -> list[Candidate]:
        out: list[Candidate] = []
        for match_id, token_ids in self.matcher(doc):
            frame, rank = self._frames[match_id]
            nodes = {name: doc[i] for name, i in zip(self._node_names[match_id], token_ids, strict=True)}
            verb, head = nodes["cue"], nodes["content"]
            if quotes.containing(verb.idx) is not None:
                continue
            if frame == "light":
                cand = self._light(verb, head, rank)
                if cand is not None:
                    out.append(cand)
                continue
            if frame == "as":
                cand = self._as_predicate(verb, head, rank, quotes)
                if cand is not None:
                    out.append(cand)
                continue
            if frame in ("adj", "raising"):
                cand = self._evidential(verb, head, frame, rank)
                if cand is not None:
                    out.append(cand)
                continue
            cue = self.lexicon.verb(verb.lemma_)
            if cue is None:
                continue
            cue_tokens = [verb]
            if frame == "prep":
                prep = nodes["prep"]
                if prep.lower_ not in cue.preps:
                    continue
                cue_tokens.append(prep)
            if not self._particle_ok(verb, cue):
                continue
            cand = self._make(doc, verb, cue, frame, rank, head, cue_tokens, quotes)
            if cand is not None:
                out.append(cand)
        return out

    def _light(self, verb: Token, word: Token, rank: int) -> Candidate | None:
        """'made clear that ...', 'made the case for ...', 'made the point that ...': the light verb and its
        word are the cue; the content is the clause or prepositional object next to them."""
        content_tokens: list[Token] = []
        for tok in (word, verb):
            for child in tok.children:
                if child.i == word.i:
                    continue
                if child.dep_ in ("ccomp", "acl", "advcl") or (
                    child.dep_ == "prep" and child.lower_ in ("for", "about", "on", "against", "that")
                ):
                    content_tokens.extend(child.subtree)
            if content_tokens:
                break
        content = pieces(same_paragraph(content_tokens, verb))
        cue_spans = pieces([verb, word])
        if not content or not cue_spans:
            return None
        src_tok, passive = self.subjects.find(verb)
        form = "proposal" if word.lower_ in ("case", "argument") else "statement"
        return self._candidate(
            cue=cue_spans, content=content, source_token=src_tok, kind=ClaimKind.INDIRECT, form=form,
            head=verb, rank=rank, frame="light", passive=passive,
        )

    def _as_predicate(self, verb: Token, as_prep: Token, rank: int, quotes: QuoteIndex) -> Candidate | None:
        """'described it as "news to me"', 'is viewed as a threat': the thing characterised and the "as" phrase
        are the content; the source is the subject, or the agent of a passive (none when unnamed)."""
        if verb.tag_ == "VBN" and not any(c.dep_ in ("aux", "auxpass") for c in verb.children):
            return None  # "a group known as ...": a participle naming something, not a claim
        theme = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass") and c.i < as_prep.i]
        content = pieces(same_paragraph([t for c in [*theme, as_prep] for t in c.subtree], verb))
        cue_spans = pieces([verb])
        if not content or not cue_spans:
            return None
        src_tok, passive = self.subjects.find(verb)
        if src_tok is not None and quotes.containing(src_tok.idx) is not None:
            return None
        cue = self.lexicon.verb(verb.lemma_)
        form = cue.form if cue is not None else "evaluation"
        return self._candidate(
            cue=cue_spans, content=content, source_token=src_tok, kind=ClaimKind.OTHER, form=form,
            head=verb, rank=rank, frame="as", passive=passive,
        )

    def _evidential(self, cue_tok: Token, head: Token, frame: str, rank: int) -> Candidate | None:
        """'X is convinced that ...' (adjective cue, source X); 'X seems to ...' (no source, X in content)."""
        if frame == "adj":
            form = self.lexicon.adjectives[cue_tok.lemma_.lower()]
            if cue_tok.tag_ == "VBN":
                copulas = [c for c in cue_tok.children if c.dep_ == "auxpass"]
            else:
                copulas = [cue_tok.head] if cue_tok.head.lemma_ == "be" else []
            cue_tokens = [cue_tok, *copulas]
            if head.dep_ == "prep" and head.lower_ == "by":
                return None  # "is opposed by X": a real passive, not an attitude of the subject
            content = pieces(same_paragraph(head.subtree, cue_tok))
            src_tok, passive = self.subjects.find(cue_tok)
            if cue_tok.tag_ == "VBN":
                # "X is convinced that ...": the subject of a passive psych verb holds the attitude.
                src_tok = next((c for c in cue_tok.children if c.dep_ == "nsubjpass"), src_tok)
            if src_tok is None and not passive:
                return None
        else:
            form = self.lexicon.raising[cue_tok.lemma_.lower()]
            cue_tokens = [cue_tok]
            skip = {"aux", "auxpass", "neg", "punct", "cc", "mark", "advmod"}
            content = pieces(
                same_paragraph((t for c in cue_tok.children if c.dep_ not in skip for t in c.subtree), cue_tok)
            )
            src_tok, passive = None, True
        cue_spans = pieces(cue_tokens)  # "is ... convinced" may be discontinuous
        if not content or not cue_spans:
            return None
        return self._candidate(
            cue=cue_spans, content=content, source_token=src_tok, kind=ClaimKind.OTHER, form=form,
            head=cue_tok, rank=rank, frame=frame, passive=passive,
        )

    def _candidate(
        self,
        *,
        cue: list[CharSpan],
        content: list[CharSpan],
        source_token: Token | None,
        kind: str,
        form: str,
        head: Token,
        rank: int,
        frame: str,
        passive: bool,
    ) -> Candidate:
        """A candidate whose cue hangs on ``head`` (its anchor), its source the phrase of ``source_token``."""
        source = source_span(source_token, self.stop_deps) if source_token is not None else None
        return Candidate(
            cue=cue, content=content, source_token=source_token, source=source, kind=kind, form=form,
            anchor=head.i, rank=rank, frame=frame, passive=passive, dep=head.dep_,
        )

    def _parenthetical(self, tok: Token) -> bool:
        """A speech verb after a comma, with its own subject and no complement of its own: a parenthetical."""
        cue = self.lexicon.verb(tok.lemma_)
        if cue is None or not cue.that or any(c.dep_ in ("ccomp", "xcomp", "dobj", "mark") for c in tok.children):
            return False
        has_subject = any(c.dep_ in self.subject_deps for c in tok.children)
        left = tok.left_edge
        return has_subject and left.i > 0 and tok.doc[left.i - 1].text in (",", "—", "–")

    def _particle_ok(self, verb: Token, cue: CueVerb) -> bool:
        if not cue.particles:
            return True
        return any(c.lower_ in cue.particles for c in verb.children if c.dep_ in ("prt", "prep"))

    def _make(
        self,
        doc: Doc,
        verb: Token,
        cue: CueVerb,
        frame: str,
        rank: int,
        head: Token,
        cue_tokens: list[Token],
        quotes: QuoteIndex,
    ) -> Candidate | None:
        if (
            frame in ("obj", "to")
            and verb.tag_ == "VBN"
            and verb.dep_ not in ("conj", "xcomp")
            and not any(c.dep_ in ("aux", "auxpass") for c in verb.children)
        ):
            return None  # "the promised reforms": a participle used as an adjective
        if (
            frame == "obj"
            and head.lemma_.lower() in self.media_nouns
            and any(c.dep_ == "acl" and self.lexicon.verb(c.lemma_) is not None for c in head.children)
        ):
            return None  # "issued a statement saying ...": the claim is the statement's, made by "saying"
        if frame == "that" and head.i > verb.i and self._parenthetical(head):
            return None  # "The talks will continue, the minister said": "said" is the cue, not "continue"
        if frame == "inverted":
            if cue.form in ("belief", "intention"):
                return None  # "X, I think, is Y" outside quotes is a hedge, not an attribution
            if any(c.dep_ in ("ccomp", "xcomp", "dobj") for c in verb.children):
                return None  # the verb has its own complement; the other patterns handle it
            if verb.dep_ == "advcl" and not any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children):
                return None  # only "As X reported, ..." attributes its main clause
            if verb.dep_ == "conj" and not any(c.dep_ in self.subject_deps and c.i > verb.i for c in verb.children):
                return None  # only the inverted "..., said the foreign minister" attributes what precedes
            # "The plan, he said, will fail": the content is the clause around the cue, minus the cue's
            # phrase.
            own = {t.i for t in verb.subtree}
            content_tokens = [t for t in head.subtree if t.i not in own]
        else:
            content_tokens = [t for t in head.subtree if t.i != verb.i]
        # Keep the content in the cue's paragraph; a cue ending its paragraph ("argued that:") looks ahead.
        content_tokens = same_paragraph(content_tokens, verb) or (
            same_paragraph(content_tokens, head) if ends_with_colon(verb) else []
        )
        if frame == "obj":
            # "called it shameful": the object predicate belongs to the content.
            for child in verb.children:
                if child.dep_ in ("oprd", "ccomp", "xcomp") and child.i > head.i:
                    content_tokens.extend(child.subtree)
        content = pieces(content_tokens)
        if not content:
            return None
        src_tok: Token | None
        if verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.pos_ in ("NOUN", "PROPN"):
            # "a lobby supporting the treaty": the noun is the source; "the ministry issued a statement saying ...":
            # the issuer of the statement is.
            src_tok, passive = verb.head, False
            if verb.head.dep_ == "dobj" and verb.head.lemma_.lower() in self.media_nouns:
                issuer, _ = self.subjects.find(verb.head.head)
                src_tok = issuer or src_tok
        else:
            src_tok, passive = self.subjects.find(verb)
        if src_tok is not None and quotes.containing(src_tok.idx) is not None:
            return None  # subject inside a quote: the parser mixed quote and frame
        particles = [c for c in verb.children if c.dep_ == "prt"]
        cue_spans = pieces(cue_tokens + particles)  # "called ... for" may be discontinuous
        if not cue_spans:
            return None
        kind = (
            ClaimKind.INDIRECT
            if frame in ("that", "inverted") and cue.form in _SPEECH_FORMS_INDIRECT
            else ClaimKind.OTHER
        )
        return self._candidate(
            cue=cue_spans, content=content, source_token=src_tok, kind=kind, form=cue.form,
            head=verb, rank=rank, frame=frame, passive=passive,
        )

    def _attach_quotes(self, doc: Doc, quotes: QuoteIndex, cands: list[Candidate], sents: Sentences) -> None:
        """Make quotes next to a speech verb that verb's content; create the claim when no rule found one."""
        text = doc.text if quotes.text is None else quotes.text  # ``Doc.text`` joins every token's text
        by_anchor: dict[int, list[Candidate]] = {}
        for cand in cands:
            by_anchor.setdefault(cand.anchor, []).append(cand)
        covered: set[int] = set()
        for cand in cands:
            for q in quotes.overlapping(cand.content[0][0], cand.content[-1][1]):
                covered.add(q.start)
        for q in quotes.quotes:
            if q.start in covered or len(text[q.inner_start : q.inner_end].split()) < self.quote_min_words:
                continue
            # A verb whose object or infinitive is already its content ("criticized the laws") does not
            # introduce a quote next to it; look for another speech verb.
            busy = {c.anchor for c in cands if c.frame in ("obj", "to", "prep") and c.source_token is not None} - {
                c.anchor for c in cands if c.frame in ("that", "quote")
            }
            verb = self._speech_verb_near(doc, q, quotes, busy, sents)
            if verb is None:
                continue
            cue = self.lexicon.verb(verb.lemma_)
            assert cue is not None
            existing = [c for c in by_anchor.get(verb.i, []) if c.frame in ("that", "quote")]
            if existing:
                for cand in existing:
                    cand.content = merge([*cand.content, (q.start, q.end)])
                    cand.quotes.append(q)
                continue
            src_tok, _passive = self.subjects.find(verb)
            if src_tok is not None and quotes.containing(src_tok.idx) is not None:
                continue
            cue_span = token_span([verb], keep_quotes=False)
            if cue_span is None:
                continue
            cand = Candidate(
                cue=[cue_span], content=[(q.start, q.end)], source_token=src_tok,
                source=source_span(src_tok, self.stop_deps) if src_tok is not None else None,
                kind=ClaimKind.DIRECT, form=cue.form, anchor=verb.i, rank=0, frame="quote", quotes=[q],
            )
            cands.append(cand)
            by_anchor.setdefault(verb.i, []).append(cand)
        # Any content made mostly of quoted text is a direct quote; extend it to the whole quotes it touches
        # so a quote running over several sentences is one content. Scare quotes of a word or two don't count.
        for cand in cands:
            qs = [
                q
                for q in quotes.overlapping(cand.content[0][0], cand.content[-1][1])
                if len(text[q.inner_start : q.inner_end].split()) >= self.quote_min_words
            ]
            if not qs:
                continue
            quoted = sum(
                min(e, q.end) - max(s, q.start) for s, e in cand.content for q in qs if s < q.end and q.start < e
            )
            total = sum(e - s for s, e in cand.content)
            if quoted * 2 >= total:
                cue_start = cand.cue[0][0]
                extra = [(q.start, q.end) for q in qs if not (q.start <= cue_start < q.end)]
                cand.content = merge([*cand.content, *extra])
                cand.kind = ClaimKind.DIRECT

    def _speech_verb_near(
        self, doc: Doc, q: Quote, quotes: QuoteIndex, busy: set[int], sentences: Sentences
    ) -> Token | None:
        """A quote-taking cue verb in the sentence a quote ends in or starts in (outside any quote)."""
        end_tok = doc.char_span(q.end - 1, q.end, alignment_mode="expand")
        start_tok = doc.char_span(q.start, q.start + 1, alignment_mode="expand")
        sents: list[Span] = []
        if end_tok is not None and len(end_tok):
            sents.append(sentences.of(end_tok[0].i))
            nxt = end_tok[-1].i + 1
            # '"..." \n He said.' style: a quote closing its sentence may be attributed in the next one.
            if nxt < len(doc) and sentences.of(nxt).start == nxt and sentences.of(nxt) not in sents:
                sents.append(sentences.of(nxt))
        if start_tok is not None and len(start_tok):
            sent = sentences.of(start_tok[0].i)
            if sent not in sents:
                sents.append(sent)
            # 'He said:' as a sentence of its own just before the quote.
            if sent.start > 0:
                prev = sentences.of(sent.start - 1)
                if prev.text.rstrip().endswith(":"):
                    sents.append(prev)
        for sent in sents:
            for tok in sent:
                if tok.pos_ != "VERB" or tok.i in busy or quotes.containing(tok.idx) is not None:
                    continue
                cue = self.lexicon.verb(tok.lemma_)
                if cue is not None and cue.quote:
                    return tok
        return None


def _fill(node: Any, placeholders: dict[str, list[str]]) -> Any:
    """Replace ``"$frame"`` strings of a pattern by the lemma lists they stand for."""
    if isinstance(node, str) and node in placeholders:
        return placeholders[node]
    if isinstance(node, list):
        return [_fill(x, placeholders) for x in node]
    if isinstance(node, dict):
        return {k: _fill(v, placeholders) for k, v in node.items()}
    return node
