"""Attributions read off the dependency parse, for reporting verbs the tagger left out.

"X said (that) Y", "Y, X said", "X told reporters Y", "according to X, Y":
the cue is the reporting verb with its auxiliaries, the source its subject,
the content its clausal complement. Only verbs that are almost always cues
(``RULE_PRIOR`` on PolNeAR train) are used, so these rules add recall where
the tagger is unsure without inventing statements.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Span, Token

from saidwhat.attribute.features import cue_priors

#: Words at least this likely to be cues start a rule attribution.
RULE_PRIOR = 0.6
_CONTENT_DEPS = frozenset({"ccomp", "xcomp"})
_SOURCE_DEPS = frozenset({"nsubj", "nsubjpass"})
_CUE_CHILD_DEPS = frozenset({"aux", "auxpass", "neg"})


def _subtree_span(doc: Doc, token: Token, label: str) -> Span:
    left, right = token.left_edge.i, token.right_edge.i + 1
    while right > left + 1 and (doc[right - 1].is_punct or doc[right - 1].is_space):
        right -= 1
    while left < right - 1 and doc[left].is_space:
        left += 1
    return Span(doc, left, right, label=label)


def cue_span(doc: Doc, verb: Token) -> Span:
    """The reporting verb with its auxiliaries and negation: "has not said"."""
    tokens = [verb.i] + [c.i for c in verb.children if c.dep_ in _CUE_CHILD_DEPS]
    return Span(doc, min(tokens), max(tokens) + 1, label="CUE")


def source_span(doc: Doc, verb: Token) -> Span | None:
    """The subject of a reporting verb, with its modifiers."""
    subject = next((c for c in verb.children if c.dep_ in _SOURCE_DEPS), None)
    return _subtree_span(doc, subject, "SOURCE") if subject is not None else None


def reporting_verb(sent: Span, *, exclude: range) -> Token | None:
    """The likeliest reporting verb of ``sent`` outside ``exclude`` (e.g. outside a quote)."""
    priors = cue_priors()
    candidates = [
        t
        for t in sent
        if t.i not in exclude and t.pos_ == "VERB" and priors.get(t.lower_, 0.0) >= RULE_PRIOR
    ]
    return max(candidates, key=lambda t: priors[t.lower_], default=None)


def _content_token(verb: Token) -> Token | None:
    """The clause a reporting verb reports: its complement, or the clause it interrupts."""
    for child in verb.children:
        if child.dep_ in _CONTENT_DEPS:
            return child
    if verb.dep_ in ("parataxis", "ccomp") and verb.head.pos_ in ("VERB", "AUX"):
        return verb.head  # "The plan, she said, will fail." hangs the verb off the clause
    return None


def _verb_rule(doc: Doc, verb: Token) -> tuple[Span, Span | None, list[Span]] | None:
    clause = _content_token(verb)
    if clause is None:
        return None
    source = source_span(doc, verb)
    cue = cue_span(doc, verb)
    if clause.i == verb.head.i and clause.i != verb.i:
        # The verb sits inside its content: content is the clause minus the "she said" part.
        contents = _sentence_without(doc, verb)
    else:
        contents = [_subtree_span(doc, clause, "CONTENT")]
    return cue, source, contents


def _according_rule(doc: Doc, token: Token) -> tuple[Span, Span | None, list[Span]] | None:
    """ "according to X, Y": cue "according to", source X, content the clause it modifies."""
    prep = next((c for c in token.children if c.lower_ == "to"), None)
    pobj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep else None
    if prep is None or pobj is None:
        return None
    cue = Span(doc, token.i, prep.i + 1, label="CUE")
    source = _subtree_span(doc, pobj, "SOURCE")
    return cue, source, _sentence_without(doc, token)


def _sentence_without(doc: Doc, token: Token) -> list[Span]:
    """Content fragments: ``token``'s sentence without the phrase ``token`` heads."""
    inner = {t.i for t in token.subtree}
    fragments = _runs(doc, [t.i for t in token.sent if t.i not in inner and not t.is_space])
    return [Span(doc, s, e, label="CONTENT") for s, e in fragments]


def _runs(doc: Doc, indices: list[int]) -> list[tuple[int, int]]:
    """Maximal runs of consecutive token indices, trimmed of punctuation at their ends."""
    runs: list[tuple[int, int]] = []
    for i in indices:
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    trimmed = []
    for start, end in runs:
        while start < end and doc[start].is_punct:
            start += 1
        while end > start and doc[end - 1].is_punct:
            end -= 1
        if end - start >= 2:
            trimmed.append((start, end))
    return trimmed


_OBJECT_DEPS = ("dobj", "attr", "dative", "oprd")


def object_of(doc: Doc, cue: Span) -> list[Span]:
    """What a cue that takes no clause is about: "lashed out at X", "attacked X", "praised X"."""
    last = cue[-1]
    if last.pos_ == "ADP":
        pobj = next((c for c in last.children if c.dep_ == "pobj"), None)
        if pobj is not None:
            return [_subtree_span(doc, pobj, "CONTENT")]
    for dep in _OBJECT_DEPS:
        obj = next((c for c in cue.root.children if c.dep_ == dep and c.i >= cue.end), None)
        if obj is not None:
            return [_subtree_span(doc, obj, "CONTENT")]
    return []


def rule_for(doc: Doc, token: Token) -> tuple[Span, Span | None, list[Span]] | None:
    """``(cue, source, contents)`` of the attribution ``token`` would be the cue of."""
    if token.lower_ == "according":
        return _according_rule(doc, token)
    if token.pos_ == "VERB":
        return _verb_rule(doc, token)
    return None


def parse_attributions(doc: Doc, taken: set[int]) -> Iterator[tuple[Span, Span | None, list[Span]]]:
    """``(cue, source, contents)`` from the parse, where no token is already ``taken``."""
    priors = cue_priors()
    for token in doc:
        if token.i in taken or priors.get(token.lower_, 0.0) < RULE_PRIOR:
            continue
        found = rule_for(doc, token)
        if found is None:
            continue
        cue, source, contents = found
        spans = [cue, *contents] + ([source] if source is not None else [])
        if contents and not any(i in taken for span in spans for i in range(span.start, span.end)):
            taken.update(i for span in spans for i in range(span.start, span.end))
            yield found
