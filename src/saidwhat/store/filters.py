"""The filters of a statement search, shared by ``saidwhat quotes``, the API and notebooks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from saidwhat.errors import InputError

KINDS = ("direct", "indirect", "mixed")
#: Longest accepted text of a filter: a search box, not a document.
MAX_QUERY_CHARS = 500
_WORD = re.compile(r"\w+", re.UNICODE)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Largest id SQLite stores (a signed 64-bit integer).
_MAX_ID = 2**63 - 1
#: Sorts after every character: a date followed by it ends the range of that day.
_LAST_CHAR = "\U0010ffff"


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
        if self.q is not None and self.q.strip() and not fts_query(self.q):
            raise InputError(f"q: {self.q!r} has no words to search for")

    @property
    def speaker_id(self) -> int | None:
        """``speaker`` when it is a corpus speaker id (an int, or a string of ASCII digits)."""
        value = self.speaker
        if isinstance(value, str) and value.isascii() and value.isdigit():
            value = int(value)
        return value if isinstance(value, int) and 0 <= value <= _MAX_ID else None

    @property
    def reads_articles(self) -> bool:
        """Whether the WHERE clause of ``sql`` reads the articles (``r``) table."""
        return bool(self.outlet or self.since or self.until)

    @property
    def narrows_statements(self) -> bool:
        """Whether the filter picks statements through an index of their own (speaker,
        ``about``, words, article, cluster): few enough to sort rather than walk in order."""
        speaker = self.speaker_id is not None or bool(self.speaker)
        words = bool(self.q and fts_query(self.q))
        return speaker or words or bool(self.about or self.article) or self.cluster is not None

    def sql(self) -> tuple[str, list[Any]]:
        """The WHERE clause (over ``a`` attributions and ``r`` articles) and its parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.speaker_id is not None:
            clauses.append("a.speaker_id = ?")
            params.append(self.speaker_id)
        elif isinstance(self.speaker, str) and self.speaker:
            clauses.append(
                f"(a.speaker_id IN (SELECT speaker_id FROM speaker_aliases WHERE alias {LIKE}"
                f" UNION SELECT id FROM speakers WHERE name {LIKE})"
                f" OR (a.speaker_id IS NULL AND a.speaker_name {LIKE}))"
            )
            params += [contains(self.speaker)] * 3
        if self.about:
            clauses.append(f"a.id IN (SELECT attribution_id FROM about WHERE name {LIKE})")
            params.append(contains(self.about))
        if self.q and (match := fts_query(self.q)):
            clauses.append(
                "a.id IN (SELECT rowid FROM attributions_fts WHERE attributions_fts MATCH ?)"
            )
            params.append(match)
        if self.kind:
            clauses.append("a.kind = ?")
            params.append(self.kind)
        if self.outlet:
            clauses.append(f"r.outlet {LIKE}")
            params.append(contains(self.outlet))
        # Bare comparisons of the column, so that the articles_published index serves them:
        # ``published >= day`` is ``substr(published, 1, 10) >= day`` for a 10-character
        # day, and any value that starts with ``until`` sorts below ``until`` + U+10FFFF.
        if self.since:
            clauses.append("r.published >= ?")
            params.append(self.since)
        if self.until:
            clauses.append("r.published < ?")
            params.append(self.until + _LAST_CHAR)
        if self.article:
            clauses.append("a.article_id = ?")
            params.append(self.article)
        if self.cluster is not None:
            clauses.append("a.cluster_id = ?")
            params.append(self.cluster)
        if self.min_confidence:
            clauses.append("a.confidence >= ?")
            params.append(self.min_confidence)
        return (" AND ".join(clauses) or "1"), params


#: A LIKE whose pattern escapes its wildcards with a backslash (see ``contains``).
LIKE = "LIKE ? ESCAPE '\\'"


def contains(text: str) -> str:
    """The LIKE pattern matching values that contain ``text`` literally ("%" and "_" too)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _is_day(value: str) -> bool:
    if not _DAY.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def fts_query(text: str) -> str:
    """``text`` as an FTS5 query: every word must occur; a final ``*`` keeps prefix search.

    Words are quoted, so user input never reaches FTS5's query syntax.
    """
    words = _WORD.findall(text)
    prefix = text.rstrip().endswith("*")
    terms = [f'"{w}"' for w in words]
    if prefix and terms:
        terms[-1] += "*"
    return " ".join(terms)
