"""Find quotations in raw text, whatever the quote marks (placeholder: straight and curly)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_QUOTE = re.compile(r"[\"“”]([^\"“”]+)[\"“”]")


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation: ``start``/``end`` include the marks, ``inner_*`` exclude them."""

    start: int
    end: int
    inner_start: int
    inner_end: int


def find_quotes(text: str) -> list[Quote]:
    """Quotations in ``text``, in order."""
    return [Quote(m.start(), m.end(), m.start(1), m.end(1)) for m in _QUOTE.finditer(text)]
