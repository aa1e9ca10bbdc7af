"""The corpus store: articles, speakers, statements and clusters in one SQLite file."""

from saidwhat.store.filters import KINDS, QuoteFilter, fts_query
from saidwhat.store.migrations import MIGRATIONS, migrate
from saidwhat.store.sqlite import DuplicateArticle, SQLiteStore

#: The store file ``saidwhat`` commands use unless told otherwise.
DEFAULT_DB = "saidwhat.db"

__all__ = [
    "DEFAULT_DB",
    "KINDS",
    "MIGRATIONS",
    "DuplicateArticle",
    "QuoteFilter",
    "SQLiteStore",
    "fts_query",
    "migrate",
]
