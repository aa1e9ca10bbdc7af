"""The store's read queries: statements, speakers, articles, stories, quote clusters, stats.

``Reads`` is part of ``SQLiteStore`` (its one connection is ``self.conn``); reads
return the dataclasses of ``saidwhat.model``.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Collection, Iterator, Sequence
from dataclasses import replace
from typing import Any

from saidwhat.errors import NotFoundError
from saidwhat.model import (
    CorpusSpeaker,
    Document,
    EntityRef,
    QuoteCluster,
    RoleSeen,
    Speaker,
    SpeakerProfile,
    Statement,
    TextSpan,
)
from saidwhat.store.filters import QuoteFilter
from saidwhat.store.rows import ARTICLE_COLUMNS, occurrence
from saidwhat.store.rows import STATEMENT_COLUMNS as _STATEMENT_COLUMNS
from saidwhat.store.rows import STATEMENT_FROM as _STATEMENT_FROM
from saidwhat.store.rows import document as _document
from saidwhat.store.rows import spans_of as _spans
from saidwhat.store.rows import statement as _statement
from saidwhat.store.rows import variants as _variants
from saidwhat.store.sql_filters import LAST_CHAR
from saidwhat.store.sqlite_filters import LIKE, SQLITE, contains, filter_sql, fts_query

#: Fewest matches for which a search walks the statements newest first (see ``_walk``).
WALK_AT_LEAST = 1000


class Reads:
    """Read queries over ``self.conn``."""

    conn: sqlite3.Connection

    def quotes(
        self, where: QuoteFilter | None = None, *, limit: int = 50, offset: int = 0
    ) -> list[Statement]:
        """Statements matching ``where``, newest first (undated last).

        The page's statement ids are chosen from the statements alone (each row holds its
        article's date and outlet), and only those rows are then joined to their articles
        and speakers. Two plans choose them: walk the statements newest first (the
        ``attributions_published`` index, or ``attributions_outlet_published`` for one
        outlet), testing each, which is quick when many match; or find the matches through
        the filter's own index (speaker, words, ``about``, ...) and sort them, quick when
        few do. SQLite cannot tell which, so a capped count decides (``_walk``).
        """
        where = where or QuoteFilter()
        found = self._where(where)
        if found is None:
            return []
        sql, params, outlets, intersected = found
        # A speaker's words are an intersection found whole before any walk could start:
        # sorting its matches is never slower than walking them, so it is not counted.
        walk = not where.narrows_statements or (
            not intersected and self._walk(sql, params, offset + limit)
        )
        if walk:
            # one outlet: its statements newest first are one index (migration 7)
            index = "outlet_published" if len(outlets) == 1 else "published"
            table, published = f"attributions a INDEXED BY attributions_{index}", "a.published"
        else:  # the unary + keeps the index out of a sort
            table, published = "attributions a", "+a.published"
        rows = self.conn.execute(
            f"""SELECT {_STATEMENT_COLUMNS} FROM (
                    SELECT a.id FROM {table} WHERE {sql}
                    ORDER BY {published} DESC NULLS LAST, a.id LIMIT ? OFFSET ?) AS page
                JOIN attributions a ON a.id = page.id
                JOIN articles r ON r.id = a.article_id
                LEFT JOIN speakers s ON s.id = a.speaker_id
                ORDER BY a.published DESC NULLS LAST, a.id""",
            (*params, limit, offset),
        ).fetchall()
        return self._statements(rows)

    def _where(self, where: QuoteFilter) -> tuple[str, list[Any], list[str], bool] | None:
        """The WHERE clause of ``where`` over ``a`` attributions alone, its parameters, the
        outlets it names and whether it intersects a speaker's statements with words'
        matches (None: it matches nothing).

        An outlet is first matched against the stored outlets (their running totals: a
        few rows), so that statements are tested for equality with the outlet on their
        own row, which ``attributions_outlet_published`` serves. A speaker together with
        words is one clause that intersects the two (``_speaker_words``)."""
        clauses: list[str] = []
        params: list[Any] = []
        outlets: list[str] = []
        intersected = False
        rest = where
        if where.outlet:
            outlets = self._outlets(where.outlet)
            if not outlets:
                return None
            marks = ",".join("?" * len(outlets))
            clauses.append("a.outlet = ?" if len(outlets) == 1 else f"a.outlet IN ({marks})")
            params += outlets
            rest = replace(rest, outlet=None)
        speaker = where.speaker_id is not None or bool(where.speaker)
        if speaker and (words := fts_query(where.q or "")):
            clause, both = self._speaker_words(where, words)
            intersected = True
            clauses.append(clause)
            params += both
            rest = replace(rest, speaker=None, q=None)
        sql, rest_params = filter_sql(rest)
        if clauses and sql == SQLITE.true:
            return " AND ".join(clauses), params, outlets, intersected
        return " AND ".join([sql, *clauses]), [*rest_params, *params], outlets, intersected

    def _outlets(self, outlet: str) -> list[str]:
        """The stored outlets whose name contains ``outlet`` (from the running totals)."""
        return [
            row[0]
            for row in self.conn.execute(
                f"SELECT key FROM totals WHERE name = 'outlet' AND key {LIKE} ORDER BY key",
                (contains(outlet),),
            )
        ]

    def _speaker_words(self, where: QuoteFilter, words: str) -> tuple[str, list[Any]]:
        """The statements of ``where``'s speaker that contain its words, as one clause on
        ``a.id``: the ids of the speaker's statements (read from their indexes alone) and
        the words' full-text matches, intersected without reading a statement row. One
        side is read in order and the other put in a temporary index of its ids: the
        smaller, by their counts (cheap: the corpus speakers' running totals, and the
        full-text index's own count; ``_words_drive``)."""
        speaker_sql, speaker_params = _speaker_ids(where)
        fts = "SELECT rowid FROM attributions_fts WHERE attributions_fts MATCH ?"
        said = self._speaker_statements(where)  # an estimate: unlinked sources left out
        matches = self._scalar(
            "SELECT count(*) FROM attributions_fts WHERE attributions_fts MATCH ?", (words,)
        )
        if self._words_drive(said, matches):
            # the unary + keeps FTS5 from looking up each id of the speaker's (one full
            # query per id): the matches are read once, each tested in the speaker's ids
            return (
                f"a.id IN ({fts} AND +rowid IN ({speaker_sql}))",
                [words, *speaker_params],
            )
        return (
            f"a.id IN (SELECT id FROM ({speaker_sql}) WHERE id IN ({fts}))",
            [*speaker_params, words],
        )

    def _words_drive(self, said: int, matches: int) -> bool:
        """Whether the words' ``matches`` are read in order and the speaker's statement
        ids (``said`` of them) put in a temporary index, rather than the other way round:
        when the speaker has fewer statements (building the index costs more per id than
        a lookup in it)."""
        return said <= matches

    def _speaker_statements(self, where: QuoteFilter) -> int:
        """How many statements ``where``'s corpus speakers have (their running totals; the
        unlinked sources so named are not counted: that would read their index)."""
        if where.speaker_id is not None:
            return self._scalar(
                "SELECT coalesce(max(statements), 0) FROM speakers WHERE id = ?",
                (where.speaker_id,),
            )
        pattern = contains(str(where.speaker))
        return self._scalar(
            f"""SELECT coalesce(sum(statements), 0) FROM speakers WHERE id IN
                    (SELECT speaker_id FROM speaker_aliases WHERE alias {LIKE}
                     UNION SELECT id FROM speakers WHERE name {LIKE})""",
            (pattern, pattern),
        )

    def _walk(self, sql: str, params: list[Any], needed: int) -> bool:
        """Whether walking the statements newest first finds the first ``needed`` matches
        sooner than sorting every match: when the matches are at least the square root of
        ``needed`` times all statements (then a walk reads about as many statements as
        there are matches to sort, or fewer). Counts no further than that."""
        everything = self._all_statements()
        enough = max(WALK_AT_LEAST, math.isqrt(needed * everything))
        found = self._scalar(
            f"SELECT count(*) FROM (SELECT 1 FROM attributions a WHERE {sql} LIMIT ?)",
            (*params, enough),
        )
        return found >= enough

    def count_quotes(self, where: QuoteFilter | None = None) -> int:
        where = where or QuoteFilter()
        total = self._running_count(where)
        if total is not None:
            return total
        found = self._where(where)
        if found is None:
            return 0
        sql, params, _, _ = found
        # Every statement has its article (a foreign key), whose date and outlet are on
        # the statement's row: the count reads the statements alone.
        return self._scalar(f"SELECT count(*) FROM attributions a WHERE {sql}", params)

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
        if fields == {"outlet"}:
            return self.conn.execute(
                "SELECT coalesce(sum(n), 0) FROM totals"
                f" WHERE name = 'outlet_statements' AND key {LIKE}",
                (contains(where.outlet or ""),),
            ).fetchone()[0]
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
        found = [occurrence(r) for r in rows]
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

    def _scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(sql, params).fetchone()[0]


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


def _speaker_ids(where: QuoteFilter) -> tuple[str, list[Any]]:
    """A query of the ids of ``where``'s speaker's statements (of its kind and period, when
    it has them), read from indexes alone: the corpus speakers' by kind and date, and the
    unlinked sources' by name (a statement's id is in each index entry)."""
    by_speaker = "SELECT id FROM attributions INDEXED BY attributions_speaker_kind_published"
    also, params = "", []
    if where.kind:
        also += " AND kind = ?"
        params.append(where.kind)
    if where.since:
        also += " AND published >= ?"
        params.append(where.since)
    if where.until:
        also += " AND published < ?"
        params.append(where.until + LAST_CHAR)
    if where.speaker_id is not None:
        return f"{by_speaker} WHERE speaker_id = ?{also}", [where.speaker_id, *params]
    pattern = contains(str(where.speaker))
    return (
        f"""{by_speaker} WHERE speaker_id IN
                (SELECT speaker_id FROM speaker_aliases WHERE alias {LIKE}
                 UNION SELECT id FROM speakers WHERE name {LIKE}){also}
            UNION ALL SELECT id FROM attributions INDEXED BY attributions_unlinked
            WHERE speaker_id IS NULL AND speaker_name {LIKE}""",
        [pattern, pattern, *params, pattern],
    )
