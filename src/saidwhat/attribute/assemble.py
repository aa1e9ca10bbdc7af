"""Build attributions from the tagger's parts, quotations and the parse (placeholder)."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc, Span

from saidwhat.attribute.quotes import find_quotes
from saidwhat.model import Attribution, TextSpan


def find_attributions(doc: Doc, parts: Sequence[Span]) -> list[Attribution]:
    """Attributions of ``doc`` (speaker and about left for the resolver)."""
    text = doc.text
    return [
        Attribution(kind="direct", content=TextSpan.of(text, [(q.start, q.end)]), confidence=0.5)
        for q in find_quotes(text)
    ]
