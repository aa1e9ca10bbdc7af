"""A ``QuoteFilter`` as PostgreSQL SQL: the WHERE clause of a statement search, ILIKE
patterns and ``tsquery`` text. Only the PostgreSQL backend (``postgres_reads``) calls these.

What differs from SQLite (``sqlite_filters``):

- names, outlets and ``about`` match with ILIKE, which folds the case of every letter;
  SQLite's LIKE folds ASCII letters only ("élysée" finds "Élysée" here, not there);
- ``q`` is matched against the English ``tsvector`` of the statement (content, source,
  speaker), see ``tsquery``, where SQLite's FTS5 matches unstemmed tokens.
"""

from __future__ import annotations

import re
from typing import Any

from saidwhat.store.filters import QuoteFilter, search_terms
from saidwhat.store.sql_filters import Dialect, contains
from saidwhat.store.sql_filters import filter_sql as _filter_sql

#: A case-insensitive LIKE whose pattern escapes its wildcards with a backslash.
LIKE = "ILIKE %s ESCAPE '\\'"

__all__ = ["LIKE", "contains", "filter_sql", "statement_filter_sql", "tsquery"]


def filter_sql(where: QuoteFilter) -> tuple[str, list[Any]]:
    """The WHERE clause of ``where`` over ``a`` attributions alone (each statement row
    holds its article's date and outlet) and its parameters."""
    return _filter_sql(where, POSTGRES)


def statement_filter_sql(where: QuoteFilter) -> tuple[str, list[Any]]:
    """The WHERE clause of ``where`` over ``a`` attributions alone: the article's outlet
    and date are read from the statement's copies of them (migration 2), so the clause
    never needs the articles."""
    sql, params = filter_sql(where)
    return _ARTICLE_COLUMN.sub(r"a.\1", sql), params


#: The article columns a filter reads that every statement row repeats.
_ARTICLE_COLUMN = re.compile(r"\br\.(outlet|published)\b")


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


POSTGRES = Dialect(
    placeholder="%s",
    like=LIKE,
    fts_query=tsquery,
    fts_match="a.fts @@ to_tsquery('english', %s)",
    true="TRUE",
)
