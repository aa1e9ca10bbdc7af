"""A ``QuoteFilter`` as SQLite SQL: the WHERE clause of a statement search (``sql_filters``
with SQLite's words), LIKE patterns and FTS5 queries. Only the SQLite backend (``reads``)
calls these."""

from __future__ import annotations

from typing import Any

from saidwhat.store.filters import QuoteFilter, search_terms
from saidwhat.store.sql_filters import Dialect, contains
from saidwhat.store.sql_filters import filter_sql as _filter_sql

#: A LIKE whose pattern escapes its wildcards with a backslash (see ``contains``).
LIKE = "LIKE ? ESCAPE '\\'"

__all__ = ["LIKE", "contains", "filter_sql", "fts_query"]


def filter_sql(where: QuoteFilter) -> tuple[str, list[Any]]:
    """The WHERE clause of ``where`` over ``a`` attributions alone (each statement row
    holds its article's date and outlet) and its parameters."""
    return _filter_sql(where, SQLITE)


def fts_query(text: str) -> str:
    """``text`` as an FTS5 query: every word must occur; a final ``*`` keeps prefix search.

    Words are quoted, so user input never reaches FTS5's query syntax.
    """
    words, prefix = search_terms(text)
    terms = [f'"{w}"' for w in words]
    if prefix:
        terms[-1] += "*"
    return " ".join(terms)


SQLITE = Dialect(
    placeholder="?",
    like=LIKE,
    fts_query=fts_query,
    fts_match="a.id IN (SELECT rowid FROM attributions_fts WHERE attributions_fts MATCH ?)",
    true="1",
    unlinked="attributions INDEXED BY attributions_unlinked",
)
