"""Where a store is: a file path or a URL, given (``--db``) or in ``$SAIDWHAT_DB``.

``open_store`` is how every command, the server and notebooks open a store. Accepted:

- a plain path (``saidwhat.db``, ``data/news.db``): a SQLite file;
- ``sqlite:///PATH`` as SQLAlchemy writes it: three slashes then the path, so
  ``sqlite:///data/news.db`` is relative and ``sqlite:////srv/news.db`` absolute.

- ``postgresql://…`` or ``postgres://…``, any libpq URL
  (``postgresql://user:password@host:5432/db``, ``postgresql://user@/db?host=/run/postgresql``
  for a Unix socket; ``postgresql+psycopg://`` as SQLAlchemy writes it): a PostgreSQL
  database (``PostgresStore``), which several processes may write at once.

Error messages never repeat a URL, which may hold a password.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from saidwhat.errors import InputError
from saidwhat.store.base import Store
from saidwhat.store.sqlite import SQLiteStore

#: The store ``saidwhat`` uses unless told otherwise (``--db``, ``$SAIDWHAT_DB``).
DEFAULT_DB = "saidwhat.db"
#: The environment variable naming the store when none is given.
DB_VARIABLE = "SAIDWHAT_DB"
#: The URL schemes of the backends (``sqlite:///PATH``; a plain path is SQLite too).
SCHEMES = ("sqlite", "postgresql")
_POSTGRES = ("postgresql", "postgres")
#: ``scheme://``, the scheme as RFC 3986 spells one (a Windows drive ``C:\`` is not one).
_URL = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
#: The password of ``scheme://user:password@``, and a ``password=`` URL parameter.
_PASSWORD = re.compile(r"^([^:/]+://[^:/@?#]*):[^@/?#]*@")
_PASSWORD_PARAMETER = re.compile(r"([?&]password=)[^&#]*", re.IGNORECASE)


def store_url(given: str | Path | None = None) -> str:
    """The store to open: ``given``, else ``$SAIDWHAT_DB``, else ``DEFAULT_DB``."""
    if given is not None and str(given):
        return str(given)
    return os.environ.get(DB_VARIABLE) or DEFAULT_DB


def store_file(url: str | Path | None = None) -> Path | None:
    """The file of the store at ``url`` (see ``store_url``) when it is a file (SQLite);
    None for a database server. Raises ``InputError`` for a URL saidwhat cannot open."""
    url = store_url(url)
    match = _URL.match(url)
    if match is None:
        return Path(url)
    scheme = match.group(1).lower()
    if scheme.split("+")[0] in _POSTGRES:
        return None
    if scheme != "sqlite":
        raise InputError(
            f"{scheme}:// is not a store URL saidwhat opens; use a file path, "
            "sqlite:///PATH or postgresql://…"
        )
    path = url[match.end() :]
    if not path.startswith("/") or path == "/":
        raise InputError(
            "a sqlite URL is sqlite:/// then the file's path "
            "(sqlite:///relative.db, sqlite:////absolute/path.db)"
        )
    if "?" in path:
        raise InputError("a sqlite URL takes no query (?...); give the file's path only")
    return Path(path[1:])


def store_label(url: str | Path) -> str:
    """``url`` as it may be shown (a log line, a page): a PostgreSQL URL without its
    password (``user:***@host``, ``password=***``)."""
    text = str(url)
    match = _URL.match(text)
    if match is None or match.group(1).lower().split("+")[0] not in _POSTGRES:
        return text
    text = _PASSWORD.sub(r"\1:***@", text, count=1)
    return _PASSWORD_PARAMETER.sub(r"\1***", text)


def database_name(url: str | Path | None = None) -> str | None:
    """The database a PostgreSQL store URL names (``news`` in ``postgresql://h/news``);
    None for a store that is a file."""
    url = store_url(url)
    if store_file(url) is not None:
        return None
    from psycopg.conninfo import conninfo_to_dict  # only for a PostgreSQL store

    libpq = re.sub(r"^[^:]+\+[^:]+://", "postgresql://", url)  # postgresql+psycopg://
    return str(conninfo_to_dict(libpq).get("dbname") or "postgres")


def open_store(url: str | Path | None = None, *, readonly: bool = False) -> Store:
    """The store at ``url``: a path or URL (see the module), else ``$SAIDWHAT_DB``, else
    ``DEFAULT_DB``. Read-only stores must exist; a writable one is created if missing."""
    path = store_file(url)
    if path is None:  # a database server
        # Imported here: psycopg takes a tenth of a second to import, and most runs use SQLite.
        from saidwhat.store.postgres import PostgresStore

        return PostgresStore(store_url(url), readonly=readonly)
    if path.is_dir():  # as ``--db`` said when it was a click.Path(dir_okay=False)
        raise InputError(f"{path}: a directory, not a store file")
    return SQLiteStore(path, readonly=readonly)
