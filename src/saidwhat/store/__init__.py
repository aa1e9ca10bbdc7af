"""The corpus store: articles, speakers, statements and clusters behind the ``Store``
protocol, opened by ``open_store``: a SQLite file (``SQLiteStore``) or a PostgreSQL
database (``postgres.PostgresStore``, imported when a PostgreSQL URL is opened)."""

from saidwhat.store.base import DuplicateArticle, Store
from saidwhat.store.filters import KINDS, QuoteFilter
from saidwhat.store.migrations import MIGRATIONS, migrate
from saidwhat.store.sqlite import SQLiteStore
from saidwhat.store.urls import (
    DB_VARIABLE,
    DEFAULT_DB,
    database_name,
    open_store,
    store_file,
    store_label,
    store_url,
)

__all__ = [
    "DB_VARIABLE",
    "DEFAULT_DB",
    "KINDS",
    "MIGRATIONS",
    "DuplicateArticle",
    "QuoteFilter",
    "SQLiteStore",
    "Store",
    "database_name",
    "migrate",
    "open_store",
    "store_file",
    "store_label",
    "store_url",
]
