"""The PostgreSQL store's read queries: statements, speakers, articles, stories, quote
clusters, stats. The queries of ``reads`` (SQLite), translated; the rows become the same
dataclasses of ``saidwhat.model`` through ``reads``'s helpers, so both backends return
identical records for identical stores.

Every read runs in autocommit on a connection of the store's pool (``_connection``):
a statement sees what was committed when it started and waits for no writer (MVCC).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import AbstractContextManager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

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
from saidwhat.store.filters import QuoteFilter, search_terms
from saidwhat.store.postgres_filters import LIKE, POSTGRES, contains, statement_filter_sql
from saidwhat.store.rows import ARTICLE_COLUMNS, occurrence
from saidwhat.store.rows import STATEMENT_COLUMNS as _STATEMENT_COLUMNS
from saidwhat.store.rows import STATEMENT_FROM as _STATEMENT_FROM
from saidwhat.store.rows import document as _document
from saidwhat.store.rows import spans_of as _spans
from saidwhat.store.rows import statement as _statement
from saidwhat.store.rows import variants as _variants

if TYPE_CHECKING:
    import psycopg


class PostgresReads:
    """Read queries over the connections ``_connection`` lends."""

    def _connection(self) -> AbstractContextManager[psycopg.Connection]:
        raise NotImplementedError

    def _rows(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        with self._connection() as conn:
            return conn.execute(sql, params).fetchall()

    def _one(self, sql: str, params: Any = ()) -> tuple[Any, ...] | None:
        with self._connection() as conn:
            return conn.execute(sql, params).fetchone()

    def _scalar(self, sql: str, params: Any = ()) -> Any:
        row = self._one(sql, params)
        return row[0] if row is not None else None

    def quotes(
        self, where: QuoteFilter | None = None, *, limit: int = 50, offset: int = 0
    ) -> list[Statement]:
        """Statements matching ``where``, newest first (undated last).

        The page's statement ids are chosen first, from the statements alone (each holds
        its article's date and outlet: ``attributions_published`` and the speaker and
        cluster indexes give them in page order), and only those rows are then joined to
        their articles and speakers. A speaker name that matches several speakers is one
        ordered read per speaker (and one for unlinked names), merged."""
        with self._connection():
            arms, about = self._arms(where or QuoteFilter())
            if arms is None:
                return []
            # The statements are walked newest first (attributions_published) and each
            # tested. For ``about`` names of many statements, the planner tests each
            # through about_attribution (a semi join: few are walked); for rarer ones the
            # names' statements are hashed first and tested in the hash (a semi join would
            # walk far, one index probe per statement).
            if about and self._few_about(about):
                arms = [(sql.replace(_ABOUT_IN, _ABOUT_HASHED), ps) for sql, ps in arms]
            # A speaker's statements with a common word are walked newest first and each
            # tested (the first 50 come soon), not intersected with the word's index entries
            # (a bitmap of every statement holding it, and of every one of the speaker's).
            if where is not None and where.speaker is not None and self._common_word(where.q):
                arms = [(sql.replace(_FTS_MATCH, _FTS_WALKED), ps) for sql, ps in arms]
            if len(arms) == 1:
                page, params = _ordered(arms[0][0]), [*arms[0][1], limit, offset]
            else:
                page = " UNION ALL ".join(f"({_ordered(sql)})" for sql, _ in arms)
                page = f"SELECT * FROM ({page}) AS arms {_ORDER} LIMIT %s OFFSET %s"
                params = [p for _, arm in arms for p in (*arm, limit + offset, 0)]
                params += [limit, offset]
            rows = self._rows(
                f"""WITH page AS MATERIALIZED ({page})
                    SELECT {_STATEMENT_COLUMNS} FROM page
                    JOIN attributions a ON a.id = page.id
                    JOIN articles r ON r.id = a.article_id
                    LEFT JOIN speakers s ON s.id = a.speaker_id
                    ORDER BY page.published DESC NULLS LAST, page.id""",
                params,
            )
            return self._statements(rows)

    def count_quotes(self, where: QuoteFilter | None = None) -> int:
        """How many statements ``quotes(where)`` pages through (every statement, or those
        of one kind: the running totals of ``stats()``)."""
        where = where or QuoteFilter()
        if where == QuoteFilter() or where == QuoteFilter(kind=where.kind):
            what, key = ("kind", where.kind) if where.kind else ("statements", "")
            found = self._scalar(
                "SELECT n FROM store_counts WHERE what = %s AND key = %s", (what, key)
            )
            return int(found or 0)
        if where == QuoteFilter(q=where.q):
            found = self._word_count(where.q)
            if found is not None:
                return found
        if where == QuoteFilter(about=where.about):
            return self._about_count(where.about)
        with self._connection():
            arms, _ = self._arms(where)
            if not arms:
                return 0
            counts = " UNION ALL ".join(
                f"SELECT count(*) AS n FROM attributions a WHERE {sql}" for sql, _ in arms
            )
            return int(
                self._scalar(
                    f"SELECT sum(n)::bigint FROM ({counts}) AS arms",
                    [p for _, arm in arms for p in arm],
                )
            )

    def _word_count(self, q: str | None) -> int | None:
        """The statements a search of one word or prefix finds, from the running totals of
        ``fts_words`` (migration 4), when the word is one lexeme and (a prefix) begins one
        lexeme at most; else None (several words or lexemes, stop words alone). The word
        is reduced as ``to_tsquery`` reduces it (the same parser and dictionaries)."""
        words, prefix = search_terms(q or "")
        if len(words) != 1:
            return None
        lexemes, found = self._one(
            """SELECT cardinality(w), array(
                   SELECT statements FROM fts_words
                   WHERE lexeme >= w[1] AND lexeme < w[1] || chr(1114111)
                       AND (%(prefix)s OR lexeme = w[1])
                   LIMIT 2)
               FROM tsvector_to_array(to_tsvector('english', %(word)s)) AS w""",
            {"word": words[0], "prefix": prefix},
        )
        if lexemes != 1 or len(found) > 1:
            return None
        return int(found[0]) if found else 0

    def _common_word(self, q: str | None) -> bool:
        """Whether ``q`` is one word held by 1% of the statements or more (``fts_words``)."""
        words, prefix = search_terms(q or "")
        if len(words) != 1 or prefix:
            return False
        share = self._scalar(
            """SELECT f.statements * 100 >= (SELECT n FROM store_counts
                                             WHERE what = 'statements' AND key = '')
               FROM tsvector_to_array(to_tsvector('english', %s)) AS w
               JOIN fts_words f ON f.lexeme = w[1] WHERE cardinality(w) = 1""",
            (words[0],),
        )
        return bool(share)

    def _about_count(self, about: str | None) -> int:
        """The statements about names containing ``about``: the running total of
        ``about_names`` (migration 5) for one name, else the distinct statements of the
        names' ``about`` rows."""
        found = self._rows(_ABOUT_TOTALS, (contains(about or ""),))
        if len(found) <= 1:
            return int(found[0][1]) if found else 0
        return int(
            self._scalar(
                "SELECT count(DISTINCT attribution_id) FROM about WHERE name = ANY(%s)",
                ([name for name, _ in found],),
            )
        )

    def _few_about(self, names: list[str]) -> bool:
        """Whether the ``about`` names are those of few statements: fewer than
        sqrt(250 x statements) (15,800 of 1,000,000; the two plans cross there), by their
        running totals (migration 5)."""
        total = self._scalar("SELECT n FROM store_counts WHERE what = 'statements' AND key = ''")
        bound = max(1000, int((250 * (total or 0)) ** 0.5))
        found = self._scalar(
            "SELECT coalesce(sum(statements), 0) FROM about_names WHERE name = ANY(%s)", (names,)
        )
        return found < bound

    def _arms(self, where: QuoteFilter) -> tuple[list[tuple[str, list[Any]]] | None, list[str]]:
        """``where`` as disjoint conditions over ``a`` attributions alone, which together
        pick its statements, with their parameters (None: it picks none). A speaker
        name, an ``about`` name and an outlet are first matched against the speakers,
        ``about`` names and outlets (a few rows, trigram indexes), so that the statements
        are then found by equality, through their indexes. Also returns the ``about``
        names matched."""
        arms: list[tuple[str, list[Any]]] = [("TRUE", [])]
        also: list[tuple[str, list[Any]]] = []
        rest = where
        names: list[str] = []
        if where.speaker_id is None and isinstance(where.speaker, str) and where.speaker:
            pattern = contains(where.speaker)
            ids = [row[0] for row in self._rows(_SPEAKER_IDS, (pattern, pattern))]
            if len(ids) <= MAX_ARMS:
                arms = [("a.speaker_id = %s", [i]) for i in ids]
            else:
                arms = [("a.speaker_id = ANY(%s)", [ids])]
            arms.append((f"a.speaker_id IS NULL AND a.speaker_name {LIKE}", [pattern]))
            rest = replace(rest, speaker=None)
        if where.about:
            names = [row[0] for row in self._rows(_ABOUT_NAMES, (contains(where.about),))]
            if not names:
                return None, names
            also.append((_ABOUT_IN, [names]))
            rest = replace(rest, about=None)
        if where.outlet:
            outlets = [row[0] for row in self._rows(_OUTLETS, (contains(where.outlet),))]
            if not outlets:
                return None, names
            also.append(("a.outlet = ANY(%s)", [outlets]))
            rest = replace(rest, outlet=None)
        sql, params = statement_filter_sql(rest)
        also.append((sql, params))
        return [
            (
                " AND ".join([arm, *(c for c, _ in also)]),
                [*arm_params, *(p for _, ps in also for p in ps)],
            )
            for arm, arm_params in arms
        ], names

    def iter_statements(self, *, batch: int = 1000) -> Iterator[Statement]:
        """Every statement in storage order, read in batches (for exports)."""
        last = 0
        while True:
            rows = self._rows(
                f"SELECT {_STATEMENT_COLUMNS} {_STATEMENT_FROM} WHERE a.id > %s"
                " ORDER BY a.id LIMIT %s",
                (last, batch),
            )
            if not rows:
                return
            yield from self._statements(rows)
            last = rows[-1][0]

    def _statements(self, rows: list[tuple[Any, ...]]) -> list[Statement]:
        about = self._about([row[0] for row in rows])
        return [_statement(row, about.get(row[0], [])) for row in rows]

    def _about(self, attribution_ids: list[int]) -> dict[int, list[EntityRef]]:
        found: dict[int, list[EntityRef]] = {}
        if not attribution_ids:
            return found
        rows = self._rows(
            "SELECT attribution_id, name, type FROM about WHERE attribution_id = ANY(%s)",
            (attribution_ids,),
        )
        for aid, name, type_ in rows:
            found.setdefault(aid, []).append(EntityRef(name=name, type=type_))
        return found

    def _by_ids(self, sql: str, ids: Collection[Any]) -> list[tuple[Any, ...]]:
        """The rows of ``sql`` (ending in the column to match) for the values ``ids``."""
        ids = list(ids)
        return self._rows(f"{sql} = ANY(%s)", (ids,)) if ids else []

    def speakers(
        self, query: str | None = None, *, limit: int = 50, offset: int = 0
    ) -> list[CorpusSpeaker]:
        """Corpus speakers (whose name or an alias contains ``query``), most quoted first."""
        where, params = _speaker_where(query)
        with self._connection():  # one connection for the listing and each speaker
            rows = self._rows(
                f"""SELECT s.id FROM speakers s {where}
                    ORDER BY s.statements DESC, s.name LIMIT %s OFFSET %s""",
                (*params, limit, offset),
            )
            return [self.speaker(row[0]) for row in rows]

    def count_speakers(self, query: str | None = None) -> int:
        """How many corpus speakers ``speakers(query)`` pages through."""
        where, params = _speaker_where(query)
        return self._scalar(f"SELECT count(*) FROM speakers s {where}", params)

    def speaker(self, speaker_id: int) -> CorpusSpeaker:
        """One corpus speaker with aliases, roles (with dates), counts, first and last seen."""
        with self._connection():
            row = self._one(
                "SELECT name, type, statements, articles, first_seen, last_seen FROM speakers"
                " WHERE id = %s",
                (speaker_id,),
            )
            if row is None:
                raise NotFoundError(f"no speaker {speaker_id}")
            aliases = self._rows(
                "SELECT alias FROM speaker_aliases WHERE speaker_id = %s"
                " ORDER BY count DESC, alias",
                (speaker_id,),
            )
            roles = self._rows(
                """SELECT role, count, first_seen, last_seen FROM speaker_roles
                   WHERE speaker_id = %s ORDER BY count DESC, role""",
                (speaker_id,),
            )
        statements, articles, first, last = row[2:]
        return CorpusSpeaker(
            id=speaker_id,
            name=row[0],
            type=row[1],
            aliases=[r[0] for r in aliases],
            roles=[RoleSeen(*r) for r in roles],
            statements=statements,
            articles=articles,
            first_seen=first,
            last_seen=last,
        )

    def speaker_profile(self, speaker_id: int, *, top: int = 10) -> SpeakerProfile:
        """A speaker with statements per month, the outlets quoting them and their topics."""
        with self._connection():
            speaker = self.speaker(speaker_id)
            by_month = self._rows(
                """SELECT substr(r.published, 1, 7) AS month, count(*) FROM attributions a
                   JOIN articles r ON r.id = a.article_id
                   WHERE a.speaker_id = %s AND r.published IS NOT NULL
                   GROUP BY month ORDER BY month""",
                (speaker_id,),
            )
            outlets = self._rows(
                """SELECT coalesce(r.outlet, '?'), count(*) AS n FROM attributions a
                   JOIN articles r ON r.id = a.article_id WHERE a.speaker_id = %s
                   GROUP BY 1 ORDER BY n DESC, 1 LIMIT %s""",
                (speaker_id, top),
            )
            about = self._rows(
                """SELECT min(b.name), min(b.type), count(DISTINCT b.attribution_id) AS n
                   FROM about b JOIN attributions a ON a.id = b.attribution_id
                   WHERE a.speaker_id = %s GROUP BY b.key ORDER BY n DESC, 1 LIMIT %s""",
                (speaker_id, top),
            )
        return SpeakerProfile(speaker, by_month, outlets, about)

    def article(self, article_id: str) -> tuple[Document, list[Statement], str]:
        """The stored article (its text and metadata), its statements, and its story id."""
        with self._connection():
            row = self._one(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = %s", (article_id,))
            if row is None:
                raise NotFoundError(f"no article {article_id!r}")
            document = _document(row)
            rows = self._rows(
                f"SELECT {_STATEMENT_COLUMNS} {_STATEMENT_FROM} WHERE a.article_id = %s"
                " ORDER BY a.id",
                (article_id,),
            )
            statements = self._statements(rows)
            document.attributions = [s.attribution for s in statements]
            document.speakers = self._article_speakers(article_id)
        return document, statements, row[9]

    def _article_speakers(self, article_id: str) -> list[Speaker]:
        speakers: dict[int, Speaker] = {}
        for speaker_id, name, type_, spans, text in self._rows(
            """SELECT m.speaker_id, s.name, s.type, m.spans, m.text FROM mentions m
               JOIN speakers s ON s.id = m.speaker_id WHERE m.article_id = %s
               ORDER BY m.rowid""",
            (article_id,),
        ):
            speaker = speakers.setdefault(speaker_id, Speaker(str(speaker_id), name, type_))
            speaker.mentions.append(TextSpan(_spans(spans), text))
        return list(speakers.values())

    def story(self, story_id: str) -> list[tuple[str, str | None, str | None, str | None]]:
        """``(article_id, outlet, published, title)`` of a story's articles, earliest first."""
        return self._rows(
            """SELECT id, outlet, published, title FROM articles WHERE story_id = %s
               ORDER BY published NULLS LAST, rowid""",
            (story_id,),
        )

    def cluster(self, cluster_id: int, *, occurrences: int | None = None) -> QuoteCluster:
        """A quote cluster: its occurrences, first appearance first (the first
        ``occurrences`` of them, or all), totals, and every wording with its word diff."""
        found = self._clusters([cluster_id], occurrences)
        if not found:
            raise NotFoundError(f"no quote cluster {cluster_id}")
        return found[0]

    def clusters(
        self, *, limit: int = 20, min_size: int = 2, occurrences: int = 10
    ) -> list[QuoteCluster]:
        """The most reported quotes (by number of articles), each with its first
        ``occurrences`` occurrences."""
        with self._connection():
            # The listing changes only when an article is written (under the write lock,
            # in rowid order): while the newest article is the same, the last answer is.
            newest = self._scalar("SELECT max(rowid) FROM articles")
            key = (self._cache_key(), limit, min_size, occurrences)
            cached = _CLUSTERS.get(key)
            if cached is not None and cached[0] == newest:
                return list(cached[1])
            ids = self._rows(
                """SELECT id FROM quote_clusters WHERE articles >= %s
                   ORDER BY articles DESC, first_published LIMIT %s""",
                (min_size, limit),
            )
            found = self._clusters([row[0] for row in ids], occurrences)
        if len(_CLUSTERS) >= 64:
            _CLUSTERS.clear()
        _CLUSTERS[key] = (newest, found)
        return list(found)

    def _cache_key(self) -> str:
        """Which database the process-wide caches are about (the store's URL)."""
        return getattr(self, "url", "")

    def _clusters(self, ids: list[int], occurrences: int | None) -> list[QuoteCluster]:
        """The clusters ``ids`` that have reports, in that order, read together: their
        totals and wordings (``cluster_reports``), and the first ``occurrences``
        occurrences of each (``attributions_cluster_first``), in three queries."""
        if not ids:
            return []
        with self._connection():
            totals = {
                row[0]: row[1:]
                for row in self._rows(
                    """SELECT cluster_id, sum(reports), count(DISTINCT nullif(outlet, ''))
                       FROM cluster_reports WHERE cluster_id = ANY(%s) GROUP BY cluster_id
                       HAVING sum(reports) > 0""",
                    (ids,),
                )
            }
            if not totals:
                return []
            rows = self._rows(
                # LIMIT NULL is no limit.
                """SELECT c.id, a.id, a.article_id, a.quote, r.outlet, r.url, r.published,
                          a.speaker_id, COALESCE(s.name, a.speaker_name),
                          COALESCE(s.type, a.speaker_type)
                   FROM unnest(%s::bigint[]) AS c(id)
                   CROSS JOIN LATERAL (
                       SELECT a.id FROM attributions a WHERE a.cluster_id = c.id
                       ORDER BY a.published NULLS LAST, a.id LIMIT %s
                   ) AS firsts
                   JOIN attributions a ON a.id = firsts.id
                   JOIN articles r ON r.id = a.article_id
                   LEFT JOIN speakers s ON s.id = a.speaker_id
                   ORDER BY c.id, r.published NULLS LAST, r.rowid, a.id""",
                (list(totals), occurrences),
            )
            wordings = self._rows(
                # Outlets in order of first report (``_variants`` drops the empty name).
                """SELECT cluster_id, quote, sum(reports)::bigint, string_agg(outlet, chr(31)
                       ORDER BY first_published NULLS LAST, first_statement)
                   FROM cluster_reports WHERE cluster_id = ANY(%s) GROUP BY cluster_id, quote
                   ORDER BY cluster_id, min(first_published) NULLS LAST, min(first_statement)""",
                (list(totals),),
            )
        found: dict[int, list[QuoteOccurrence]] = {}
        for r in rows:
            found.setdefault(r[0], []).append(occurrence(r[1:]))
        worded: dict[int, list[tuple[str, int, str | None]]] = {}
        for cluster_id, *wording in wordings:
            worded.setdefault(cluster_id, []).append(tuple(wording))
        clusters = []
        for cluster_id in ids:
            if cluster_id not in totals:
                continue
            first = found[cluster_id]
            size, outlets = totals[cluster_id]
            clusters.append(
                QuoteCluster(
                    id=cluster_id,
                    text=first[0].text,
                    occurrences=first,
                    variants=_variants(first[0].text, worded[cluster_id]),
                    size=int(size),
                    outlets=outlets,
                )
            )
        return clusters

    def stats(self) -> dict[str, Any]:
        """Counts of what the store holds: the running totals of ``store_counts`` (kept
        exact by every write, migration 2), and the first and last dates from the index."""
        with self._connection():
            counts: dict[str, dict[str, int]] = {}
            for what, key, n in self._rows(
                "SELECT what, key, n FROM store_counts WHERE n > 0 ORDER BY n DESC, key"
            ):
                counts.setdefault(what, {})[key] = n
            first, last = self._one("SELECT min(published), max(published) FROM articles")

        def total(what: str) -> int:
            return counts.get(what, {}).get("", 0)

        return {
            "articles": total("articles"),
            "attributed_articles": total("attributed_articles"),
            "languages": counts.get("language", {}),
            "outlets": len(counts.get("outlet", {})),
            "stories": total("stories"),
            "republished_stories": total("republished_stories"),
            "statements": total("statements"),
            "kinds": counts.get("kind", {}),
            "speakers": total("speakers"),
            "quote_clusters": total("quote_clusters"),
            "first_published": first,
            "last_published": last,
        }


#: The last ``clusters()`` listings, by (store, arguments): the newest article when each
#: was read, and the clusters (shared by the threads of a server).
_CLUSTERS: dict[tuple[str, int, int, int], tuple[int | None, list[QuoteCluster]]] = {}
#: A speaker name matching more speakers than this is read in one unordered scan.
MAX_ARMS = 16
_ORDER = "ORDER BY published DESC NULLS LAST, id"
#: The corpus speakers whose name or an alias contains a pattern (trigram indexes).
_SPEAKER_IDS = f"""SELECT speaker_id FROM speaker_aliases WHERE alias {LIKE}
    UNION SELECT id FROM speakers WHERE name {LIKE} ORDER BY 1"""
#: Statements about any of some names, and the same as a hashed subplan (an IN under OR
#: is not made a join; ``a.id`` is never NULL).
_ABOUT_IN = "a.id IN (SELECT attribution_id FROM about WHERE name = ANY(%s))"
_ABOUT_HASHED = f"({_ABOUT_IN} OR a.id IS NULL)"
#: A full-text match, and the same where the GIN index cannot serve it (``a.fts`` is never
#: NULL): the statements are then walked in an index's order and each tested.
_FTS_MATCH = POSTGRES.fts_match
_FTS_WALKED = f"({_FTS_MATCH} OR a.fts IS NULL)"
#: The ``about`` names containing a pattern.
_ABOUT_NAMES = f"SELECT name FROM about_names WHERE name {LIKE}"
#: The same, with how many statements are about each.
_ABOUT_TOTALS = f"SELECT name, statements FROM about_names WHERE name {LIKE}"
#: The outlets containing a pattern (every outlet stored has its running total).
_OUTLETS = f"SELECT key FROM store_counts WHERE what = 'outlet' AND n > 0 AND key {LIKE}"


def _ordered(where: str) -> str:
    """The ids (and dates) of the statements matching ``where``, in page order, limited
    (the limit and offset are the last parameters)."""
    return (
        f"SELECT a.id, a.published FROM attributions a WHERE {where}"
        f" ORDER BY a.published DESC NULLS LAST, a.id LIMIT %s OFFSET %s"
    )


def _speaker_where(query: str | None) -> tuple[str, list[Any]]:
    """The WHERE clause (over ``s`` speakers) matching ``query`` in the name or an alias."""
    if not query:
        return "", []
    where = f"WHERE s.id IN (SELECT speaker_id FROM speaker_aliases WHERE alias {LIKE})"
    return f"{where} OR s.name {LIKE}", [contains(query)] * 2
