"""A ``QuoteFilter`` as the WHERE clause of a statement search, for any SQL backend.

The clause is the same on every backend but for a few words, which a ``Dialect`` gives:
the parameter placeholder, the LIKE operator, how full-text words are matched and the
literal for "no condition". ``sqlite_filters`` and ``postgres_filters`` define theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from saidwhat.store.filters import QuoteFilter

#: Sorts after every character (by code point): a date followed by it ends that day's range.
LAST_CHAR = "\U0010ffff"


@dataclass(frozen=True, slots=True)
class Dialect:
    """What one backend's SQL says differently."""

    #: The parameter placeholder ("?", "%s").
    placeholder: str
    #: A LIKE whose pattern escapes its wildcards with a backslash, with its placeholder.
    like: str
    #: ``q`` as the backend's full-text query text ("" when it has no words).
    fts_query: Callable[[str], str]
    #: The condition on ``a`` (attributions) that its text matches the query (placeholder).
    fts_match: str
    #: A condition that is always true.
    true: str
    #: The statements table as read for those of unlinked sources (SQLite names the
    #: index it must use; its planner misjudges how many statements have no speaker).
    unlinked: str = "attributions"


def contains(text: str) -> str:
    """The LIKE pattern matching values that contain ``text`` literally ("%" and "_" too)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def filter_sql(where: QuoteFilter, dialect: Dialect) -> tuple[str, list[Any]]:
    """The WHERE clause of ``where`` over ``a`` attributions alone (each statement row
    holds its article's date and outlet) and its parameters."""
    p, like = dialect.placeholder, dialect.like
    clauses: list[str] = []
    params: list[Any] = []
    if where.speaker_id is not None:
        clauses.append(f"a.speaker_id = {p}")
        params.append(where.speaker_id)
    elif isinstance(where.speaker, str) and where.speaker:
        # Statements of the corpus speakers so named, or of unlinked sources ("officials")
        # so named: the second is a subquery, so that it reads the (small) index of the
        # unlinked statements rather than every statement.
        clauses.append(
            f"(a.speaker_id IN (SELECT speaker_id FROM speaker_aliases WHERE alias {like}"
            f" UNION SELECT id FROM speakers WHERE name {like})"
            f" OR a.id IN (SELECT id FROM {dialect.unlinked}"
            f" WHERE speaker_id IS NULL AND speaker_name {like}))"
        )
        params += [contains(where.speaker)] * 3
    if where.about:
        # the names that match (a few thousand distinct ones), then their statements
        clauses.append(
            f"a.id IN (SELECT attribution_id FROM about WHERE name IN"
            f" (SELECT name FROM about_names WHERE name {like}))"
        )
        params.append(contains(where.about))
    if where.q and (query := dialect.fts_query(where.q)):
        clauses.append(dialect.fts_match)
        params.append(query)
    if where.kind:
        clauses.append(f"a.kind = {p}")
        params.append(where.kind)
    if where.outlet:
        # the article's outlet, on the statement's row (both backends keep it there)
        clauses.append(f"a.outlet {like}")
        params.append(contains(where.outlet))
    # Bare comparisons of the column (the article's date, on the statement's row), so that
    # the index of statements by date serves them:
    # ``published >= day`` is ``substr(published, 1, 10) >= day`` for a 10-character
    # day, and any value that starts with ``until`` sorts below ``until`` + U+10FFFF.
    if where.since:
        clauses.append(f"a.published >= {p}")
        params.append(where.since)
    if where.until:
        clauses.append(f"a.published < {p}")
        params.append(where.until + LAST_CHAR)
    if where.article:
        clauses.append(f"a.article_id = {p}")
        params.append(where.article)
    if where.cluster is not None:
        clauses.append(f"a.cluster_id = {p}")
        params.append(where.cluster)
    if where.min_confidence:
        clauses.append(f"a.confidence >= {p}")
        params.append(where.min_confidence)
    return (" AND ".join(clauses) or dialect.true), params
