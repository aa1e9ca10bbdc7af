"""The store's read queries: statements, speakers, articles, stories, quote clusters, stats.

``Reads`` is part of ``SQLiteStore`` (its one connection is ``self.conn``); reads
return the dataclasses of ``saidwhat.model``.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Collection, Iterator, Sequence
from typing import Any

from saidwhat.errors import NotFoundError
from saidwhat.model import (
    CorpusSpeaker,
    Document,
    EntityRef,
    QuoteCluster,
    QuoteOccurrence,
    RoleSeen,
    Speaker,
    SpeakerProfile,
    Statement,
    TextSpan,
)
from saidwhat.store.filters import QuoteFilter
from saidwhat.store.rows import ARTICLE_COLUMNS
from saidwhat.store.rows import STATEMENT_COLUMNS as _STATEMENT_COLUMNS
from saidwhat.store.rows import STATEMENT_FROM as _STATEMENT_FROM
from saidwhat.store.rows import document as _document
from saidwhat.store.rows import spans_of as _spans
from saidwhat.store.rows import speaker_ref as _speaker_ref
from saidwhat.store.rows import statement as _statement
from saidwhat.store.rows import variants as _variants
from saidwhat.store.sql_filters import LAST_CHAR
from saidwhat.store.sqlite_filters import LIKE, contains, filter_sql, fts_query

#: Fewest matches for which a search walks the statements newest first (see ``_walk``).
WALK_AT_LEAST = 1000


class Reads:
    """Read queries over ``self.conn``."""

    conn: sqlite3.Connection

    def quotes(
        self, where: QuoteFilter | None = None, *, limit: int = 50, offset: int = 0
    ) -> list[Statement]:
        """Statements matching ``where``, newest first (undated last).

        Two plans: walk the statements newest first (the ``attributions_published`` index),
        testing each, which is quick when many match; or find the matches through the
        filter's own index (speaker, words, ``about``, ...) and sort them, quick when few
        do. SQLite cannot tell which, so a capped count decides (``_walk``).
        """
        where = where or QuoteFilter()
        sql, params = filter_sql(where)
        walk = not where.narrows_statements or self._walk(where, sql, params, offset + limit)
        table = "attributions a INDEXED BY attributions_published" if walk else "attributions a"
        # the unary + keeps the index out of a sort
        published = "a.published" if walk else "+a.published"
        rows = self.conn.execute(
            f"SELECT {_STATEMENT_COLUMNS} {_STATEMENT_FROM.replace('attributions a', table, 1)}"
            f" WHERE {sql} ORDER BY {published} DESC NULLS LAST, a.id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        return self._statements(rows)

    def _walk(self, where: QuoteFilter, sql: str, params: list[Any], needed: int) -> bool:
        """Whether walking the statements newest first finds the first ``needed`` matches
        sooner than sorting every match: when the matches are at least the square root of
        ``needed`` times all statements (then a walk reads about as many statements as
        there are matches to sort, or fewer). Counts no further than that."""
        everything = self._all_statements()
        enough = max(WALK_AT_LEAST, math.isqrt(needed * everything))
        tables = _STATEMENT_FROM if where.reads_articles else "FROM attributions a"
        found = self.conn.execute(
            f"SELECT count(*) FROM (SELECT 1 {tables} WHERE {sql} LIMIT ?)", (*params, enough)
        ).fetchone()[0]
        return found >= enough

    def count_quotes(self, where: QuoteFilter | None = None) -> int:
        where = where or QuoteFilter()
        total = self._running_count(where)
        if total is not None:
            return total
        sql, params = filter_sql(where)
        # Every statement has its article (a foreign key) and speakers are a LEFT JOIN, so
        # the joins change no count: they are only made when the filter reads the article.
        tables = _STATEMENT_FROM if where.reads_articles else "FROM attributions a"
        return self.conn.execute(f"SELECT count(*) {tables} WHERE {sql}", params).fetchone()[0]

    def _running_count(self, where: QuoteFilter) -> int | None:
        """The count of a filter of one field that the running totals or one index
        answer without reading statements (None for the others): every statement, a
        speaker's by name (the corpus speakers' totals, and the unlinked sources' index),
        the words (the full-text index has one row per statement), an outlet's or a
        period's (the articles' counts, on the (date, outlet, count) index)."""
        fields = {
            k
            for k in ("about", "q", "kind", "outlet", "since", "until", "article")
            if getattr(where, k)
        }
        named = isinstance(where.speaker, str) and bool(where.speaker)
        fields |= {"speaker"} if where.speaker_id is not None or named else set()
        fields |= {"cluster"} if where.cluster is not None else set()
        fields |= {"min_confidence"} if where.min_confidence else set()
        if not fields:
            return self._all_statements()
        if fields <= {"outlet", "since", "until"}:
            clauses, params = [], []
            if where.outlet:
                clauses.append(f"outlet {LIKE}")
                params.append(contains(where.outlet))
            if where.since:
                clauses.append("published >= ?")
                params.append(where.since)
            if where.until:
                clauses.append("published < ?")
                params.append(where.until + LAST_CHAR)
            return self.conn.execute(
                "SELECT coalesce(sum(statements), 0) FROM articles INDEXED BY"
                f" articles_published_outlet WHERE {' AND '.join(clauses)}",
                params,
            ).fetchone()[0]
        if fields == {"q"} and (query := fts_query(where.q or "")):
            return self.conn.execute(
                "SELECT count(*) FROM attributions_fts WHERE attributions_fts MATCH ?", (query,)
            ).fetchone()[0]
        if fields == {"speaker"} and where.speaker_id is None:
            pattern = contains(str(where.speaker))
            return self.conn.execute(
                f"""SELECT (SELECT coalesce(sum(statements), 0) FROM speakers WHERE id IN
                        (SELECT speaker_id FROM speaker_aliases WHERE alias {LIKE}
                         UNION SELECT id FROM speakers WHERE name {LIKE}))
                     + (SELECT count(*) FROM attributions INDEXED BY attributions_unlinked
                        WHERE speaker_id IS NULL AND speaker_name {LIKE})""",
                (pattern, pattern, pattern),
            ).fetchone()[0]
        return None

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
        sql = "SELECT attribution_id, name, type FROM about WHERE attribution_id"
        for aid, name, type_ in self._by_ids(sql, attribution_ids):
            found.setdefault(aid, []).append(EntityRef(name=name, type=type_))
        return found

    def _by_ids(self, sql: str, ids: Collection[Any]) -> list[tuple[Any, ...]]:
        """The rows of ``sql`` (ending in the column to match) ``IN`` ``ids``, in chunks
        within SQLite's limit on parameters."""
        rows: list[tuple[Any, ...]] = []
        for chunk in in_chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            rows += self.conn.execute(f"{sql} IN ({marks})", chunk).fetchall()
        return rows

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
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no article {article_id!r}")
        document = _document(row)
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
            """SELECT sum(reports), count(DISTINCT nullif(outlet, '')) FROM cluster_reports
               WHERE cluster_id = ?""",
            (cluster_id,),
        ).fetchone()
        if not totals[0]:
            raise NotFoundError(f"no quote cluster {cluster_id}")
        rows = self.conn.execute(
            # The first occurrences are the first entries of the (cluster, date, id) index:
            # a cluster may have thousands of statements, and only these rows are read.
            # Statement ids grow with their article's rowid, so they order one day's reports.
            """SELECT a.id, a.article_id, a.quote, r.outlet, r.url, r.published,
                      a.speaker_id, COALESCE(s.name, a.speaker_name),
                      COALESCE(s.type, a.speaker_type)
               FROM (SELECT id FROM attributions WHERE cluster_id = ?
                     ORDER BY published IS NULL, published, id LIMIT ?) AS firsts
               JOIN attributions a ON a.id = firsts.id
               JOIN articles r ON r.id = a.article_id
               LEFT JOIN speakers s ON s.id = a.speaker_id
               ORDER BY a.published IS NULL, a.published, a.id""",
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
                speaker=_speaker_ref(r[6], r[7], r[8]),
            )
            for r in rows
        ]
        wordings = self.conn.execute(
            # Outlets in order of first report (the subquery's order feeds group_concat;
            # ``_variants`` drops the empty name).
            """SELECT quote, sum(reports), group_concat(outlet, char(31)) FROM (
                   SELECT quote, outlet, reports, first_published, first_statement
                   FROM cluster_reports WHERE cluster_id = ?
                   ORDER BY first_published NULLS LAST, first_statement)
               GROUP BY quote ORDER BY min(first_published) NULLS LAST, min(first_statement)""",
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
        ``occurrences`` occurrences.

        The listing is kept on this connection until an article is stored (by any
        process: the newest article's rowid is the key): a much-reported quote has
        thousands of wordings, and the home page asks for the same twenty again and again.
        """
        newest = self._scalar("SELECT coalesce(max(rowid), 0) FROM articles")
        key = (limit, min_size, occurrences, newest)
        kept = getattr(self, "_clusters_kept", None)
        if kept is not None and kept[0] == key:
            return list(kept[1])
        ids = self.conn.execute(
            """SELECT id FROM quote_clusters WHERE articles >= ?
               ORDER BY articles DESC, first_published LIMIT ?""",
            (min_size, limit),
        ).fetchall()
        found = [self.cluster(row[0], occurrences=occurrences) for row in ids]
        self._clusters_kept = (key, found)
        return list(found)

    def stats(self) -> dict[str, Any]:
        """Counts of what the store holds (the running totals, and two index ends)."""
        totals: dict[str, dict[str, int]] = {}
        for name, key, n in self.conn.execute(
            "SELECT name, key, n FROM totals ORDER BY name, n DESC, key"
        ):
            totals.setdefault(name, {})[key] = n

        def total(name: str) -> int:
            return totals.get(name, {}).get("", 0)

        one = self._scalar
        return {
            "articles": total("articles"),
            "attributed_articles": total("attributed"),
            "languages": totals.get("language", {}),
            "outlets": len(totals.get("outlet", {})),
            "stories": total("stories"),
            "republished_stories": total("republished"),
            "statements": total("statements"),
            "kinds": totals.get("kind", {}),
            "speakers": one("SELECT count(*) FROM speakers"),
            "quote_clusters": total("clusters"),
            "first_published": one("SELECT min(published) FROM articles"),
            "last_published": one("SELECT max(published) FROM articles"),
        }

    def _all_statements(self) -> int:
        """How many statements the store holds (its running total)."""
        return self._scalar("SELECT coalesce(sum(n), 0) FROM totals WHERE name = 'statements'")

    def _scalar(self, sql: str) -> Any:
        return self.conn.execute(sql).fetchone()[0]


def _speaker_where(query: str | None) -> tuple[str, list[Any]]:
    """The WHERE clause (over ``s`` speakers) matching ``query`` in the name or an alias."""
    if not query:
        return "", []
    where = f"WHERE s.id IN (SELECT speaker_id FROM speaker_aliases WHERE alias {LIKE})"
    return f"{where} OR s.name {LIKE}", [contains(query)] * 2


def in_chunks(values: list[Any], size: int = 500) -> Iterator[list[Any]]:
    """``values`` in lists of at most ``size``: SQLite limits the parameters of a query."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
