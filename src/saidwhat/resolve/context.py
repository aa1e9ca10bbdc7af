"""What the resolver knows about one document: its entities, sentences and paragraphs."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from saidwhat.model import Attribution
from saidwhat.resolve.entities import EntityIndex, build_index

_PARAGRAPH = re.compile(r"\n\s*")


@dataclass(slots=True)
class Context:
    """A parsed document with its entity index and sentence/paragraph lookups."""

    doc: Doc
    index: EntityIndex
    #: Token index where each sentence starts.
    sentences: list[int]
    #: Character offset where each paragraph (a line of the text) starts.
    paragraphs: list[int]
    #: Character offset of each token.
    offsets: list[int]

    @classmethod
    def of(cls, doc: Doc) -> Context:
        """Index ``doc`` once: entities, sentence starts and paragraph starts."""
        if doc.has_annotation("SENT_START") or doc.has_annotation("DEP"):
            sentences = [s.start for s in doc.sents]
        else:
            sentences = [0]
        paragraphs = [0] + [m.end() for m in _PARAGRAPH.finditer(doc.text)]
        return cls(doc, build_index(doc), sentences, paragraphs, [t.idx for t in doc])

    def sentence(self, token: int) -> int:
        """Number of the sentence holding token ``token``."""
        return max(bisect_right(self.sentences, token) - 1, 0)

    def sentence_start(self, number: int) -> int:
        """First token of sentence ``number`` (clamped to the document)."""
        return self.sentences[min(max(number, 0), len(self.sentences) - 1)]

    def paragraph(self, char: int) -> int:
        """Number of the paragraph holding character ``char``."""
        return bisect_right(self.paragraphs, char) - 1

    def span(self, start: int, end: int) -> Span | None:
        """The tokens covering characters ``start:end`` (None when empty)."""
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return span if span is not None and len(span) else None

    def token_at(self, char: int) -> int:
        """The token holding character ``char`` (or the one before it)."""
        return max(bisect_right(self.offsets, char) - 1, 0)


def first_char(attribution: Attribution) -> int:
    """Where an attribution starts: its first part in the text."""
    parts = [p for p in (attribution.content, attribution.cue, attribution.source) if p]
    return min(p.start for p in parts)


def last_char(attribution: Attribution) -> int:
    """Where an attribution ends: its last part in the text."""
    parts = [p for p in (attribution.content, attribution.cue, attribution.source) if p]
    return max(p.end for p in parts)
