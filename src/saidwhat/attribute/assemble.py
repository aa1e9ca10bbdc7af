"""Build attributions from tagged parts (SOURCE, CUE, CONTENT spans) and quotations.

1. source and cue fragments separated only by whitespace are joined;
2. every cue anchors one attribution; each content fragment and each source
   is linked to the cue it hangs from in the parse, else to the nearest cue of
   its sentence; a content fragment without a cue in its sentence continues
   the content right before it (a quote running over sentences or paragraphs),
   else takes the cue of the sentence before it;
3. the parse completes the tagger (``rules``): a tagged cue without a content
   takes the clause or object it governs, a content cut at a comma is stretched
   to that clause, a cue without a source takes its subject, and reporting
   verbs the tagger left out get an attribution of their own;
4. quotations nothing covers become statements of their own, with the
   reporting verb of their sentence and its subject when there is one;
5. statements in page furniture ("Disclaimer: …", "Read more – …") are dropped, and
   so are bare fragments: a content under ``MIN_BARE_WORDS`` words with no cue, no
   source and no quote marks ("its", "Phone");
6. the kind (direct, indirect, mixed) follows the quote marks in the content;
7. a quotation that runs over paragraphs, or goes on right after its "he said" (“A,” he
   said. “B.”), is one statement.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Literal

from spacy.tokens import Doc, Span, Token

from saidwhat.attribute.boilerplate import boilerplate_lines, in_boilerplate
from saidwhat.attribute.quotes import Quote, find_quotes, quote_runs
from saidwhat.attribute.rules import (
    cue_span,
    object_of,
    parse_attributions,
    reporting_verb,
    rule_for,
    source_span,
)
from saidwhat.attribute.senses import ENGLISH
from saidwhat.model import Attribution, Kind, TextSpan

#: A longer tagged cue ("said in a joint statement from the site of their talks") is cut
#: to its verb and auxiliaries: 99.9% of PolNeAR train cues have at most 10 tokens.
MAX_CUE_TOKENS = 10
#: A content without cue, source or quote marks needs this many words to be a statement.
#: Dropping shorter ones left PolNeAR scores unchanged (5-fold cross-validation of the fast
#: tagger; held-out for the accurate one: partial F1 +0.003) and removes fragments such as
#: "its" that tell a reader nothing.
MIN_BARE_WORDS = 4
#: Quote marks that open and close quotations, for telling one quotation from the next.
_OPENING = frozenset('"“‘«„‚‹「')
_CLOSING = frozenset('"”’»“‘›」')


#: The rest of a frame's sentence (", he said, referring to …") that a quotation after it
#: may follow and still be the same statement's second half.
_MAX_FRAME_REST = 200
_SENTENCE_INSIDE = re.compile(r"[.!?]\s")
_INITIAL = re.compile(r"[A-Z]\.")

Origin = Literal["tagger", "completed", "rule", "quote"]


@dataclass(slots=True)
class _Group:
    cue: Span | None
    contents: list[Span] = field(default_factory=list)
    sources: list[Span] = field(default_factory=list)
    #: How the group was found: "tagger", "completed" (tagged cue, content from the parse),
    #: "rule" (parse alone) or "quote" (a quotation alone).
    origin: Origin = "tagger"


def join_fragments(doc: Doc, spans: Sequence[Span]) -> list[Span]:
    """Join same-label spans separated only by whitespace tokens."""
    joined: list[Span] = []
    for span in spans:
        last = joined[-1] if joined else None
        if last is not None and last.label == span.label and _adjacent(doc, last, span):
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


class _Cues:
    """The cues of a document, and their indices by sentence: a span is only ever linked to
    a cue of its own or a neighbouring sentence, so it looks at those alone (a long text
    with thousands of cues stays linear)."""

    def __init__(self, cues: Sequence[Span]) -> None:
        self.cues = list(cues)
        self.by_sentence: dict[int, list[int]] = {}
        for i, cue in enumerate(self.cues):
            self.by_sentence.setdefault(cue.sent.start, []).append(i)


def _best_cue(
    span: Span, cues: _Cues, *, previous: bool = False, following: Span | None = None
) -> int | None:
    """Index of the cue ``span`` belongs to: in its sentence, or the one before (when the
    span opens its sentence) or the one after ``following`` (the last fragment of a content
    running over sentences)."""
    doc, sent = span.doc, span.sent
    sent_starts = {sent.start}
    if (
        previous
        and sent.start > 0
        and all(t.is_space or t.is_punct for t in doc[sent.start : span.start])
    ):
        sent_starts.add(doc[sent.start - 1].sent.start)  # the span opens its sentence
    if following is not None and following.sent.end < len(doc):
        sent_starts.add(doc[following.sent.end].sent.start)
    candidates = sorted(i for start in sent_starts for i in cues.by_sentence.get(start, ()))
    best, best_key = None, None
    for i in candidates:
        cue = cues.cues[i]
        same_sentence = cue.sent.start == sent.start
        key = (not _attached(span, cue), not same_sentence, _distance(span, cue))
        if best_key is None or key < best_key:
            best, best_key = i, key
    return best


def _closes_before_frame(span: Span, frames: set[int]) -> bool:
    """Whether a content closes a quotation right before a sentence that holds a cue but no
    content: “…?” Trump said Friday. The parser makes "Trump said Friday." a sentence of its
    own, whose cue is this content's."""
    end = span.sent.end
    return (
        end < len(span.doc)
        and span.text.rstrip()[-1:] in _CLOSING
        and span.doc[end].sent.start in frames
        and not _paragraph_between(span.doc, span.end, end)
    )


def _paragraph_between(doc: Doc, start: int, end: int) -> bool:
    """Whether a line break separates token ``start - 1`` from token ``end``."""
    return any(
        "\n" in t.whitespace_ or (t.is_space and "\n" in t.text)
        for t in doc[max(start - 1, 0) : end]
    )


def _ends_with_comma(span: Span) -> bool:
    """Whether a content ends like “…,” — the sentence goes on with its cue."""
    tail = span.text.rstrip()[-3:]
    return "," in tail and any(c in _CLOSING for c in tail)


def _kind(text: str, fragments: Sequence[tuple[int, int]], quotes: Sequence[Quote]) -> Kind:
    """direct when every word of the content is inside quotation marks, mixed when some are."""
    inside = outside = 0
    for start, end in fragments:
        for i in range(start, end):
            if text[i].isalnum():
                if any(q.inner_start <= i < q.inner_end for q in quotes):
                    inside += 1
                else:
                    outside += 1
    if inside and not outside:
        return "direct"
    return "mixed" if inside else "indirect"


def _fill_quotations(
    doc: Doc, contents: list[Span], quotes: Sequence[Quote], frame: set[int]
) -> list[Span]:
    """Join content fragments that lie inside one closed quotation into one span.

    A quotation is said as a unit: when the tagger leaves a hole in it (markup such as
    ``<img src="x">``, a mark it read as closing), the fragments around the hole are
    one content, not a cue-less fragment and a statement cut short. A hole holding a
    tagged cue or source ("The plan, he said, is dead." between one pair of marks) stays, and
    so do fragments in different sentences (joined later, as a run, with the cue they take).
    """
    if len(contents) < 2 or not quotes:
        return contents
    closed = sorted(((q.start, q.end) for q in quotes if q.closed), key=lambda q: q[0])
    filled: list[Span] = []
    k = 0
    for span in contents:
        while k < len(closed) and closed[k][1] <= span.start_char:
            k += 1
        last = filled[-1] if filled else None
        if (
            last is not None
            and k < len(closed)
            and closed[k][0] <= last.start_char
            and span.end_char <= closed[k][1]
            and last.end < span.start
            and last.sent.start == span.sent.start
            and not frame.intersection(range(last.end, span.start))
        ):
            filled[-1] = Span(doc, last.start, span.end, label=span.label)
        else:
            filled.append(span)
    return filled


def _attach_stray_marks(doc: Doc, contents: list[Span]) -> list[Span]:
    """Fold a fragment of punctuation alone (a closing quote mark the parser put in the next
    sentence) into the content right before it; drop it if there is none."""
    cleaned: list[Span] = []
    for span in contents:
        if not all(t.is_punct or t.is_space for t in span):
            cleaned.append(span)
        elif cleaned and _adjacent(doc, cleaned[-1], span):
            cleaned[-1] = Span(doc, cleaned[-1].start, span.end, label=span.label)
    return cleaned


#: Precision (content matching >= half of a gold content) of each kind of group on 60
#: held-out PolNeAR train articles (training/link_oracle.py --split heldout), by origin
#: and by whether a source was found.
_PRECISION = {
    ("tagger", True): 0.82,
    ("tagger", False): 0.56,
    ("completed", True): 0.6,
    ("completed", False): 0.3,
    ("rule", True): 0.6,
    ("rule", False): 0.5,
    ("quote", True): 0.6,
    ("quote", False): 0.5,
}


def _confidence(group: _Group) -> float:
    return _PRECISION[group.origin, bool(group.sources)]


class _QuoteIndex:
    """The quotations overlapping a stretch of text, found by bisection (a statement-dense
    text has thousands of statements and quotations: a scan per statement is quadratic)."""

    def __init__(self, quotes: Sequence[Quote]) -> None:
        self.quotes = sorted(quotes, key=lambda q: q.start)
        self.starts = [q.start for q in self.quotes]
        self.reach = list(accumulate((q.end for q in self.quotes), max))

    def overlapping(self, start: int, end: int) -> list[Quote]:
        first = bisect_right(self.reach, start)  # every quotation before ends by ``start``
        last = bisect_left(self.starts, end)  # every one from here starts at ``end`` or later
        return [q for q in self.quotes[first:last] if q.start < end and start < q.end]


def _to_attribution(text: str, group: _Group, quotes: _QuoteIndex) -> Attribution:
    content = TextSpan.of(text, [(s.start_char, s.end_char) for s in group.contents])
    near = quotes.overlapping(content.start, content.end)
    cue = TextSpan.of(text, [(group.cue.start_char, group.cue.end_char)]) if group.cue else None
    source = (
        TextSpan.of(text, [_one_line(text, group.sources[0], group.cue)]) if group.sources else None
    )
    return Attribution(
        kind=_kind(text, content.spans, near),
        content=content,
        cue=cue,
        source=source,
        confidence=_confidence(group),
    )


def _one_line(text: str, source: Span, cue: Span | None) -> tuple[int, int]:
    """The source's characters on the line nearest its cue: a source never runs over a line
    break ("ADAMS\nThe lawmakers" takes a heading into the name)."""
    start, end = source.start_char, source.end_char
    if "\n" not in text[start:end]:
        return start, end
    lines, offset = [], start
    for line in text[start:end].split("\n"):
        if line.strip():
            lead = len(line) - len(line.lstrip())
            lines.append((offset + lead, offset + len(line.rstrip())))
        offset += len(line) + 1
    if not lines:
        return start, end
    if cue is not None and cue.start_char >= end:
        return lines[-1]
    return lines[0] if cue is not None else lines[-1]


def _adjacent(doc: Doc, left: Span, right: Span) -> bool:
    return all(t.is_space for t in doc[left.end : right.start])


def _new_quote(left: Span, right: Span) -> bool:
    """Whether ``right`` opens a quotation after ``left`` closed one: “…” “…”."""
    return left.text[-1:] in _CLOSING and right.text[:1] in _OPENING


def _new_paragraph(doc: Doc, left: Span, right: Span) -> bool:
    """Whether ``right`` opens a paragraph that does not go on with ``left``'s quotation:
    only a quotation left open at a paragraph's end runs into the next (“… ¶ “…”)."""
    return _paragraph_between(doc, left.end, right.start) and (
        left.text.rstrip()[-1:] in _CLOSING or right.text[:1] not in _OPENING
    )


def _runs(contents: list[Span], doc: Doc) -> list[list[Span]]:
    """Content fragments in runs separated by nothing but whitespace.

    A closed quotation followed by a new one is two statements, not one run; so is a
    closed quotation and the next paragraph.
    """
    runs: list[list[Span]] = []
    for span in contents:
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and _adjacent(doc, last, span)
            and not _new_quote(last, span)
            and not _new_paragraph(doc, last, span)
        ):
            runs[-1].append(span)
        else:
            runs.append([span])
    return runs


def _segments(run: list[Span], cues: _Cues) -> list[tuple[int | None, list[Span]]]:
    """Cut a run of content fragments where a sentence brings a cue of its own.

    "“S1. S2. S3,” she said." is one content with the cue of its last sentence.
    """
    segments: list[tuple[int | None, list[Span]]] = []
    for span in run:
        own = _best_cue(span, cues)
        if not segments or (own is not None and segments[-1][0] not in (None, own)):
            segments.append((own, [span]))
        else:
            cue_index, fragments = segments[-1]
            segments[-1] = (cue_index if cue_index is not None else own, [*fragments, span])
    return segments


def group_parts(doc: Doc, parts: Sequence[Span], quotes: Sequence[Quote] = ()) -> list[_Group]:
    """Link contents and sources to cues (steps 1 and 2); fragments inside one of
    ``quotes`` are one content."""
    ordered = sorted(parts, key=lambda s: s.start)
    cues = [
        cue if len(cue) <= MAX_CUE_TOKENS else cue_span(doc, cue.root)
        for cue in join_fragments(doc, [s for s in ordered if s.label_ == "CUE"])
    ]
    sources = join_fragments(doc, [s for s in ordered if s.label_ == "SOURCE"])
    groups = [_Group(cue) for cue in cues]
    by_sentence = _Cues(cues)
    orphans: list[_Group] = []
    claimed: dict[int, list[list[Span]]] = {}
    contents = _attach_stray_marks(doc, [s for s in ordered if s.label_ == "CONTENT"])
    contents = _fill_quotations(doc, contents, quotes, _indices([*cues, *sources]))
    with_content = {span.sent.start for span in contents}
    frames = {start for start in by_sentence.by_sentence if start not in with_content}
    for run in _runs(contents, doc):
        for cue_index, fragments in _segments(run, by_sentence):
            if cue_index is None:
                # "“…,” she said" and "“…?” Trump said Friday." may be parsed as two
                # sentences: the cue follows the content.
                last = fragments[-1]
                cue_index = _best_cue(
                    fragments[0],
                    by_sentence,
                    previous=True,
                    following=last
                    if _ends_with_comma(last) or _closes_before_frame(last, frames)
                    else None,
                )
            if cue_index is None:
                orphans.append(_Group(None, fragments))
            else:
                claimed.setdefault(cue_index, []).append(fragments)
    for cue_index, segments in claimed.items():
        kept, others = _one_content(groups[cue_index].cue, segments)
        groups[cue_index].contents.extend(kept)
        orphans.extend(_Group(None, fragments) for fragments in others)
    for span in sources:
        if (index := _best_cue(span, by_sentence)) is not None:
            groups[index].sources.append(span)
    _share_sources(groups)
    return groups + orphans


def _one_content(cue: Span, segments: list[list[Span]]) -> tuple[list[Span], list[list[Span]]]:
    """A cue's content: the nearest segment on each side of it ("“…,” she said, “…”");
    segments further on the same side are statements of their own (a cue the tagger
    missed), not more of this one."""
    before = [s for s in segments if s[-1].end <= cue.start]
    after = [s for s in segments if s[0].start >= cue.end]
    inside = [s for s in segments if s not in before and s not in after]
    kept = [*before[-1:], *inside, *after[:1]]
    others = [s for s in segments if s not in kept]
    return [span for segment in kept for span in segment], others


def _indices(spans: Iterable[Span]) -> set[int]:
    """The token indices ``spans`` cover."""
    return {i for span in spans for i in range(span.start, span.end)}


def _free(span: Span, taken: set[int]) -> bool:
    return not any(i in taken for i in range(span.start, span.end))


def _complete(doc: Doc, groups: Sequence[_Group]) -> None:
    """Give a tagged cue without a content the content (and source) the parse shows."""
    taken = _indices(s for g in groups for s in [*g.contents, *g.sources])
    for group in groups:
        if group.cue is None or group.contents:
            continue
        found = rule_for(doc, group.cue.root)
        source, contents = found[1:] if found else (source_span(doc, group.cue.root), [])
        contents = contents or object_of(doc, group.cue)
        if not contents:
            continue
        group.contents = [c for c in contents if _free(c, taken)]
        group.origin = "completed"
        if not group.sources and source is not None and _free(source, taken):
            group.sources = [source]
        taken |= _indices([*group.contents, *group.sources])


def _extend(doc: Doc, groups: Sequence[_Group]) -> None:
    """Stretch a content cut short at a comma to the whole clause its cue governs.

    "said the process was fair, but required an effort": the tagger often stops at
    the comma; the parse knows the complement goes on.
    """
    taken = _taken(groups)
    for group in groups:
        if group.cue is None or group.origin != "tagger" or not group.contents:
            continue
        last = group.contents[-1]
        # Only a reporting verb's clause: an object noun phrase ("criticised the wall")
        # drags in whatever the parser hung on it ("the wall in December").
        found = rule_for(doc, group.cue.root)
        if not found or not found[2]:
            continue
        clause = found[2][-1]
        if clause.start == last.start and last.end < clause.end <= last.sent.end:
            extra = range(last.end, clause.end)
            if not any(i in taken for i in extra):
                group.contents[-1] = Span(doc, last.start, clause.end, label=last.label)
                taken.update(extra)


def _subjects_tagged_as_content(doc: Doc, groups: Sequence[_Group]) -> None:
    """A content fragment that is the cue's grammatical subject, with the content after the
    cue, is the source: "India's embassy in Washington | says | that …" tagged as two
    contents around the cue."""
    for group in groups:
        if group.cue is None or len(group.contents) < 2:
            continue
        if not any(c.start >= group.cue.end for c in group.contents):
            continue
        subject = source_span(doc, group.cue.root)
        if subject is None:
            continue
        inside = [
            c
            for c in group.contents
            if c.end <= group.cue.start and subject.start <= c.start and c.end <= subject.end
        ]
        if not inside:
            continue
        group.contents = [c for c in group.contents if c not in inside]
        if not group.sources:
            group.sources = [subject]


def _add_subjects(doc: Doc, groups: Sequence[_Group]) -> None:
    """Give a cue still without a source its grammatical subject."""
    taken = _taken(groups)
    for group in groups:
        if group.cue is None or group.sources or not group.contents:
            continue
        subject = source_span(doc, group.cue.root)
        if subject is not None and _free(subject, taken):
            group.sources = [subject]
            taken.update(range(subject.start, subject.end))


def _share_sources(groups: Sequence[_Group]) -> None:
    """Give a cue without a source the source of the nearest cue of its sentence.

    "Trump told the crowd ..., adding that ..." has one source for two cues.
    """
    for group in groups:
        if group.sources or group.cue is None:
            continue
        cue = group.cue
        donors = [
            g
            for g in groups
            if g.sources and g.cue is not None and g.cue.sent.start == cue.sent.start
        ]
        if donors:
            donor = min(donors, key=lambda g: _distance(g.cue, cue))
            group.sources = donor.sources[:1]


def _taken(groups: Sequence[_Group]) -> set[int]:
    return _indices(
        s for g in groups for s in [*g.contents, *g.sources] + ([g.cue] if g.cue else [])
    )


def _standalone(span: Span) -> bool:
    """Whether a quotation stands as a sentence of its own (opens its sentence, 8+ tokens)."""
    first = next((t for t in span.sent if not t.is_space), span.sent[0])
    return span.start <= first.i and len(span) >= 8


def _split_quote_group(quote: Span, groups: Sequence[_Group]) -> _Group | None:
    """The statement whose source and cue sit right next to ``quote`` in its sentence."""
    for group in groups:
        if group.cue is None or group.cue.sent.start != quote.sent.start:
            continue
        frame = [group.cue, *group.sources]
        start, end = min(s.start for s in frame), max(s.end for s in frame)
        if 0 <= start - quote.end <= 1 or 0 <= quote.start - end <= 2:
            return group
    return None


def _quote_groups(doc: Doc, groups: Sequence[_Group], quotes: Sequence[Quote]) -> list[_Group]:
    """Quotations no attribution covers, with the reporting verb of their sentence if any."""
    taken = _taken(groups)
    found = []
    for quote in quotes:
        span = doc.char_span(quote.start, quote.end, label="CONTENT", alignment_mode="expand")
        if span is None or len(span) < 4 or not _free(span, taken):
            continue
        if (split := _split_quote_group(span, groups)) is not None:
            split.contents.append(span)  # the other half of "“…,” she said, “…”"
            split.contents.sort(key=lambda s: s.start)
            taken.update(range(span.start, span.end))
            continue
        group = _Group(None, [span], origin="quote")
        verb = reporting_verb(span.sent, exclude=range(span.start, span.end))
        cue = cue_span(doc, verb) if verb is not None else None
        if cue is not None and not _free(cue, taken):
            verb = cue = None  # the verb reports another statement
        if verb is None and not _standalone(span):
            continue  # a scare quote or a title inside a sentence, not a statement
        if verb is not None:
            group.cue = cue
            subject = source_span(doc, verb)
            group.sources = [subject] if subject is not None and _free(subject, taken) else []
        taken |= _indices([span, *group.sources] + ([group.cue] if group.cue else []))
        found.append(group)
    return found


def _signature(doc: Doc, end: int, taken: set[int]) -> tuple[Span, Span] | None:
    """The dash and the name that sign a quotation ending at token ``end``, on its line:
    “…” ― Pamela Padilla; “…,” — John Smith, a teacher."""
    if end >= len(doc) or doc[end].text not in ENGLISH.signatures or end in taken:
        return None
    last = end + 1
    while last < len(doc) and last not in taken and _name_word(doc[last]):
        last += 1
    if last - end - 1 < 2 and not (last > end + 1 and doc[end + 1].ent_type_ == "PERSON"):
        return None  # one capitalised word is a name only when the NER says so
    return doc[end : end + 1], doc[end + 1 : last]


def _name_word(token: Token) -> bool:
    if "\n" in token.text or not token.text[:1].isupper():
        return False
    return token.pos_ == "PROPN" or token.ent_type_ == "PERSON" or _INITIAL.fullmatch(token.text)


def _signed_after_dash(doc: Doc, groups: Sequence[_Group]) -> None:
    """A quotation with neither cue nor source, followed on its line by a dash and a name,
    is that person's: the dash is its cue, the name its source (epigraphs, vox pops)."""
    taken = _taken(groups)
    for group in groups:
        if group.cue is not None or group.sources:
            continue
        last = group.contents[-1]
        if not any(c in _CLOSING for c in doc[last.end - 1].text):
            continue
        if (signature := _signature(doc, last.end, taken)) is not None:
            group.cue, source = signature
            group.sources = [source]
            taken |= _indices(signature)


def _rule_groups(doc: Doc, groups: Sequence[_Group]) -> list[_Group]:
    return [
        _Group(cue, contents, [source] if source is not None else [], origin="rule")
        for cue, source, contents in parse_attributions(doc, _taken(groups))
    ]


@contextmanager
def _indexed_sentences(doc: Doc) -> Iterator[None]:
    """Make ``span.sent`` and ``token.sent`` constant-time while the linker runs.

    spaCy finds a span's sentence by walking the sentence starts; the linker asks
    thousands of times per article. The hooks return the very same sentences.
    """
    sentences = list(doc.sents)
    index = [0] * len(doc)
    for number, sentence in enumerate(sentences):
        index[sentence.start : sentence.end] = [number] * len(sentence)
    saved = doc.user_span_hooks.get("sent"), doc.user_token_hooks.get("sent")
    doc.user_span_hooks["sent"] = lambda span: sentences[index[span.start]]
    doc.user_token_hooks["sent"] = lambda token: sentences[index[token.i]]
    try:
        yield
    finally:
        for hooks, old in zip((doc.user_span_hooks, doc.user_token_hooks), saved, strict=True):
            if old is None:
                del hooks["sent"]
            else:
                hooks["sent"] = old


def find_attributions(doc: Doc, parts: Sequence[Span], *, rules: bool = True) -> list[Attribution]:
    """Attributions of ``doc`` (speaker and about are left to the resolver)."""
    if not len(doc):
        return []
    with _indexed_sentences(doc):
        return _find_attributions(doc, parts, rules=rules)


def _find_attributions(doc: Doc, parts: Sequence[Span], *, rules: bool) -> list[Attribution]:
    text = doc.text  # built from the tokens at each access: read it once
    quotes = find_quotes(text)
    # 1.-2. link the tagger's parts
    groups = group_parts(doc, parts, quotes)
    # 3. complete them from the parse
    if rules:
        _complete(doc, groups)
        _extend(doc, groups)
        _subjects_tagged_as_content(doc, groups)
        _add_subjects(doc, groups)
        groups.extend(_rule_groups(doc, groups))
    groups = [g for g in groups if g.contents]
    # 4. quotations nothing covers; a quotation signed after a dash
    groups.extend(_quote_groups(doc, groups, quotes))
    _signed_after_dash(doc, groups)
    # 5.-6. drop page furniture; kinds
    furniture = boilerplate_lines(text)
    index = _QuoteIndex(quotes)
    attributions = [
        _to_attribution(text, g, index)
        for g in groups
        if not in_boilerplate(tuple((s.start_char, s.end_char) for s in g.contents), furniture)
    ]
    attributions = [a for a in attributions if not _bare_fragment(a)]
    attributions.sort(key=lambda a: a.content.start)
    return _join_after_frame(text, _join_continued(text, attributions, quotes))


def _frame_end(attribution: Attribution) -> int:
    parts = [attribution.content, attribution.cue, attribution.source]
    return max(p.end for p in parts if p is not None)


def _join_after_frame(text: str, attributions: list[Attribution]) -> list[Attribution]:
    """“A,” he said. “B.” is one statement: a quotation with no cue or source of its own
    right after a quoted statement's "he said" (and the rest of its sentence), in the same
    paragraph, is its second half."""
    joined: list[Attribution] = []
    quoted: Attribution | None = None  # the last quoted statement with its cue after it
    for attribution in attributions:
        if (
            quoted is not None
            and attribution.kind == "direct"
            and attribution.cue is None
            and attribution.source is None
            and _rest_of_sentence(text[_frame_end(quoted) : attribution.content.start])
        ):
            quoted.content = TextSpan.of(text, [*quoted.content.spans, *attribution.content.spans])
            continue
        joined.append(attribution)
        if (
            attribution.kind in ("direct", "mixed")
            and attribution.cue is not None
            and attribution.content.end <= attribution.cue.start
        ):
            quoted = attribution
    return joined


def _rest_of_sentence(between: str) -> bool:
    """Whether ``between`` ends the frame's sentence within its paragraph, and holds no
    quotation and no other sentence: ", he said." or ", he told me, referring to a charge."""
    body = between.rstrip()
    return (
        "\n" not in between
        and len(body) <= _MAX_FRAME_REST
        and not any(c in _OPENING or c in _CLOSING for c in body)
        and (not body or body[-1] in ".,;:")
        and not _SENTENCE_INSIDE.search(body[:-1])
    )


def _covering(attributions: Sequence[Attribution], quote: Quote) -> Attribution | None:
    for attribution in attributions:
        if any(s < quote.inner_end and quote.inner_start < e for s, e in attribution.content.spans):
            return attribution
    return None


def _join_continued(
    text: str, attributions: list[Attribution], quotes: Sequence[Quote]
) -> list[Attribution]:
    """One statement for a quotation that runs over paragraphs (the paragraph ends inside the
    quote, the next opens with a quote mark): its later paragraphs join the statement of
    its first, unless they bring a cue or source of their own outside the quote marks.
    Paragraphs before the first one a statement covers are that statement's too
    (“A. ¶ “B,” he said.)."""
    dropped: set[int] = set()
    for run in quote_runs(list(quotes)):
        if len(run) < 2:
            continue
        covering = [_covering(attributions, quote) for quote in run]
        found = [k for k, a in enumerate(covering) if a is not None]
        if not found:
            continue
        framed = [k for k in found if _framed_outside(covering[k], run[k])]
        k = framed[0] if framed else found[0]
        first = covering[k]
        assert first is not None
        spans = list(first.content.spans)
        for before, quote in zip(covering[:k], run[:k], strict=True):
            if before is not None:
                dropped.add(id(before))
            spans.append((quote.inner_start, quote.inner_end))
        for quote in run[k + 1 :]:
            later = _covering(attributions, quote)
            if later is first:
                continue
            if later is not None and _framed_outside(later, quote):
                break  # the quotation is attributed again: a statement of its own
            if later is not None:
                dropped.add(id(later))
            if later is not None and later.cue is None and later.source is None:
                spans.extend(later.content.spans)
            else:  # nothing covered it, or its own frame is inside: the whole quotation
                spans.append((quote.inner_start, quote.inner_end))
        if len(spans) > len(first.content.spans):
            first.content = TextSpan.of(text, sorted(set(spans)))
    return [a for a in attributions if id(a) not in dropped]


def _framed_outside(attribution: Attribution, quote: Quote) -> bool:
    """Whether ``attribution`` has a cue or source outside ``quote``: a cue and source
    inside the quotation ("‘My Government believes that …") are the quoted words."""
    frame = [p for p in (attribution.cue, attribution.source) if p is not None]
    return any(p.start < quote.inner_start or p.end > quote.inner_end for p in frame)


def _bare_fragment(attribution: Attribution) -> bool:
    return (
        attribution.cue is None
        and attribution.source is None
        and attribution.kind == "indirect"  # no quote marks
        and len(attribution.content.text.split()) < MIN_BARE_WORDS
    )
