"""A ``QuoteFilter`` as PostgreSQL SQL: the WHERE clause of a statement search, ILIKE
patterns and ``tsquery`` text. Only the PostgreSQL backend (``postgres_reads``) calls these.

What differs from SQLite (``sqlite_filters``):

- names, outlets and ``about`` match with ILIKE, which folds the case of every letter;
  SQLite's LIKE folds ASCII letters only ("élysée" finds "Élysée" here, not there);
- ``q`` is matched against the English ``tsvector`` of the statement (content, source,
  speaker), see ``tsquery``, where SQLite's FTS5 matches unstemmed tokens.
"""

from __future__ import annotations

from typing import Any

from saidwhat.store.filters import QuoteFilter, search_terms

#: Sorts after every character (by code point: the columns use the "C" collation).
_LAST_CHAR = "\U0010ffff"
#: A case-insensitive LIKE whose pattern escapes its wildcards with a backslash.
LIKE = "ILIKE %s ESCAPE '\\'"


def filter_sql(where: QuoteFilter) -> tuple[str, list[Any]]:
    """The WHERE clause of ``where`` (over ``a`` attributions and ``r`` articles) and its
    parameters; ``r`` is read only when ``where.reads_articles``."""
    clauses: list[str] = []
    params: list[Any] = []
    if where.speaker_id is not None:
        clauses.append("a.speaker_id = %s")
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
    if where.q and (query := tsquery(where.q)):
        clauses.append("a.fts @@ to_tsquery('english', %s)")
        params.append(query)
    if where.kind:
        clauses.append("a.kind = %s")
        params.append(where.kind)
    if where.outlet:
        clauses.append(f"r.outlet {LIKE}")
        params.append(contains(where.outlet))
    if where.since:
        clauses.append("r.published >= %s")
        params.append(where.since)
    if where.until:
        clauses.append("r.published < %s")
        params.append(where.until + _LAST_CHAR)
    if where.article:
        clauses.append("a.article_id = %s")
        params.append(where.article)
    if where.cluster is not None:
        clauses.append("a.cluster_id = %s")
        params.append(where.cluster)
    if where.min_confidence:
        clauses.append("a.confidence >= %s")
        params.append(where.min_confidence)
    return (" AND ".join(clauses) or "TRUE"), params


def contains(text: str) -> str:
    """The LIKE pattern matching values that contain ``text`` literally ("%" and "_" too)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def tsquery(text: str) -> str:
    """``text`` as ``to_tsquery`` input: every word must occur; a final ``*`` keeps prefix
    search (``:*``). Each word is quoted, so user input never reaches the query syntax
    (``search_terms`` keeps word characters only, never a quote or a backslash).

    ``to_tsquery('english', …)`` stems each word and drops English stop words, so the
    query matches what the statement's ``tsvector`` holds: "ceasefires" finds
    "ceasefire", and a query of stop words alone ("the") finds nothing.
    """
    words, prefix = search_terms(text)
    terms = [f"'{w}'" for w in words]
    if prefix:
        terms[-1] += ":*"
    return " & ".join(terms)
