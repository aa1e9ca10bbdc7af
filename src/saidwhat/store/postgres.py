"""The server store: a PostgreSQL database holding the corpus, written by several
ingests at once.

``PostgresStore`` is the PostgreSQL backend of the ``Store`` protocol (``base``), with
the schema of the SQLite one (``postgres_migrations``); it, its reads
(``postgres_reads``), writes (``postgres_writes``) and filters (``postgres_filters``)
are its only SQL. Connections come from a small ``psycopg_pool.ConnectionPool``
(shared by the stores of one process that open the same URL the same way, so a server's
per-thread readers hold at most ``POOL_MAX`` connections between them).

Concurrent writers. An article is linked (``CorpusLinker.link``: story, speakers, quote
clusters, from what the store holds) and then written by ``add_article``. Writers take
a transaction-level advisory lock (``pg_advisory_xact_lock``) for the write, so articles
are written one at a time across every process and the lock goes with the commit. A
link made while another writer committed is stale (it may open a speaker the other
article just created), so ``add_article`` checks, under the lock, whether any article
was committed since the linker's first lookup, and if so links the article again on the
transaction's connection before writing it: the decisions and the write of one article
are serialised across writers, and two writers never create one speaker twice. The
duplicate test is in the same transaction (``INSERT … ON CONFLICT DO NOTHING`` on the
article's id, URL and text key), so an article added by two ingests is stored once and
the second gets ``DuplicateArticle``. Readers never wait for writers (MVCC, no table
locks).

Full-text search (``q``) uses PostgreSQL's English text search where SQLite uses FTS5;
see ``postgres_filters.tsquery`` and the README. What differs:

- stemming: words are reduced to their English stem on both sides, so "ceasefires"
  finds "ceasefire" and "talks" finds "talking" (FTS5 matches the words as written);
- stop words: English stop words ("the", "and", "will", …) are not indexed and are
  dropped from queries, so they constrain nothing and a query made of them alone finds
  nothing (FTS5 indexes every word);
- prefixes (``word*``) match the stems of indexed words, so a prefix longer than a
  word's stem can miss it ("operat*" does not find "operators", stored as "oper");
- tokenisation: PostgreSQL's parser keeps e-mail addresses, URLs, hyphenated words
  and numbers with a decimal point as tokens (plus their parts) and does not fold
  accents, where FTS5's unicode61 tokenizer splits on every non-alphanumeric character
  and folds accents ("café" finds "cafe" there, not here).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import fields

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from saidwhat.errors import NotFoundError, StoreError
from saidwhat.link import KnownSpeaker
from saidwhat.model import LinkedArticle
from saidwhat.store.base import DuplicateArticle
from saidwhat.store.postgres_migrations import (
    MIGRATIONS,
    first_line,
    foreign,
    migrate,
    refuse_newer,
    trigram_indexes,
    version,
)
from saidwhat.store.postgres_reads import PostgresReads
from saidwhat.store.postgres_writes import PostgresWrites

__all__ = ["PostgresStore"]

#: The advisory lock key (any constant 64-bit integer) that serialises article writes.
WRITE_LOCK = 0x5A1D_0002
#: Connections of a store's pool: one is kept open; a server's readers share eight (20
#: concurrent requests on 2 cores: 96 requests/s with eight, 80 with four; BENCHMARKS.md).
POOL_MIN, POOL_MAX = 1, 8
#: Seconds to wait for a connection (first connection, or a free one from the pool).
CONNECT_TIMEOUT = 30
#: SQLAlchemy's ``postgresql+driver://``: libpq takes the scheme without the driver.
_DRIVER = re.compile(r"^(postgres(?:ql)?)\+[A-Za-z0-9_]+://", re.IGNORECASE)


def conninfo(url: str) -> str:
    """``url`` as libpq takes it (``postgresql+psycopg://…`` loses its driver)."""
    return _DRIVER.sub(lambda m: f"{m.group(1)}://", url, count=1)


class PostgresStore(PostgresReads, PostgresWrites):
    """A saidwhat corpus in a PostgreSQL database (a libpq URL); migrated on open.

    Read-only stores need the schema to exist (an older one is migrated first, as SQLite
    stores are); their connections refuse writes (``default_transaction_read_only``).
    """

    def __init__(self, url: str, *, readonly: bool = False) -> None:
        self.url = conninfo(url)
        self.readonly = readonly
        self._local = threading.local()
        #: The newest article rowid when the linker first read the store since the last
        #: write: another writer's commit after it makes the link stale (see the module).
        self._linked_at: int | None = None
        self._pool: ConnectionPool | None = None
        self._prepare()
        self._pool = _POOLS.acquire(self.url, readonly)

    def _prepare(self) -> None:
        """Check the database (and migrate it) on a connection of its own, which, unlike
        a read-only store's pool, may write the migrations."""
        try:
            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
        except psycopg.Error as exc:
            raise StoreError(f"cannot open the PostgreSQL store: {first_line(exc)}") from None
        with conn:
            found = version(conn)
            refuse_newer(found)
            if found == 0 and foreign(conn):
                raise StoreError("not a saidwhat store (a database of something else)")
            if found == 0 and self.readonly:
                raise NotFoundError(
                    "no saidwhat store in this PostgreSQL database (run `saidwhat ingest` first)"
                )
            if found < len(MIGRATIONS):
                migrate(conn)
            trigram_indexes(conn)

    def close(self) -> None:
        if self._pool is not None:
            _POOLS.release(self.url, self.readonly)
            self._pool = None

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        """A connection: the one this thread already uses in this store (a transaction's,
        or an outer read's), else one from the pool for the duration."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            yield conn
            return
        if self._pool is None:
            raise StoreError("the store is closed")
        try:
            with self._pool.connection(timeout=CONNECT_TIMEOUT) as conn:
                self._local.conn = conn
                try:
                    yield conn
                finally:
                    self._local.conn = None
        except (psycopg.OperationalError, PoolTimeout) as exc:
            # the server went away or stopped answering: one line, as at open
            raise StoreError(f"lost the PostgreSQL store: {first_line(exc)}") from None

    # -- what the linker reads -------------------------------------------------------

    @contextmanager
    def _linker_reads(self) -> Iterator[psycopg.Connection]:
        """The connection of a linker's read; the first read of a link first notes the
        newest article (outside ``add_article``, whose own link needs no check)."""
        with self._connection() as conn:
            if self._linked_at is None and not self._under_lock():
                self._linked_at = _newest_article(conn)
            yield conn

    def has_article(self, *, url: str | None, text_key: str) -> bool:
        """Whether an article with this URL or this normalised text is stored."""
        row = self._one(
            "SELECT 1 FROM articles WHERE text_key = %s OR url = %s LIMIT 1", (text_key, url)
        )
        return row is not None

    def story_of(self, item: int) -> str:
        """The story id of the article with rowid ``item`` (a story posting's item)."""
        with self._linker_reads() as conn:
            return conn.execute(
                "SELECT story_id FROM articles WHERE rowid = %s", (item,)
            ).fetchone()[0]

    def lookup(self, namespace: int, keys: Collection[int]) -> set[int]:
        """The items indexed under any of ``keys`` in ``namespace``."""
        keys = list(keys)
        with self._linker_reads() as conn:
            if not keys:
                return set()
            rows = conn.execute(
                "SELECT item FROM link_keys WHERE namespace = %s AND key = ANY(%s::bigint[])",
                (namespace, keys),
            )
            return {row[0] for row in rows}

    def prefetch(self, keys: Mapping[int, Collection[int]]) -> None:
        """Ignored: several writers may post at once, so each lookup reads the index."""

    def story_signatures(self, items: Collection[int]) -> dict[int, bytes]:
        """The signature of each article by rowid (story items)."""
        with self._linker_reads():
            return dict(self._by_ids("SELECT rowid, signature FROM articles WHERE rowid", items))

    def quote_variants(self, items: Collection[int]) -> dict[int, tuple[int, str]]:
        """``(cluster id, normalised words)`` of each quote variant by id."""
        with self._linker_reads():
            rows = self._by_ids("SELECT id, cluster_id, text FROM quote_variants WHERE id", items)
        return {row[0]: (row[1], row[2]) for row in rows}

    def speaker_candidates(
        self, keys: Iterable[str], *, context: Collection[str] | None = None
    ) -> list[KnownSpeaker]:
        """The corpus speakers indexed under any of ``keys``, with their linking evidence
        (of their context names only those in ``context``, when given; one query)."""
        keys = list(keys)
        wanted = None if context is None else list(context)
        with self._linker_reads() as conn:
            if not keys:
                return []
            rows = conn.execute(
                """SELECT s.id, s.name, s.type,
                       array(SELECT alias FROM speaker_aliases WHERE speaker_id = s.id),
                       array(SELECT role FROM speaker_roles WHERE speaker_id = s.id),
                       array(SELECT key FROM speaker_context WHERE speaker_id = s.id
                             AND (%s::text[] IS NULL OR key = ANY(%s::text[])))
                   FROM speakers s
                   WHERE s.id IN (SELECT speaker_id FROM speaker_keys WHERE key = ANY(%s::text[]))
                   ORDER BY s.id""",
                (wanted, wanted, keys),
            ).fetchall()
        return [
            KnownSpeaker(id=i, name=name, type=type_, aliases=set(a), roles=set(r), context=set(c))
            for i, name, type_, a, r, c in rows
        ]

    # -- the one write path ----------------------------------------------------------

    def _under_lock(self) -> bool:
        """Whether this thread holds the write lock (in ``add_article`` or a batch): links
        made then cannot go stale."""
        return getattr(self._local, "writing", False) or getattr(self._local, "batch", False)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One transaction for the articles added inside (see ``Store.writing``), under the
        write lock from the start: the links made inside are made under it, so none goes
        stale, and other writers wait for the commit."""
        if self.readonly:
            raise StoreError("the store is open read-only")
        if getattr(self._local, "batch", False):
            yield
            return
        with self._connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            self._local.batch = True
            self._local.batch_counts = Counter()
            try:
                yield
                self._add_counts(conn, self._local.batch_counts)
            finally:
                self._local.batch = False

    def add_article(self, linked: LinkedArticle) -> dict[int, int]:
        """Store one article with its speakers, statements and clusters, in one transaction
        under the write lock (linked again first when another writer committed since it
        was linked; ``linked`` is then updated to the decisions stored). Inside
        ``writing()`` the article is a savepoint of the batch's transaction.

        Returns the quote clusters it opened, by attribution index. Raises
        ``DuplicateArticle`` when its URL or text is already stored.
        """
        if self.readonly:
            raise StoreError("the store is open read-only")
        linked_at, self._linked_at = self._linked_at, None
        in_batch = getattr(self._local, "batch", False)
        with self._connection() as conn:
            self._local.writing = True
            try:
                # A pipeline: the statements are sent without waiting for each other's
                # answers (a fetch waits); in a batch, the transaction is a savepoint.
                with conn.pipeline(), conn.transaction():
                    if not in_batch:
                        conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
                    stored, newest = conn.execute(
                        """SELECT EXISTS (SELECT 1 FROM articles WHERE text_key = %s OR url = %s),
                                  (SELECT coalesce(max(rowid), 0) FROM articles)""",
                        (linked.text_key, linked.document.url),
                    ).fetchone()
                    if stored:
                        raise DuplicateArticle(f"{linked.document.id}: already stored")
                    stale = linked_at is None or newest != linked_at
                    if stale and not (in_batch and linked_at is None):
                        self._relink(linked)
                    if self._insert_article(conn, linked) is None:
                        raise DuplicateArticle(f"{linked.document.id}: already stored")
                    clusters = self._write_rest(conn, linked)
                    self._count(conn, linked.id, linked.document.published)
                    counts = self._counts(linked)
                    if not in_batch:
                        self._add_counts(conn, counts)
                if in_batch:  # its savepoint is released: the batch adds them at its end
                    self._local.batch_counts.update(counts)
            finally:
                self._local.writing = False
        return clusters

    def _relink(self, linked: LinkedArticle) -> None:
        """Link ``linked``'s document again (on the transaction's connection, under the
        lock) and make ``linked`` that link."""
        from saidwhat.link.linker import CorpusLinker  # the linker imports nothing of ours

        fresh = CorpusLinker(self).link(linked.document, attributed=linked.attributed)
        for field in fields(LinkedArticle):
            setattr(linked, field.name, getattr(fresh, field.name))


class _SharedPools:
    """Connection pools by (URL, read-only), shared by the stores open on them and closed
    with the last one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pools: dict[tuple[str, bool], tuple[ConnectionPool, int]] = {}

    def acquire(self, url: str, readonly: bool) -> ConnectionPool:
        with self._lock:
            pool, users = self._pools.get((url, readonly), (None, 0))
            if pool is None:
                pool = ConnectionPool(
                    url,
                    min_size=POOL_MIN,
                    max_size=POOL_MAX,
                    kwargs={"autocommit": True},
                    configure=_read_only if readonly else None,
                    name="saidwhat-readonly" if readonly else "saidwhat",
                    open=False,
                )
                try:
                    pool.open(wait=True, timeout=CONNECT_TIMEOUT)
                except Exception as exc:
                    pool.close()
                    raise StoreError(
                        f"cannot open the PostgreSQL store: {first_line(exc)}"
                    ) from None
            self._pools[(url, readonly)] = (pool, users + 1)
            return pool

    def release(self, url: str, readonly: bool) -> None:
        with self._lock:
            pool, users = self._pools[(url, readonly)]
            if users > 1:
                self._pools[(url, readonly)] = (pool, users - 1)
                return
            del self._pools[(url, readonly)]
        pool.close()


def _newest_article(conn: psycopg.Connection) -> int:
    """The rowid of the newest article: articles are written under the write lock, so it
    grows with every commit of a writer."""
    return conn.execute("SELECT coalesce(max(rowid), 0) FROM articles").fetchone()[0]


def _read_only(conn: psycopg.Connection) -> None:
    conn.execute("SET default_transaction_read_only = on")


_POOLS = _SharedPools()
