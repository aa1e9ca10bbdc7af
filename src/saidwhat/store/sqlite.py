"""The embedded store: one SQLite file (WAL mode) holding the corpus.

``SQLiteStore`` is the only code that touches SQL. Writes go through
``add_article``, one transaction per article, so a run killed at any moment
leaves whole articles or none. Reads return the dataclasses of ``saidwhat.model``.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from saidwhat.errors import NotFoundError, StoreError
from saidwhat.link import KnownSpeaker, quote_words, word_diff
from saidwhat.link.quotes import MIN_WORDS, quote_keys
from saidwhat.link.stories import NUM_PERM, signature_from_bytes, story_keys
from saidwhat.model import (
    Attribution,
    CorpusSpeaker,
    Document,
    EntityRef,
    LinkedArticle,
    LinkedSpeaker,
    QuoteCluster,
    QuoteOccurrence,
    QuoteVariant,
    RoleSeen,
    Speaker,
    SpeakerProfile,
    Statement,
    TextSpan,
)
from saidwhat.store.filters import LIKE, QuoteFilter, contains
from saidwhat.store.migrations import MIGRATIONS, migrate, version

__all__ = ["DuplicateArticle", "SQLiteStore"]

#: Seconds a writer waits for another connection's lock before giving up.
BUSY_TIMEOUT = 30.0
#: WAL pages after which a commit checkpoints the WAL into the database file.
WAL_CHECKPOINT_PAGES = 10_000
#: Rows of each index ANALYZE reads when a writable store is closed (0 would be all).
ANALYSIS_LIMIT = 1000


class DuplicateArticle(StoreError):
    """The article (same URL or same normalised text) is already stored."""


_STATEMENT_COLUMNS = """
    a.id, a.article_id, a.kind, a.content, a.content_spans, a.cue, a.cue_spans,
    a.source, a.source_spans, a.speaker_id, COALESCE(s.name, a.speaker_name),
    COALESCE(s.type, a.speaker_type), a.confidence, a.cluster_id,
    r.title, r.url, r.outlet, r.published
"""
_STATEMENT_FROM = """
    FROM attributions a
    JOIN articles r ON r.id = a.article_id
    LEFT JOIN speakers s ON s.id = a.speaker_id
"""


class SQLiteStore:
    """A saidwhat corpus in one SQLite file; created and migrated on open."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        #: Whether this connection stored an article (then ``close`` updates the statistics).
        self._stored = False
        if readonly and not self.path.exists():
            raise NotFoundError(f"{self.path}: no such store (run `saidwhat ingest` first)")
        # A URI (escaped: "#" or "?" in a file name would cut it) opens the file read-only.
        uri = f"{self.path.resolve().as_uri()}?mode=ro" if readonly else str(self.path)
        try:
            self.conn = sqlite3.connect(
                uri,
                uri=readonly,
                timeout=BUSY_TIMEOUT,
                isolation_level=None,
                check_same_thread=False,
            )
            self._refuse_foreign()
            if not readonly:
                self.conn.execute("PRAGMA journal_mode = WAL")
                # NORMAL in WAL mode: a committed article survives a killed process.
                self.conn.execute("PRAGMA synchronous = NORMAL")
                # Checkpoint (and fsync) every ~40 MiB of WAL rather than 4 MiB: an article's
                # link keys touch a few hundred scattered index pages, and checkpointing them
                # every few articles doubled the write time.
                self.conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
                migrate(self.conn)
                self._rebuild_link_keys()
            if readonly and version(self.conn) != len(MIGRATIONS):
                # A store written by an older saidwhat: migrate it once, then read it (a
                # newer one is refused by the migration).
                self.conn.close()
                SQLiteStore(self.path).close()
                self.conn = sqlite3.connect(
                    uri,
                    uri=True,
                    timeout=BUSY_TIMEOUT,
                    isolation_level=None,
                    check_same_thread=False,
                )
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._check_schema()
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
        found: set[int] = set()
        for chunk in _chunks(list(keys)):
            marks = ",".join("?" * len(chunk))
            found.update(
                row[0]
                for row in self.conn.execute(
                    f"SELECT item FROM link_keys WHERE namespace = ? AND key IN ({marks})",
                    (namespace, *chunk),
                )
            )
        return found

    def story_signatures(self, items: Collection[int]) -> dict[int, bytes]:
        """The signature of each article by rowid (story items)."""
        return dict(self._by_ids("SELECT rowid, signature FROM articles WHERE rowid", items))

    def quote_variants(self, items: Collection[int]) -> dict[int, tuple[int, str]]:
        """``(cluster id, normalised words)`` of each quote variant by id."""
        rows = self._by_ids("SELECT id, cluster_id, text FROM quote_variants WHERE id", items)
        return {row[0]: (row[1], row[2]) for row in rows}

    def _by_ids(self, sql: str, ids: Collection[int]) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        for chunk in _chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            rows += self.conn.execute(f"{sql} IN ({marks})", chunk).fetchall()
        return rows

    def speaker_candidates(self, keys: Iterable[str]) -> list[KnownSpeaker]:
        """The corpus speakers indexed under any of ``keys``, with their linking evidence."""
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
        return [self._known_speaker(i) for i in sorted(ids)]

    def _known_speaker(self, speaker_id: int) -> KnownSpeaker:
        name, type_ = self.conn.execute(
            "SELECT name, type FROM speakers WHERE id = ?", (speaker_id,)
        ).fetchone()
        return KnownSpeaker(
            id=speaker_id,
            name=name,
            type=type_,
            aliases=self._column(
                "SELECT alias FROM speaker_aliases WHERE speaker_id = ?", speaker_id
            ),
            roles=self._column("SELECT role FROM speaker_roles WHERE speaker_id = ?", speaker_id),
            context=self._column(
                "SELECT key FROM speaker_context WHERE speaker_id = ?", speaker_id
            ),
        )

    def _column(self, sql: str, *params: Any) -> set[str]:
        return {row[0] for row in self.conn.execute(sql, params)}

    # -- the one write path ----------------------------------------------------------

    def add_article(self, linked: LinkedArticle) -> dict[int, int]:
        """Store one article with its speakers, statements and clusters, in one transaction.

        Returns the quote clusters it opened, by attribution index. Raises
        ``DuplicateArticle`` when its URL or text is already stored.
        """
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            self._insert_article(linked)
            speakers = {ls.speaker.id: self._upsert_speaker(ls, linked) for ls in linked.speakers}
            clusters = self._insert_attributions(linked, speakers)
            self._count(linked.id, linked.document.published)
            conn.execute("COMMIT")
            self._stored = True
        except sqlite3.IntegrityError as exc:
            conn.execute("ROLLBACK")
            if "articles." in str(exc):
                raise DuplicateArticle(f"{linked.document.id}: already stored") from None
            raise
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return clusters

    def _insert_article(self, linked: LinkedArticle) -> None:
        d = linked.document
        cursor = self.conn.execute(
            """INSERT INTO articles (id, text_key, url, source_id, path, title, author, outlet,
                   published, language, attributed, text, signature, story_id)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                linked.id,
                linked.text_key,
                d.url,
                d.id,
                d.path,
                d.title,
                d.author,
                d.outlet,
                d.published,
                d.language,
                int(linked.attributed),
                d.text,
                linked.signature,
                linked.story_id,
            ),
        )
        self.conn.execute(
            "INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
            (cursor.lastrowid, d.title or "", d.text),
        )
        self._add_keys(cursor.lastrowid, linked.story_keys)

    def _add_keys(
        self, item: int, keys: Iterable[tuple[int, int]], table: str = "link_keys"
    ) -> None:
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
                conn.execute(
                    "CREATE TEMP TABLE new_link_keys (namespace INTEGER, key INTEGER, item INTEGER)"
                )
                rows = conn.execute("SELECT rowid, signature FROM articles ORDER BY rowid")
                while batch := rows.fetchmany(1000):
                    for rowid, signature in batch:
                        if len(signature) == NUM_PERM * 8:  # else never matched
                            keys = story_keys(signature_from_bytes(signature))
                            self._add_keys(rowid, keys, "temp.new_link_keys")
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
                            keys = quote_keys(words).postings()
                            self._add_keys(item, keys, "temp.new_link_keys")
                conn.execute(
                    "INSERT OR IGNORE INTO link_keys"
                    " SELECT * FROM temp.new_link_keys ORDER BY 1, 2, 3"
                )
                conn.execute("DROP TABLE temp.new_link_keys")
                conn.execute("DELETE FROM link_rebuild")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _upsert_speaker(self, ls: LinkedSpeaker, linked: LinkedArticle) -> int:
        conn, speaker = self.conn, ls.speaker
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
                   first_seen = min(coalesce(first_seen, excluded.first_seen), excluded.first_seen),
                   last_seen = max(coalesce(last_seen, excluded.last_seen), excluded.last_seen)""",
            [(speaker_id, role, published, published) for role in speaker.roles],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO speaker_context (speaker_id, key) VALUES (?, ?)",
            [(speaker_id, key) for key in ls.context],
        )
        conn.executemany(
            "INSERT INTO mentions (article_id, speaker_id, local_id, spans, text)"
            " VALUES (?, ?, ?, ?, ?)",
            [(linked.id, speaker_id, speaker.id, _spans_json(m), m.text) for m in speaker.mentions],
        )
        return speaker_id

    def _insert_attributions(
        self, linked: LinkedArticle, speakers: dict[str, int]
    ) -> dict[int, int]:
        conn = self.conn
        created: dict[int, int] = {}
        for index, attribution in enumerate(linked.document.attributions):
            quote = linked.quotes[index] if index < len(linked.quotes) else None
            cluster_id = None
            if quote is not None:
                cluster_id = quote.cluster_id
                if cluster_id is None and quote.same_as in created:
                    cluster_id = created[quote.same_as]
                elif cluster_id is None:
                    cluster_id = conn.execute(
                        "INSERT INTO quote_clusters (text) VALUES (?)", (quote.text,)
                    ).lastrowid
                    created[index] = cluster_id
                item = self._add_variant(cluster_id, quote.words) if quote.words else None
                if item is not None:
                    self._add_keys(item, quote.keys)
            ref = attribution.speaker
            speaker_id = speakers.get(ref.id) if ref is not None and ref.id else None
            row_id = conn.execute(
                """INSERT INTO attributions (article_id, kind, content, content_spans, cue,
                       cue_spans, source, source_spans, speaker_id, speaker_name, speaker_type,
                       confidence, cluster_id, quote)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    linked.id,
                    attribution.kind,
                    attribution.content.text,
                    _spans_json(attribution.content),
                    _text(attribution.cue),
                    _spans_json(attribution.cue),
                    _text(attribution.source),
                    _spans_json(attribution.source),
                    speaker_id,
                    ref.name if ref else None,
                    ref.type if ref else None,
                    attribution.confidence,
                    cluster_id,
                    quote.text if quote else None,
                ),
            ).lastrowid
            conn.execute(
                "INSERT INTO attributions_fts (rowid, content, source, speaker)"
                " VALUES (?, ?, ?, ?)",
                (
                    row_id,
                    attribution.content.text,
                    _text(attribution.source) or "",
                    ref.name if ref else "",
                ),
            )
            keys = linked.about_keys[index] if index < len(linked.about_keys) else []
            conn.executemany(
                "INSERT INTO about (attribution_id, name, type, key) VALUES (?, ?, ?, ?)",
                [
                    (row_id, e.name, e.type, key)
                    for e, key in zip(attribution.about, keys, strict=False)
                ],
            )
        return created

    # -- reads -----------------------------------------------------------------------

    def quotes(
        self, where: QuoteFilter | None = None, *, limit: int = 50, offset: int = 0
    ) -> list[Statement]:
        """Statements matching ``where``, newest first (undated last)."""
        where = where or QuoteFilter()
        sql, params = where.sql()
        # With table statistics SQLite may walk the articles newest first (articles_published)
        # and test each statement, which is quick unless the filter keeps few of them; then
        # the unary + keeps the index out of the ORDER BY, and the matches are sorted.
        published = "+r.published" if where.narrows_statements else "r.published"
        rows = self.conn.execute(
            f"SELECT {_STATEMENT_COLUMNS} {_STATEMENT_FROM} WHERE {sql}"
            f" ORDER BY {published} DESC NULLS LAST, a.id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        return self._statements(rows)

    def count_quotes(self, where: QuoteFilter | None = None) -> int:
        where = where or QuoteFilter()
        sql, params = where.sql()
        # Every statement has its article (a foreign key) and speakers are a LEFT JOIN, so
        # the joins change no count: they are only made when the filter reads the article.
        tables = _STATEMENT_FROM if where.reads_articles else "FROM attributions a"
        return self.conn.execute(f"SELECT count(*) {tables} WHERE {sql}", params).fetchone()[0]

    def iter_statements(self, *, batch: int = 1000) -> Iterator[Statement]:
        """Every statement in storage order, read in batches (for exports)."""
        last = 0
        while True:
            rows = self.conn.execute(
                f"SELECT {_STATEMENT_COLUMNS} {_STATEMENT_FROM} WHERE a.id > ?"
                " ORDER BY a.id LIMIT ?",
                (last, batch),
            ).fetchall()
            if not rows:
                return
            yield from self._statements(rows)
            last = rows[-1][0]

    def _statements(self, rows: Sequence[tuple[Any, ...]]) -> list[Statement]:
        about = self._about([row[0] for row in rows])
        return [_statement(row, about.get(row[0], [])) for row in rows]

    def _about(self, attribution_ids: list[int]) -> dict[int, list[EntityRef]]:
        found: dict[int, list[EntityRef]] = {}
        for start in range(0, len(attribution_ids), 500):
            chunk = attribution_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for aid, name, type_ in self.conn.execute(
                f"SELECT attribution_id, name, type FROM about WHERE attribution_id IN ({marks})",
                chunk,
            ):
                found.setdefault(aid, []).append(EntityRef(name=name, type=type_))
        return found

    def _count(self, article_id: str, published: str | None) -> None:
        """Add a new article to its speakers' and quote clusters' running totals."""
        # Dates move only when the article has one (min/max of NULL would erase them).
        self.conn.execute(
            """UPDATE speakers SET articles = articles + 1, statements = statements + n,
                   first_seen = CASE WHEN :p IS NULL THEN first_seen
                                     ELSE min(coalesce(first_seen, :p), :p) END,
                   last_seen = CASE WHEN :p IS NULL THEN last_seen
                                    ELSE max(coalesce(last_seen, :p), :p) END
               FROM (SELECT speaker_id AS key, count(*) AS n FROM attributions
                     WHERE article_id = :a AND speaker_id IS NOT NULL GROUP BY speaker_id)
               WHERE id = key""",
            {"a": article_id, "p": published},
        )
        self.conn.execute(
            """UPDATE quote_clusters SET articles = articles + 1,
                   first_published = CASE WHEN :p IS NULL THEN first_published
                                          ELSE min(coalesce(first_published, :p), :p) END
               WHERE id IN (SELECT cluster_id FROM attributions
                            WHERE article_id = :a AND cluster_id IS NOT NULL)""",
            {"a": article_id, "p": published},
        )

    def speakers(
        self, query: str | None = None, *, limit: int = 50, offset: int = 0
    ) -> list[CorpusSpeaker]:
        """Corpus speakers (whose name or an alias contains ``query``), most quoted first."""
        where, params = _speaker_where(query)
        rows = self.conn.execute(
            f"""SELECT s.id FROM speakers s {where}
                ORDER BY s.statements DESC, s.name LIMIT ? OFFSET ?""",
            (*params, limit, offset),
        ).fetchall()
        return [self.speaker(row[0]) for row in rows]

    def count_speakers(self, query: str | None = None) -> int:
        """How many corpus speakers ``speakers(query)`` pages through."""
        where, params = _speaker_where(query)
        return self.conn.execute(f"SELECT count(*) FROM speakers s {where}", params).fetchone()[0]

    def speaker(self, speaker_id: int) -> CorpusSpeaker:
        """One corpus speaker with aliases, roles (with dates), counts, first and last seen."""
        row = self.conn.execute(
            "SELECT name, type, statements, articles, first_seen, last_seen FROM speakers"
            " WHERE id = ?",
            (speaker_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no speaker {speaker_id}")
        statements, articles, first, last = row[2:]
        aliases = [
            r[0]
            for r in self.conn.execute(
                "SELECT alias FROM speaker_aliases WHERE speaker_id = ? ORDER BY count DESC, alias",
                (speaker_id,),
            )
        ]
        roles = [
            RoleSeen(*r)
            for r in self.conn.execute(
                """SELECT role, count, first_seen, last_seen FROM speaker_roles
               WHERE speaker_id = ? ORDER BY count DESC, role""",
                (speaker_id,),
            )
        ]
        return CorpusSpeaker(
            id=speaker_id,
            name=row[0],
            type=row[1],
            aliases=aliases,
            roles=roles,
            statements=statements,
            articles=articles,
            first_seen=first,
            last_seen=last,
        )

    def speaker_profile(self, speaker_id: int, *, top: int = 10) -> SpeakerProfile:
        """A speaker with statements per month, the outlets quoting them and their topics."""
        speaker = self.speaker(speaker_id)
        by_month = self.conn.execute(
            """SELECT substr(r.published, 1, 7) AS month, count(*) FROM attributions a
               JOIN articles r ON r.id = a.article_id
               WHERE a.speaker_id = ? AND r.published IS NOT NULL
               GROUP BY month ORDER BY month""",
            (speaker_id,),
        ).fetchall()
        outlets = self.conn.execute(
            """SELECT coalesce(r.outlet, '?'), count(*) AS n FROM attributions a
               JOIN articles r ON r.id = a.article_id WHERE a.speaker_id = ?
               GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?""",
            (speaker_id, top),
        ).fetchall()
        about = self.conn.execute(
            """SELECT min(b.name), min(b.type), count(DISTINCT b.attribution_id) AS n
               FROM about b JOIN attributions a ON a.id = b.attribution_id
               WHERE a.speaker_id = ? GROUP BY b.key ORDER BY n DESC, 1 LIMIT ?""",
            (speaker_id, top),
        ).fetchall()
        return SpeakerProfile(speaker, by_month, outlets, about)

    def article(self, article_id: str) -> tuple[Document, list[Statement], str]:
        """The stored article (its text and metadata), its statements, and its story id."""
        row = self.conn.execute(
            """SELECT id, text, path, title, url, published, outlet, author, language, story_id,
                      source_id
               FROM articles WHERE id = ?""",
            (article_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no article {article_id!r}")
        document = Document(
            id=row[0],
            text=row[1],
            path=row[2],
            title=row[3],
            url=row[4],
            published=row[5],
            outlet=row[6],
            author=row[7],
            language=row[8],
            derived_text=True,
        )
        rows = self.conn.execute(
            f"SELECT {_STATEMENT_COLUMNS} {_STATEMENT_FROM} WHERE a.article_id = ? ORDER BY a.id",
            (article_id,),
        ).fetchall()
        statements = self._statements(rows)
        document.attributions = [s.attribution for s in statements]
        document.speakers = self._article_speakers(article_id)
        return document, statements, row[9]

    def _article_speakers(self, article_id: str) -> list[Speaker]:
        speakers: dict[int, Speaker] = {}
        for speaker_id, name, type_, spans, text in self.conn.execute(
            """SELECT m.speaker_id, s.name, s.type, m.spans, m.text FROM mentions m
               JOIN speakers s ON s.id = m.speaker_id WHERE m.article_id = ? ORDER BY m.rowid""",
            (article_id,),
        ):
            speaker = speakers.setdefault(speaker_id, Speaker(str(speaker_id), name, type_))
            speaker.mentions.append(TextSpan(_spans(spans), text))
        return list(speakers.values())

    def story(self, story_id: str) -> list[tuple[str, str | None, str | None, str | None]]:
        """``(article_id, outlet, published, title)`` of a story's articles, earliest first."""
        return self.conn.execute(
            """SELECT id, outlet, published, title FROM articles WHERE story_id = ?
               ORDER BY published NULLS LAST, rowid""",
            (story_id,),
        ).fetchall()

    def cluster(self, cluster_id: int, *, occurrences: int | None = None) -> QuoteCluster:
        """A quote cluster: its occurrences, first appearance first (the first
        ``occurrences`` of them, or all), totals, and every wording with its word diff."""
        totals = self.conn.execute(
            """SELECT count(*), count(DISTINCT r.outlet) FROM attributions a
               JOIN articles r ON r.id = a.article_id WHERE a.cluster_id = ?""",
            (cluster_id,),
        ).fetchone()
        if not totals[0]:
            raise NotFoundError(f"no quote cluster {cluster_id}")
        rows = self.conn.execute(
            """SELECT a.id, a.article_id, a.quote, r.outlet, r.url, r.published,
                      a.speaker_id, COALESCE(s.name, a.speaker_name),
                      COALESCE(s.type, a.speaker_type)
               FROM attributions a JOIN articles r ON r.id = a.article_id
               LEFT JOIN speakers s ON s.id = a.speaker_id
               WHERE a.cluster_id = ? ORDER BY r.published NULLS LAST, r.rowid, a.id LIMIT ?""",
            (cluster_id, -1 if occurrences is None else occurrences),
        ).fetchall()
        found = [
            QuoteOccurrence(
                statement_id=r[0],
                article_id=r[1],
                text=r[2],
                outlet=r[3],
                url=r[4],
                published=r[5],
                speaker=EntityRef(r[7], r[8], str(r[6]) if r[6] is not None else None)
                if r[7]
                else None,
            )
            for r in rows
        ]
        wordings = self.conn.execute(
            # Outlets in order of publication (the subquery's order feeds group_concat;
            # ``_variants`` drops repeats).
            """SELECT quote, count(*), group_concat(outlet, char(31)) FROM (
                   SELECT a.quote, a.id, r.outlet, r.published FROM attributions a
                   JOIN articles r ON r.id = a.article_id WHERE a.cluster_id = ?
                   ORDER BY r.published NULLS LAST, a.id)
               GROUP BY quote ORDER BY min(published) NULLS LAST, min(id)""",
            (cluster_id,),
        ).fetchall()
        return QuoteCluster(
            id=cluster_id,
            text=found[0].text,
            occurrences=found,
            variants=_variants(found[0].text, wordings),
            size=totals[0],
            outlets=totals[1],
        )

    def clusters(
        self, *, limit: int = 20, min_size: int = 2, occurrences: int = 10
    ) -> list[QuoteCluster]:
        """The most reported quotes (by number of articles), each with its first
        ``occurrences`` occurrences."""
        ids = self.conn.execute(
            """SELECT id FROM quote_clusters WHERE articles >= ?
               ORDER BY articles DESC, first_published LIMIT ?""",
            (min_size, limit),
        ).fetchall()
        return [self.cluster(row[0], occurrences=occurrences) for row in ids]

    def stats(self) -> dict[str, Any]:
        """Counts of what the store holds."""
        one = self._scalar
        return {
            "articles": one("SELECT count(*) FROM articles"),
            "attributed_articles": one("SELECT count(*) FROM articles WHERE attributed"),
            "languages": dict(
                self.conn.execute(
                    "SELECT coalesce(language, '?'), count(*) FROM articles"
                    " GROUP BY 1 ORDER BY 2 DESC"
                ).fetchall()
            ),
            "outlets": one("SELECT count(DISTINCT outlet) FROM articles"),
            "stories": one("SELECT count(DISTINCT story_id) FROM articles"),
            "republished_stories": one(
                "SELECT count(*) FROM (SELECT story_id FROM articles GROUP BY story_id"
                " HAVING count(*) > 1)"
            ),
            "statements": one("SELECT count(*) FROM attributions"),
            "kinds": dict(
                self.conn.execute(
                    "SELECT kind, count(*) FROM attributions GROUP BY kind ORDER BY 2 DESC"
                ).fetchall()
            ),
            "speakers": one("SELECT count(*) FROM speakers"),
            "quote_clusters": one("SELECT count(*) FROM quote_clusters WHERE articles > 1"),
            "first_published": one("SELECT min(published) FROM articles"),
            "last_published": one("SELECT max(published) FROM articles"),
        }

    def _scalar(self, sql: str) -> Any:
        return self.conn.execute(sql).fetchone()[0]


def _chunks(values: list[Any], size: int = 500) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _speaker_where(query: str | None) -> tuple[str, list[Any]]:
    """The WHERE clause (over ``s`` speakers) matching ``query`` in the name or an alias."""
    if not query:
        return "", []
    where = f"WHERE s.id IN (SELECT speaker_id FROM speaker_aliases WHERE alias {LIKE})"
    return f"{where} OR s.name {LIKE}", [contains(query)] * 2


def _text(span: TextSpan | None) -> str | None:
    return span.text if span is not None else None


def _spans_json(span: TextSpan | None) -> str | None:
    return json.dumps([list(s) for s in span.spans]) if span is not None else None


def _spans(data: str) -> tuple[tuple[int, int], ...]:
    return tuple((s, e) for s, e in json.loads(data))


def _part(text: str | None, spans: str | None) -> TextSpan | None:
    return TextSpan(_spans(spans), text) if text is not None and spans else None


def _statement(row: tuple[Any, ...], about: list[EntityRef]) -> Statement:
    (
        aid,
        article_id,
        kind,
        content,
        content_spans,
        cue,
        cue_spans,
        source,
        source_spans,
        speaker_id,
        speaker_name,
        speaker_type,
        confidence,
        cluster_id,
        title,
        url,
        outlet,
        published,
    ) = row
    speaker = None
    if speaker_name:
        speaker = EntityRef(
            speaker_name, speaker_type, str(speaker_id) if speaker_id is not None else None
        )
    attribution = Attribution(
        kind=kind,
        content=TextSpan(_spans(content_spans), content),
        cue=_part(cue, cue_spans),
        source=_part(source, source_spans),
        speaker=speaker,
        about=about,
        confidence=confidence,
    )
    return Statement(
        id=aid,
        article_id=article_id,
        attribution=attribution,
        title=title,
        url=url,
        outlet=outlet,
        published=published,
        cluster_id=cluster_id,
    )


def _variants(base: str, wordings: list[tuple[str, int, str | None]]) -> list[QuoteVariant]:
    """Each distinct wording (by normalised words), earliest first, with its word diff from
    ``base``; ``wordings`` are ``(text, occurrences, outlets joined by U+001F)``."""
    grouped: dict[tuple[str, ...], list[tuple[str, int, str | None]]] = {}
    for wording in wordings:
        grouped.setdefault(tuple(quote_words(wording[0])), []).append(wording)
    return [
        QuoteVariant(
            text=group[0][0],
            diff=tuple(word_diff(base, group[0][0])),
            occurrences=sum(n for _, n, _ in group),
            outlets=tuple(
                dict.fromkeys(o for _, _, outs in group for o in (outs or "").split("\x1f") if o)
            ),
        )
        for group in grouped.values()
    ]
