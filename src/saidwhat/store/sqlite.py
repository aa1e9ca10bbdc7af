"""The embedded store: one SQLite file (WAL mode) holding the corpus.

``SQLiteStore`` is the SQLite backend of the ``Store`` protocol (``base``); it, its read
queries (``reads.Reads``) and its filters (``sqlite_filters``) are the only code that
touches SQL. Writes go through ``add_article``, one transaction per article, or one per
batch of articles inside ``writing()`` (each article a savepoint), so a run killed at
any moment leaves whole batches or none.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from saidwhat.errors import NotFoundError, StoreError
from saidwhat.link import KnownSpeaker, quote_words
from saidwhat.link.quotes import MIN_WORDS, quote_keys
from saidwhat.link.stories import NUM_PERM, signature_from_bytes, story_keys
from saidwhat.model import (
    Document,
    LinkedArticle,
    LinkedSpeaker,
)
from saidwhat.store.base import DuplicateArticle
from saidwhat.store.migrations import MIGRATIONS, migrate, version
from saidwhat.store.reads import Reads, in_chunks
from saidwhat.store.rows import article_values, attribution_values, insert_sql, spans_json, text_of
from saidwhat.store.sqlite_postings import LogPostings

__all__ = ["DuplicateArticle", "SQLiteStore"]

#: Seconds a writer waits for another connection's lock before giving up.
BUSY_TIMEOUT = 30.0
#: WAL pages after which a commit checkpoints the WAL into the database file (~1 GiB): a
#: page that several batches change is copied into the file once per checkpoint, so
#: rarer checkpoints write less (at 100,000 statements: 3.7 x the store against 5.0 x
#: with 10,000 pages).
WAL_CHECKPOINT_PAGES = 250_000
#: Bytes the WAL file is cut back to once checkpointed.
WAL_SIZE_LIMIT = 64 * 1024 * 1024
#: Rows of each index ANALYZE reads when a writable store is closed (0 would be all).
ANALYSIS_LIMIT = 1000


class SQLiteStore(Reads):
    """A saidwhat corpus in one SQLite file; created and migrated on open."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        #: Whether this connection stored an article (then ``close`` updates the statistics).
        self._stored = False
        #: Whether a ``writing()`` batch is open on this connection.
        self._batch = False
        #: The batch's corpus speakers read for the linker (name, type, aliases, roles), by
        #: id; an article storing a speaker drops it, a rollback or commit all of them.
        self._speakers: dict[int, tuple[str, str, frozenset[str], frozenset[str]]] = {}
        #: The batch's quote variants read for the linker, by id (dropped with the speakers:
        #: a rolled-back variant's id may be given again).
        self._variants: dict[int, tuple[int, str]] = {}
        if readonly and not self.path.exists():
            raise NotFoundError(f"{self.path}: no such store (run `saidwhat ingest` first)")
        # A URI (escaped: "#" or "?" in a file name would cut it) opens the file read-only.
        uri = f"{self.path.resolve().as_uri()}?mode=ro" if readonly else str(self.path)
        # Autocommit: transactions are explicit. Any thread may close it (the server closes
        # each thread's reader at shutdown).
        connect = partial(
            sqlite3.connect,
            uri,
            uri=readonly,
            timeout=BUSY_TIMEOUT,
            isolation_level=None,
            check_same_thread=False,
        )
        try:
            self.conn = connect()
            self._refuse_foreign()
            if not readonly:
                self.conn.execute("PRAGMA journal_mode = WAL")
                # NORMAL in WAL mode: a committed article survives a killed process.
                self.conn.execute("PRAGMA synchronous = NORMAL")
                self.conn.execute("PRAGMA cache_size = -262144")
                self.conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
                self.conn.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
                migrate(self.conn)
                self._rebuild_link_keys()
            if readonly and version(self.conn) != len(MIGRATIONS):
                # A store written by an older saidwhat: migrate it once, then read it (a
                # newer one is refused by the migration).
                self.conn.close()
                SQLiteStore(self.path).close()
                self.conn = connect()
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._check_schema()
            self._postings = LogPostings(self.conn)
        except sqlite3.DatabaseError as exc:
            self._close_quietly()
            raise StoreError(f"{self.path}: not a saidwhat store ({exc})") from None
        except BaseException:
            self._close_quietly()
            raise

    def _close_quietly(self) -> None:
        conn = getattr(self, "conn", None)
        if conn is not None:
            conn.close()

    def _refuse_foreign(self) -> None:
        """Never migrate someone else's database: a version-0 file must be empty."""
        if version(self.conn) == 0 and self.conn.execute("SELECT 1 FROM sqlite_master").fetchone():
            raise StoreError(f"{self.path}: not a saidwhat store (a database of something else)")

    def _check_schema(self) -> None:
        names = {row[0] for row in self.conn.execute("SELECT name FROM sqlite_master")}
        if "articles" not in names:
            raise StoreError(f"{self.path}: not a saidwhat store (no articles table)")

    def close(self) -> None:
        if self._stored:
            # Table statistics (sqlite_stat1), so the planner can pick e.g. the
            # articles_published index for "newest first". Bounded to a few ms, and
            # skipped rather than waited for when another writer holds the lock.
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("PRAGMA busy_timeout = 0")
                self.conn.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
                self.conn.execute("ANALYZE")
        self.conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what the linker reads -------------------------------------------------------

    def has_article(self, *, url: str | None, text_key: str) -> bool:
        """Whether an article with this URL or this normalised text is stored."""
        row = self.conn.execute(
            "SELECT 1 FROM articles WHERE text_key = ? OR (? IS NOT NULL AND url = ?) LIMIT 1",
            (text_key, url, url),
        ).fetchone()
        return row is not None

    def story_of(self, item: int) -> str:
        """The story id of the article with rowid ``item`` (a story posting's item)."""
        return self.conn.execute(
            "SELECT story_id FROM articles WHERE rowid = ?", (item,)
        ).fetchone()[0]

    # -- the linker's postings (saidwhat.link.postings.Postings) ---------------------

    def lookup(self, namespace: int, keys: Collection[int]) -> set[int]:
        """The items indexed under any of ``keys`` in ``namespace``."""
        return self._postings.lookup(namespace, keys, synced=self._batch)

    def prefetch(self, keys: Mapping[int, Collection[int]]) -> None:
        """Read the postings of ``keys`` ahead for this batch (only inside ``writing()``,
        which holds the write lock: nothing else changes them until it commits)."""
        if self._batch:
            self._postings.prefetch(keys)

    def story_signatures(self, items: Collection[int]) -> dict[int, bytes]:
        """The signature of each article by rowid (story items)."""
        return dict(self._by_ids("SELECT rowid, signature FROM articles WHERE rowid", items))

    def quote_variants(self, items: Collection[int]) -> dict[int, tuple[int, str]]:
        """``(cluster id, normalised words)`` of each quote variant by id (a row never
        changes, so a batch keeps those it read: a much-quoted cluster's variants are
        candidates again and again)."""
        if not self._batch:
            return self._read_variants(items)
        known = self._variants
        missing = [item for item in items if item not in known]
        if missing:
            known.update(self._read_variants(missing))
        return {item: known[item] for item in items if item in known}

    def _read_variants(self, items: Collection[int]) -> dict[int, tuple[int, str]]:
        rows = self._by_ids("SELECT id, cluster_id, text FROM quote_variants WHERE id", items)
        return {row[0]: (row[1], row[2]) for row in rows}

    def speaker_candidates(
        self, keys: Iterable[str], *, context: Collection[str] | None = None
    ) -> list[KnownSpeaker]:
        """The corpus speakers indexed under any of ``keys``, with their linking evidence
        (of their context names only those in ``context``, when given)."""
        keys = list(keys)
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        ids = [
            row[0]
            for row in self.conn.execute(
                f"SELECT DISTINCT speaker_id FROM speaker_keys WHERE key IN ({marks})", keys
            )
        ]
        return [self._known_speaker(i, context) for i in sorted(ids)]

    def _forget_reads(self) -> None:
        """Drop what the batch kept of its reads (at its start and end, and on a rollback)."""
        self._speakers.clear()
        self._variants.clear()

    def _known_speaker(self, speaker_id: int, context: Collection[str] | None) -> KnownSpeaker:
        record = self._speakers.get(speaker_id)
        if record is None:
            name, type_ = self.conn.execute(
                "SELECT name, type FROM speakers WHERE id = ?", (speaker_id,)
            ).fetchone()
            aliases = "SELECT alias FROM speaker_aliases WHERE speaker_id = ?"
            roles = "SELECT role FROM speaker_roles WHERE speaker_id = ?"
            record = (
                name,
                type_,
                frozenset(self._column(aliases, speaker_id)),
                frozenset(self._column(roles, speaker_id)),
            )
            if self._batch:  # kept for the batch, which holds the write lock
                self._speakers[speaker_id] = record
        name, type_, aliases, roles = record
        return KnownSpeaker(
            id=speaker_id,
            name=name,
            type=type_,
            aliases=set(aliases),
            roles=set(roles),
            context=self._context(speaker_id, context),
        )

    def _context(self, speaker_id: int, wanted: Collection[str] | None) -> set[str]:
        sql = "SELECT key FROM speaker_context WHERE speaker_id = ?"
        if wanted is None:
            return self._column(sql, speaker_id)
        found: set[str] = set()
        for chunk in in_chunks(list(wanted)):
            marks = ",".join("?" * len(chunk))
            found |= self._column(f"{sql} AND key IN ({marks})", speaker_id, *chunk)
        return found

    def _column(self, sql: str, *params: Any) -> set[str]:
        return {row[0] for row in self.conn.execute(sql, params)}

    # -- the one write path ----------------------------------------------------------

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """One transaction for the articles added inside (see ``Store.writing``); the
        write lock is taken at the start, so other writers wait for the commit."""
        if self._batch:
            yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._batch = True
        self._forget_reads()
        try:
            self._postings.begin()
            yield
            self._postings.end_write()
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:  # (a failed COMMIT may have ended it)
                self.conn.execute("ROLLBACK")
            self._postings.rolled_back()
            raise
        else:
            self._postings.committed()
        finally:
            self._batch = False
            self._forget_reads()

    def add_article(self, linked: LinkedArticle) -> dict[int, int]:
        """Store one article with its speakers, statements and clusters, in one transaction
        (a savepoint of the batch inside ``writing()``).

        Returns the quote clusters it opened, by attribution index. Raises
        ``DuplicateArticle`` when its URL or text is already stored.
        """
        conn = self.conn
        begin, commit, rollback = (
            ("SAVEPOINT article", "RELEASE article", "ROLLBACK TO article; RELEASE article")
            if self._batch
            else ("BEGIN IMMEDIATE", "COMMIT", "ROLLBACK")
        )
        conn.execute(begin)
        postings = self._postings
        if self._batch:
            undo = partial(postings.rollback_to, postings.savepoint())
        else:
            undo = postings.rolled_back
        try:
            if not self._batch:
                postings.begin()
            self._insert_article(linked)
            speakers = {ls.speaker.id: self._upsert_speaker(ls, linked) for ls in linked.speakers}
            clusters, rows = self._insert_attributions(linked, speakers)
            reported = self._count(linked.document, rows, opened=set(clusters.values()))
            self._total(linked, reported)
            if not self._batch:
                postings.end_write()
            conn.execute(commit)
        except sqlite3.IntegrityError as exc:
            _rollback(conn, rollback)
            undo()
            self._forget_reads()
            if "articles." in str(exc):
                raise DuplicateArticle(f"{linked.document.id}: already stored") from None
            raise
        except BaseException:
            _rollback(conn, rollback)
            undo()
            self._forget_reads()
            raise
        if not self._batch:
            postings.committed()
        self._stored = True
        return clusters

    def _insert_article(self, linked: LinkedArticle) -> None:
        d = linked.document
        # the article's count of statements: SQLite counts an outlet's or a period's from it
        values = article_values(linked) | {"statements": len(d.attributions)}
        cursor = self.conn.execute(insert_sql("articles", values, "?"), tuple(values.values()))
        self._add_keys(cursor.lastrowid, linked.story_keys)

    def _add_keys(self, item: int, keys: Iterable[tuple[int, int]], table: str = "") -> None:
        """Post ``item`` under ``keys``: in the postings log, or straight into ``table``
        (a rebuild's sorted scratch table)."""
        if not table:
            self._postings.add(item, keys)
            return
        self.conn.executemany(
            f"INSERT OR IGNORE INTO {table} (namespace, key, item) VALUES (?, ?, ?)",
            [(namespace, key, item) for namespace, key in keys],
        )

    def _add_variant(self, cluster_id: int, words: str) -> int | None:
        """Store ``words`` as a variant of the cluster; its id, or None if it is one already."""
        cursor = self.conn.execute(
            "INSERT INTO quote_variants (cluster_id, text) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (cluster_id, words),
        )
        return cursor.lastrowid if cursor.rowcount == 1 else None

    def _rebuild_link_keys(self) -> None:
        """Write the postings of every stored article and clustered quote, once, for a store
        migrated from schema version 3, in one transaction: the keys are collected in a
        temporary table and inserted into the index in key order (an external sort, not
        random inserts), about 2 ms per article with three quotes."""
        conn = self.conn
        if conn.execute("SELECT 1 FROM link_rebuild LIMIT 1").fetchone() is None:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("SELECT 1 FROM link_rebuild LIMIT 1").fetchone() is not None:
                table = "temp.new_link_keys"
                conn.execute(
                    f"CREATE TEMP TABLE {table} (namespace INTEGER, key INTEGER, item INTEGER)"
                )
                rows = conn.execute("SELECT rowid, signature FROM articles ORDER BY rowid")
                while batch := rows.fetchmany(1000):
                    for rowid, signature in batch:
                        if len(signature) == NUM_PERM * 8:  # else never matched
                            keys = story_keys(signature_from_bytes(signature))
                            self._add_keys(rowid, keys, table)
                rows = conn.execute(
                    "SELECT cluster_id, quote FROM attributions"
                    " WHERE cluster_id IS NOT NULL ORDER BY id"
                )
                while batch := rows.fetchmany(1000):
                    for cluster_id, quote in batch:
                        words = tuple(quote_words(quote or ""))
                        if len(words) < MIN_WORDS:
                            continue
                        item = self._add_variant(cluster_id, " ".join(words))
                        if item is not None:
                            self._add_keys(item, quote_keys(words).postings(), table)
                conn.execute(
                    f"INSERT OR IGNORE INTO link_keys SELECT * FROM {table} ORDER BY 1, 2, 3"
                )
                conn.execute(f"DROP TABLE {table}")
                conn.execute("DELETE FROM link_rebuild")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _upsert_speaker(self, ls: LinkedSpeaker, linked: LinkedArticle) -> int:
        conn, speaker = self.conn, ls.speaker
        if ls.corpus_id is not None:
            self._speakers.pop(ls.corpus_id, None)  # its name, aliases or roles may change
        if ls.corpus_id is None:
            speaker_id = conn.execute(
                "INSERT INTO speakers (name, type) VALUES (?, ?)", (speaker.name, speaker.type)
            ).lastrowid
        else:
            speaker_id = ls.corpus_id
            # The corpus name is the fullest name seen.
            conn.execute(
                """UPDATE speakers SET name = :name WHERE id = :id
                   AND length(:name) - length(replace(:name, ' ', ''))
                       > length(name) - length(replace(name, ' ', ''))""",
                {"name": speaker.name, "id": speaker_id},
            )
        conn.executemany(
            "INSERT OR IGNORE INTO speaker_keys (key, speaker_id) VALUES (?, ?)",
            [(key, speaker_id) for key in ls.keys],
        )
        conn.executemany(
            """INSERT INTO speaker_aliases (speaker_id, alias, count) VALUES (?, ?, 1)
               ON CONFLICT DO UPDATE SET count = count + 1""",
            [(speaker_id, alias) for alias in ls.aliases],
        )
        published = linked.document.published
        conn.executemany(
            """INSERT INTO speaker_roles (speaker_id, role, count, first_seen, last_seen)
               VALUES (?, ?, 1, ?, ?)
               ON CONFLICT DO UPDATE SET count = count + 1,
                   first_seen = min(coalesce(first_seen, excluded.first_seen),
                                    coalesce(excluded.first_seen, first_seen)),
                   last_seen = max(coalesce(last_seen, excluded.last_seen),
                                   coalesce(excluded.last_seen, last_seen))""",
            [(speaker_id, role, published, published) for role in speaker.roles],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO speaker_context (speaker_id, key) VALUES (?, ?)",
            [(speaker_id, key) for key in ls.context],
        )
        conn.executemany(
            "INSERT INTO mentions (article_id, speaker_id, local_id, spans, text)"
            " VALUES (?, ?, ?, ?, ?)",
            [(linked.id, speaker_id, speaker.id, spans_json(m), m.text) for m in speaker.mentions],
        )
        return speaker_id

    def _insert_attributions(
        self, linked: LinkedArticle, speakers: dict[str, int]
    ) -> tuple[dict[int, int], list[_Row]]:
        """Insert the statements; the quote clusters opened (by attribution index), and
        each statement's row id, speaker, cluster and quote (for ``_count``)."""
        conn = self.conn
        created: dict[int, int] = {}
        stored: list[_Row] = []
        words: list[tuple[int, str, str, str]] = []  # full-text rows
        about: list[tuple[int, str, str, str]] = []
        for index, attribution in enumerate(linked.document.attributions):
            quote = linked.quotes[index] if index < len(linked.quotes) else None
            cluster_id = None
            if quote is not None:
                cluster_id = quote.cluster_id
                if cluster_id is None and quote.same_as in created:
                    cluster_id = created[quote.same_as]
                elif cluster_id is None:  # reported by this article (``_count`` skips it)
                    cluster_id = conn.execute(
                        "INSERT INTO quote_clusters (text, articles, first_published)"
                        " VALUES (?, 1, ?)",
                        (quote.text, linked.document.published),
                    ).lastrowid
                    created[index] = cluster_id
                item = self._add_variant(cluster_id, quote.words) if quote.words else None
                if item is not None:
                    self._add_keys(item, quote.keys)
            ref = attribution.speaker
            speaker_id = speakers.get(ref.id) if ref is not None and ref.id else None
            values = attribution_values(
                linked.id, attribution, speaker_id, cluster_id, quote, linked.document.published
            ) | {"outlet": linked.document.outlet}  # the article's, as its date (migration 7)
            row_id = conn.execute(
                insert_sql("attributions", values, "?"), tuple(values.values())
            ).lastrowid
            stored.append(_Row(row_id, speaker_id, cluster_id, values["quote"]))
            source = text_of(attribution.source) or ""
            words.append((row_id, attribution.content.text, source, ref.name if ref else ""))
            keys = linked.about_keys[index] if index < len(linked.about_keys) else []
            about += [
                (row_id, e.name, e.type, key)
                for e, key in zip(attribution.about, keys, strict=False)
            ]
        # the article's statements at once (fewer calls into SQLite than one by one)
        conn.executemany(
            "INSERT INTO attributions_fts (rowid, content, source, speaker) VALUES (?, ?, ?, ?)",
            words,
        )
        conn.executemany(
            "INSERT INTO about (attribution_id, name, type, key) VALUES (?, ?, ?, ?)", about
        )
        conn.executemany(
            "INSERT OR IGNORE INTO about_names (name) VALUES (?)",
            [(name,) for name in dict.fromkeys(name for _, name, _, _ in about)],
        )
        return created, stored

    def _total(self, linked: LinkedArticle, reported: int) -> None:
        """Add a new article to the store's totals (``stats``); ``reported``: the quote
        clusters it made reported by two articles."""
        d = linked.document
        rows = [("articles", "", 1), ("language", d.language or "?", 1)]
        rows += [("statements", "", len(d.attributions))] if d.attributions else []
        rows += [("attributed", "", 1)] if linked.attributed else []
        if d.outlet is not None:
            rows.append(("outlet", d.outlet, 1))
            if d.attributions:
                rows.append(("outlet_statements", d.outlet, len(d.attributions)))
        if linked.story_id == linked.id:
            rows.append(("stories", "", 1))
        else:  # a story's second article makes it republished
            n = self.conn.execute(
                "SELECT count(*) FROM (SELECT 1 FROM articles WHERE story_id = ? LIMIT 3)",
                (linked.story_id,),
            ).fetchone()[0]
            rows += [("republished", "", 1)] if n == 2 else []
        kinds = Counter(attribution.kind for attribution in d.attributions)
        rows += [("kind", kind, n) for kind, n in kinds.items()]
        rows += [("clusters", "", reported)] if reported else []
        self.conn.executemany(
            """INSERT INTO totals (name, key, n) VALUES (?, ?, ?)
               ON CONFLICT DO UPDATE SET n = n + excluded.n""",
            rows,
        )

    def _count(self, document: Document, rows: list[_Row], opened: set[int]) -> int:
        """Add a new article's statements (``rows``) to their speakers' and quote
        clusters' running totals (but for the clusters it ``opened``, which start with
        it) and to the clusters' reports by wording and outlet; the clusters it made
        reported by two articles."""
        conn, published, outlet = self.conn, document.published, document.outlet or ""
        # Dates move only when the article has one (min/max of NULL would erase them).
        by_speaker = Counter(row.speaker_id for row in rows if row.speaker_id is not None)
        conn.executemany(
            """UPDATE speakers SET articles = articles + 1, statements = statements + :n,
                   first_seen = CASE WHEN :p IS NULL THEN first_seen
                                     ELSE min(coalesce(first_seen, :p), :p) END,
                   last_seen = CASE WHEN :p IS NULL THEN last_seen
                                    ELSE max(coalesce(last_seen, :p), :p) END
               WHERE id = :id""",
            [{"id": i, "n": n, "p": published} for i, n in by_speaker.items()],
        )
        reported = 0
        clusters = [row.cluster_id for row in rows if row.cluster_id is not None]
        for cluster_id in dict.fromkeys(c for c in clusters if c not in opened):
            reported += conn.execute(
                """UPDATE quote_clusters SET articles = articles + 1,
                       first_published = CASE WHEN :p IS NULL THEN first_published
                                              ELSE min(coalesce(first_published, :p), :p) END
                   WHERE id = :id RETURNING articles = 2""",
                {"id": cluster_id, "p": published},
            ).fetchone()[0]
        reports: dict[tuple[int, str], list[int]] = {}
        for row in rows:
            if row.cluster_id is not None:
                reports.setdefault((row.cluster_id, row.quote), []).append(row.id)
        conn.executemany(
            """INSERT INTO cluster_reports
                   (cluster_id, quote, outlet, reports, first_published, first_statement)
               VALUES (:cluster, :quote, :outlet, :n, :p, :first)
               ON CONFLICT (cluster_id, quote, outlet) DO UPDATE SET
                   reports = reports + excluded.reports,
                   first_published = CASE WHEN :p IS NULL THEN first_published
                                          ELSE min(coalesce(first_published, :p), :p) END,
                   first_statement = min(first_statement, excluded.first_statement)""",
            [
                {
                    "cluster": cluster,
                    "quote": quote,
                    "outlet": outlet,
                    "n": len(ids),
                    "p": published,
                    "first": min(ids),
                }
                for (cluster, quote), ids in reports.items()
            ],
        )
        return reported


class _Row(NamedTuple):
    """A statement as stored: what the running totals need of it."""

    id: int
    speaker_id: int | None
    cluster_id: int | None
    quote: str | None


def _rollback(conn: sqlite3.Connection, statements: str) -> None:
    for statement in statements.split("; "):
        conn.execute(statement)
