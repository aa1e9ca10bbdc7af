"""A ``QuoteFilter`` as SQLite SQL: the WHERE clause of a statement search, LIKE patterns
and FTS5 queries. Only the SQLite backend (``reads``) calls these."""

from __future__ import annotations

from typing import Any

from saidwhat.store.filters import QuoteFilter, search_terms

#: Sorts after every character: a date followed by it ends the range of that day.
_LAST_CHAR = "\U0010ffff"
#: A LIKE whose pattern escapes its wildcards with a backslash (see ``contains``).
LIKE = "LIKE ? ESCAPE '\\'"


def filter_sql(where: QuoteFilter) -> tuple[str, list[Any]]:
    """The WHERE clause of ``where`` (over ``a`` attributions and ``r`` articles) and its
    parameters; ``r`` is read only when ``where.reads_articles``."""
    clauses: list[str] = []
    params: list[Any] = []
    if where.speaker_id is not None:
        clauses.append("a.speaker_id = ?")
        params.append(where.speaker_id)
    elif isinstance(where.speaker, str) and where.speaker:
        clauses.append(
            f"(a.speaker_id IN (SELECT speaker_id FROM speaker_aliases WHERE alias {LIKE}"
            f" UNION SELECT id FROM speakers WHERE name {LIKE})"
            f" OR (a.speaker_id IS NULL AND a.speaker_name {LIKE}))"
        )
        params += [contains(where.speaker)] * 3
    if where.about:
        clauses.append(f"a.id IN (SELECT attribution_id FROM about WHERE name {LIKE})")
        params.append(contains(where.about))
    if where.q and (match := fts_query(where.q)):
        clauses.append(
            "a.id IN (SELECT rowid FROM attributions_fts WHERE attributions_fts MATCH ?)"
        )
        params.append(match)
    if where.kind:
        clauses.append("a.kind = ?")
        params.append(where.kind)
    if where.outlet:
        clauses.append(f"r.outlet {LIKE}")
        params.append(contains(where.outlet))
    # Bare comparisons of the column, so that the articles_published index serves them:
    # ``published >= day`` is ``substr(published, 1, 10) >= day`` for a 10-character
    # day, and any value that starts with ``until`` sorts below ``until`` + U+10FFFF.
    if where.since:
        clauses.append("r.published >= ?")
        params.append(where.since)
    if where.until:
        clauses.append("r.published < ?")
        params.append(where.until + _LAST_CHAR)
    if where.article:
        clauses.append("a.article_id = ?")
        params.append(where.article)
    if where.cluster is not None:
        clauses.append("a.cluster_id = ?")
        params.append(where.cluster)
    if where.min_confidence:
        clauses.append("a.confidence >= ?")
        params.append(where.min_confidence)
    return (" AND ".join(clauses) or "1"), params


def contains(text: str) -> str:
    """The LIKE pattern matching values that contain ``text`` literally ("%" and "_" too)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fts_query(text: str) -> str:
    """``text`` as an FTS5 query: every word must occur; a final ``*`` keeps prefix search.

    Words are quoted, so user input never reaches FTS5's query syntax.
    """
    words, prefix = search_terms(text)
    terms = [f'"{w}"' for w in words]
    if prefix:
        terms[-1] += "*"
    return " ".join(terms)
