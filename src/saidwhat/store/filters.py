"""The filters of a statement search, shared by ``saidwhat quotes``, the API and notebooks.

``QuoteFilter`` is plain, validated data: each store backend turns it into its own query
(``sqlite_filters`` for SQLite, ``postgres_filters`` for PostgreSQL), so nothing here
knows a query language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from saidwhat.errors import InputError

KINDS = ("direct", "indirect", "mixed")
#: Longest accepted text of a filter: a search box, not a document.
MAX_QUERY_CHARS = 500
_WORD = re.compile(r"\w+", re.UNICODE)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Largest id a store holds (a signed 64-bit integer: SQLite's INTEGER, PostgreSQL's BIGINT).
_MAX_ID = 2**63 - 1


@dataclass(frozen=True, slots=True, kw_only=True)
class QuoteFilter:
    """Which statements to return; every field is optional and they combine with AND.

    ``speaker`` is a corpus speaker id or a name (matched against every alias);
    ``about`` a name the statement is about; ``q`` full-text words in the content,
    source or speaker; ``since``/``until`` ISO dates, inclusive; ``min_confidence`` the
    least confidence (the probability that the statement is right).
    """

    speaker: str | int | None = None
    about: str | None = None
    q: str | None = None
    kind: str | None = None
    outlet: str | None = None
    since: str | None = None
    until: str | None = None
    article: str | None = None
    cluster: int | None = None
    min_confidence: float | None = None

    def __post_init__(self) -> None:
        for name in ("speaker", "about", "q", "outlet", "article"):
            value = getattr(self, name)
            if isinstance(value, str) and len(value) > MAX_QUERY_CHARS:
                raise InputError(f"{name}: longer than {MAX_QUERY_CHARS} characters")
        if self.kind is not None and self.kind not in KINDS:
            raise InputError(f"kind: {self.kind!r} is not one of {', '.join(KINDS)}")
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and not _is_day(value):
                raise InputError(f"{name}: {value!r} is not a date (YYYY-MM-DD)")
        if self.min_confidence is not None and not 0.0 <= self.min_confidence <= 1.0:
            raise InputError(f"min_confidence: {self.min_confidence} is not between 0 and 1")
        if self.q is not None and self.q.strip() and not self.q_terms[0]:
            raise InputError(f"q: {self.q!r} has no words to search for")

    @property
    def speaker_id(self) -> int | None:
        """``speaker`` when it is a corpus speaker id (an int, or a string of ASCII digits)."""
        value = self.speaker
        if isinstance(value, str) and value.isascii() and value.isdigit():
            value = int(value)
        return value if isinstance(value, int) and 0 <= value <= _MAX_ID else None

    @property
    def q_terms(self) -> tuple[tuple[str, ...], bool]:
        """``search_terms`` of ``q``: its words, and whether the last is a prefix."""
        return search_terms(self.q or "")

    @property
    def narrows_statements(self) -> bool:
        """Whether the filter picks statements through an index of their own (speaker,
        ``about``, words, article, cluster): few enough to sort rather than walk in order."""
        speaker = self.speaker_id is not None or bool(self.speaker)
        words = bool(self.q_terms[0])
        return speaker or words or bool(self.about or self.article) or self.cluster is not None


def _is_day(value: str) -> bool:
    if not _DAY.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def search_terms(text: str) -> tuple[tuple[str, ...], bool]:
    """The words of a search box, every one of which must occur, and whether the last is a
    prefix (the text ends with ``*``). Anything else in ``text`` is not syntax: it is dropped.
    """
    words = tuple(_WORD.findall(text))
    return words, bool(words) and text.rstrip().endswith("*")
