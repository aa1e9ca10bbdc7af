"""Build attributions from tagged parts (SOURCE, CUE, CONTENT spans) and quotations.

1. content fragments separated only by whitespace (a quote running over
   paragraphs) are joined;
2. every cue anchors one attribution; each content fragment and each source
   is linked to the cue it hangs from in the parse, else to the nearest cue of
   its sentence (a content may also take the cue of the sentence before it);
3. quotations no content covers become direct statements of their own, with the
   cue and source of their sentence when the parse shows them;
4. the kind (direct, indirect, mixed) follows the quote marks in the content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from saidwhat.attribute.quotes import find_quotes
from saidwhat.model import Attribution, Kind, TextSpan

#: Characters that mark quotations when they open or close a content.
QUOTE_CHARS = frozenset("\"'“”‘’«»„‚‹›「」")


@dataclass(slots=True)
class _Group:
    cue: Span | None
    contents: list[Span] = field(default_factory=list)
    sources: list[Span] = field(default_factory=list)


def join_fragments(doc: Doc, spans: Sequence[Span]) -> list[Span]:
    """Join same-label spans separated only by whitespace tokens."""
    joined: list[Span] = []
    for span in spans:
        last = joined[-1] if joined else None
        if (
            last is not None
            and last.label == span.label
            and all(t.is_space for t in doc[last.end : span.start])
        ):
            joined[-1] = Span(doc, last.start, span.end, label=span.label)
        else:
            joined.append(span)
    return joined


def _attached(span: Span, cue: Span) -> bool:
    """Whether ``span``'s root hangs from (or governs) a token of ``cue`` within a few steps."""
    cue_tokens = {t.i for t in cue}
    node = span.root
    for _ in range(4):
        if node.head.i in cue_tokens:
            return True
        if node.head.i == node.i:
            break
        node = node.head
    return any(t.head.i in range(span.start, span.end) for t in cue)


def _distance(span: Span, cue: Span) -> int:
    if span.end <= cue.start:
        return cue.start - span.end
    if cue.end <= span.start:
        return span.start - cue.end
    return 0


def _best_cue(span: Span, cues: Sequence[Span], *, reach: int) -> int | None:
    """Index of the cue ``span`` belongs to, or None."""
    sent_starts = {span.sent.start}
    if reach:
        sent_starts |= {span.doc[max(span.start - 1, 0)].sent.start}
    best, best_key = None, None
    for i, cue in enumerate(cues):
        same_sentence = cue.sent.start == span.sent.start
        if not same_sentence and cue.sent.start not in sent_starts:
            continue
        key = (not _attached(span, cue), not same_sentence, _distance(span, cue))
        if best_key is None or key < best_key:
            best, best_key = i, key
    return best


def _kind(text: str) -> Kind:
    stripped = text.strip(" \t\n.,;:—–-")
    if not stripped:
        return "indirect"
    marks = sum(1 for c in stripped if c in QUOTE_CHARS and c not in "'’")
    if stripped[0] in QUOTE_CHARS and stripped[-1] in QUOTE_CHARS and marks <= 2:
        return "direct"
    return "mixed" if marks >= 2 else "indirect"


def _to_attribution(doc: Doc, group: _Group, confidence: float) -> Attribution:
    text = doc.text
    content = TextSpan.of(text, [(s.start_char, s.end_char) for s in group.contents])
    cue = (
        TextSpan.of(text, [(group.cue.start_char, group.cue.end_char)]) if group.cue else None
    )
    source = (
        TextSpan.of(text, [(s.start_char, s.end_char) for s in group.sources[:1]])
        if group.sources
        else None
    )
    return Attribution(
        kind=_kind(content.text), content=content, cue=cue, source=source, confidence=confidence
    )


def group_parts(doc: Doc, parts: Sequence[Span]) -> list[_Group]:
    """Link contents and sources to cues (steps 1 and 2)."""
    parts = join_fragments(doc, sorted(parts, key=lambda s: s.start))
    cues = [s for s in parts if s.label_ == "CUE"]
    groups = [_Group(cue) for cue in cues]
    orphans: list[_Group] = []
    for span in parts:
        if span.label_ == "CUE":
            continue
        index = _best_cue(span, cues, reach=1 if span.label_ == "CONTENT" else 0)
        if index is not None:
            target = groups[index]
            (target.contents if span.label_ == "CONTENT" else target.sources).append(span)
        elif span.label_ == "CONTENT":
            orphans.append(_Group(None, [span]))
    _share_sources(groups)
    return [g for g in groups if g.contents] + orphans


def _share_sources(groups: Sequence[_Group]) -> None:
    """Give a cue without a source the source of the nearest cue of its sentence.

    "Trump told the crowd ..., adding that ..." has one source for two cues.
    """
    for group in groups:
        if group.sources or group.cue is None:
            continue
        cue = group.cue
        donors = [
            g for g in groups
            if g.sources and g.cue is not None and g.cue.sent.start == cue.sent.start
        ]
        if donors:
            donor = min(donors, key=lambda g: _distance(g.cue, cue))
            group.sources = donor.sources[:1]


def _uncovered_quotes(doc: Doc, groups: Sequence[_Group]) -> list[Span]:
    covered = [(s.start_char, s.end_char) for g in groups for s in g.contents]
    spans = []
    for quote in find_quotes(doc.text):
        if any(s < quote.end and quote.start < e for s, e in covered):
            continue
        span = doc.char_span(quote.start, quote.end, label="CONTENT", alignment_mode="expand")
        if span is not None and len(span) >= 4:
            spans.append(span)
    return spans


def find_attributions(doc: Doc, parts: Sequence[Span]) -> list[Attribution]:
    """Attributions of ``doc`` (speaker and about are left to the resolver)."""
    groups = group_parts(doc, parts)
    attributions = [_to_attribution(doc, g, 0.8) for g in groups]
    for quote in _uncovered_quotes(doc, groups):
        attributions.append(_to_attribution(doc, _Group(None, [quote]), 0.5))
    attributions.sort(key=lambda a: a.content.start)
    return attributions
