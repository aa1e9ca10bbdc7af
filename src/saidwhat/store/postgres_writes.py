"""The PostgreSQL store's one write, ``add_article``: the article, its speakers, statements
and quote clusters, and the running totals, in a handful of statements per article.

The statements of ``sqlite`` translated (``LEAST``/``GREATEST`` for SQLite's scalar
``min``/``max``, which ignore NULL as the ``coalesce`` there does; ``ON CONFLICT DO
NOTHING`` for ``INSERT OR IGNORE``), but set-based: each table gets one statement per
article whose rows travel as arrays (``unnest``), not one statement per row. The ids a
later row refers to (new speakers, new quote clusters, statements) are drawn from their
identity sequences first, in one query, so that every insert after the article's can be
sent at once (``PostgresStore.add_article`` sends them in a pipeline: one round trip).
``PostgresStore.add_article`` runs them in one transaction under the write lock, so the
sequences hand out consecutive ids as one-row inserts did.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import TYPE_CHECKING, Any

from saidwhat.model import LinkedArticle
from saidwhat.store.rows import article_values, attribution_values, insert_sql, spans_json

if TYPE_CHECKING:
    import psycopg

#: The columns of an ``attributions`` row as ``attribution_values`` gives them, with the
#: type of the array each travels in.
_ATTRIBUTION_TYPES = {
    "article_id": "text",
    "kind": "text",
    "content": "text",
    "content_spans": "text",
    "cue": "text",
    "cue_spans": "text",
    "source": "text",
    "source_spans": "text",
    "speaker_id": "bigint",
    "speaker_name": "text",
    "speaker_type": "text",
    "confidence": "double precision",
    "cluster_id": "bigint",
    "quote": "text",
}


#: Adds ``(what, key, n)`` rows (arrays) to the running totals of ``stats()``.
_ADD_COUNTS = """INSERT INTO store_counts AS c (what, key, n)
    SELECT * FROM unnest(%s::text[], %s::text[], %s::bigint[])
    ON CONFLICT (what, key) DO UPDATE SET n = c.n + excluded.n"""
#: In the running totals of ``_counts``: the statements holding a word, and those about
#: a name, kept in tables of their own (the rest are ``store_counts``).
WORD, ABOUT = "word", "about"
_ADD_OWN = {
    WORD: """INSERT INTO fts_words AS t (lexeme, statements)
        SELECT * FROM unnest(%s::text[], %s::bigint[])
        ON CONFLICT (lexeme) DO UPDATE SET statements = t.statements + excluded.statements""",
    ABOUT: """INSERT INTO about_names AS t (name, statements)
        SELECT * FROM unnest(%s::text[], %s::bigint[])
        ON CONFLICT (name) DO UPDATE SET statements = t.statements + excluded.statements""",
}


def _spaces(name: str) -> int:
    return name.count(" ")


class PostgresWrites:
    """The inserts and updates of one article, on the connection of its transaction."""

    #: Per thread: the answers ``_count`` asked for (the store's, see ``PostgresStore``).
    _local: threading.local

    def _insert_article(self, conn: psycopg.Connection, linked: LinkedArticle) -> int | None:
        """Insert the article row (its story postings are queued with the rest); its rowid,
        or None when an article with its id, URL or text is stored already (nothing is
        written then)."""
        values = article_values(linked)
        row = conn.execute(
            insert_sql("articles", values, "%s") + " ON CONFLICT DO NOTHING RETURNING rowid",
            tuple(values.values()),
        ).fetchone()
        if row is None:
            return None
        self._add_keys(conn, [(ns, key, row[0]) for ns, key in linked.story_keys])
        return row[0]

    def _add_keys(self, conn: psycopg.Connection, rows: list[tuple[int, int, int]]) -> None:
        """Postings ``(namespace, key, item)``, in one statement."""
        if rows:
            namespaces, keys, items = zip(*rows, strict=True)
            conn.execute(
                """INSERT INTO link_keys (namespace, key, item)
                   SELECT * FROM unnest(%s::integer[], %s::bigint[], %s::bigint[])
                   ON CONFLICT DO NOTHING""",
                (list(namespaces), list(keys), list(items)),
            )

    @staticmethod
    def _allocate(conn: psycopg.Connection, **counts: int) -> dict[str, list[int]]:
        """``counts[table]`` new ids of each table's identity, in ascending order, in one
        query (no query when none is needed)."""
        wanted = {table: n for table, n in counts.items() if n}
        if not wanted:
            return {table: [] for table in counts}
        columns = ", ".join(
            f"array(SELECT nextval(pg_get_serial_sequence('{table}', 'id'))"
            f" FROM generate_series(1, %s) ORDER BY 1)"
            for table in wanted
        )
        row = conn.execute(f"SELECT {columns}", tuple(wanted.values())).fetchone()
        found = dict(zip(wanted, row, strict=True))
        return {table: sorted(found.get(table) or []) for table in counts}

    def _new_clusters(self, linked: LinkedArticle) -> dict[int, int | None]:
        """The attributions that open a new quote cluster (by index), and for the others
        with a quote, the index of the attribution whose new cluster they join (None: a
        stored cluster)."""
        opens: dict[int, int | None] = {}
        for index, quote in enumerate(linked.quotes[: len(linked.document.attributions)]):
            if quote is None or quote.cluster_id is not None:
                continue
            if quote.same_as is not None and opens.get(quote.same_as, 0) is None:
                opens[index] = quote.same_as
            else:
                opens[index] = None
        return opens

    def _write_rest(self, conn: psycopg.Connection, linked: LinkedArticle) -> dict[int, int]:
        """Everything of the article after its row: ids first (one query), then the
        speakers, statements and clusters (queued: sent together in a pipeline)."""
        opens = self._new_clusters(linked)
        new_speakers = [ls for ls in linked.speakers if ls.corpus_id is None]
        ids = self._allocate(
            conn,
            speakers=len(new_speakers),
            quote_clusters=sum(1 for v in opens.values() if v is None),
            attributions=len(linked.document.attributions),
        )
        fresh = iter(ids["speakers"])
        speakers = {
            ls.speaker.id: (ls.corpus_id if ls.corpus_id is not None else next(fresh))
            for ls in linked.speakers
        }
        self._upsert_speakers(conn, linked, speakers)
        return self._insert_attributions(
            conn, linked, speakers, ids["quote_clusters"], ids["attributions"]
        )

    def _upsert_speakers(
        self, conn: psycopg.Connection, linked: LinkedArticle, speakers: dict[str, int]
    ) -> None:
        """The article's speakers: new ones inserted with their allocated ids, known ones
        renamed to the fullest name seen; their keys, aliases, roles, context and mentions."""
        new = [
            (speakers[ls.speaker.id], ls.speaker.name, ls.speaker.type)
            for ls in linked.speakers
            if ls.corpus_id is None
        ]
        if new:
            ids, names, types = zip(*new, strict=True)
            conn.execute(
                """INSERT INTO speakers (id, name, type)
                   SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[])""",
                (list(ids), list(names), list(types)),
            )
        # The corpus name is the fullest name seen: of one article's names for a known
        # speaker, the first with the most words replaces a name with fewer.
        renames: dict[int, str] = {}
        for ls in linked.speakers:
            if ls.corpus_id is None:
                continue
            best = renames.get(ls.corpus_id)
            if best is None or _spaces(ls.speaker.name) > _spaces(best):
                renames[ls.corpus_id] = ls.speaker.name
        if renames:
            conn.execute(
                """UPDATE speakers s SET name = n.name
                   FROM unnest(%s::bigint[], %s::text[]) AS n(id, name)
                   WHERE s.id = n.id
                     AND length(n.name) - length(replace(n.name, ' ', ''))
                         > length(s.name) - length(replace(s.name, ' ', ''))""",
                (list(renames), list(renames.values())),
            )
        keys: set[tuple[str, int]] = set()
        aliases: Counter[tuple[int, str]] = Counter()
        roles: Counter[tuple[int, str]] = Counter()
        context: set[tuple[int, str]] = set()
        mentions: list[tuple[int, str, str | None, str]] = []
        for ls in linked.speakers:
            speaker_id = speakers[ls.speaker.id]
            keys.update((key, speaker_id) for key in ls.keys)
            aliases.update((speaker_id, alias) for alias in ls.aliases)
            roles.update((speaker_id, role) for role in ls.speaker.roles)
            context.update((speaker_id, key) for key in ls.context)
            mentions += [
                (speaker_id, ls.speaker.id, spans_json(m), m.text) for m in ls.speaker.mentions
            ]
        published = linked.document.published
        if keys:
            conn.execute(
                """INSERT INTO speaker_keys (key, speaker_id)
                   SELECT * FROM unnest(%s::text[], %s::bigint[]) ON CONFLICT DO NOTHING""",
                _columns(sorted(keys), 2),
            )
        if aliases:
            conn.execute(
                """INSERT INTO speaker_aliases AS s (speaker_id, alias, count)
                   SELECT * FROM unnest(%s::bigint[], %s::text[], %s::integer[])
                   ON CONFLICT (speaker_id, alias)
                   DO UPDATE SET count = s.count + excluded.count""",
                _columns([(i, a, n) for (i, a), n in aliases.items()], 3),
            )
        if roles:
            conn.execute(
                """INSERT INTO speaker_roles AS s (speaker_id, role, count, first_seen, last_seen)
                   SELECT r.id, r.role, r.n, %s, %s
                   FROM unnest(%s::bigint[], %s::text[], %s::integer[]) AS r(id, role, n)
                   ON CONFLICT (speaker_id, role) DO UPDATE SET count = s.count + excluded.count,
                       first_seen = LEAST(s.first_seen, excluded.first_seen),
                       last_seen = GREATEST(s.last_seen, excluded.last_seen)""",
                (published, published, *_columns([(i, r, n) for (i, r), n in roles.items()], 3)),
            )
        if context:
            conn.execute(
                """INSERT INTO speaker_context (speaker_id, key)
                   SELECT * FROM unnest(%s::bigint[], %s::text[]) ON CONFLICT DO NOTHING""",
                _columns(sorted(context), 2),
            )
        if mentions:
            conn.execute(
                """INSERT INTO mentions (article_id, speaker_id, local_id, spans, text)
                   SELECT %s, m.speaker_id, m.local_id, m.spans, m.text
                   FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[])
                       WITH ORDINALITY AS m(speaker_id, local_id, spans, text, n)
                   ORDER BY m.n""",
                (linked.id, *_columns(mentions, 4)),
            )

    def _insert_attributions(
        self,
        conn: psycopg.Connection,
        linked: LinkedArticle,
        speakers: dict[str, int],
        cluster_ids: list[int],
        attribution_ids: list[int],
    ) -> dict[int, int]:
        """The article's statements (with their allocated ids), the quote clusters they
        open (allocated ids), their new variants with those variants' postings, and what
        they are about. Returns the clusters opened, by attribution index."""
        opens = self._new_clusters(linked)
        fresh = iter(cluster_ids)
        created: dict[int, int] = {}
        clusters: list[tuple[int, str]] = []
        variants: list[tuple[int, int, str]] = []  # (index, cluster, words)
        postings: list[tuple[int, int, int]] = []  # (namespace, key, index)
        rows: list[dict[str, Any]] = []
        about: list[tuple[int, str, str, str]] = []
        for index, attribution in enumerate(linked.document.attributions):
            quote = linked.quotes[index] if index < len(linked.quotes) else None
            cluster_id = None
            if quote is not None:
                cluster_id = quote.cluster_id
                if cluster_id is None and opens[index] is not None:
                    cluster_id = created[opens[index]]
                elif cluster_id is None:
                    cluster_id = created[index] = next(fresh)
                    clusters.append((cluster_id, quote.text))
                if quote.words:
                    variants.append((index, cluster_id, quote.words))
                    postings += [(ns, key, index) for ns, key in quote.keys]
            ref = attribution.speaker
            speaker_id = speakers.get(ref.id) if ref is not None and ref.id else None
            rows.append(
                attribution_values(
                    linked.id, attribution, speaker_id, cluster_id, quote, linked.document.published
                )
            )
            keys = linked.about_keys[index] if index < len(linked.about_keys) else []
            about += [
                (attribution_ids[index], e.name, e.type, key)
                for e, key in zip(attribution.about, keys, strict=False)
            ]
        if clusters:
            conn.execute(
                """INSERT INTO quote_clusters (id, text)
                   SELECT * FROM unnest(%s::bigint[], %s::text[])""",
                _columns(clusters, 2),
            )
        if variants:
            # A variant already stored (or twice in the article) is not inserted again,
            # and only the variants inserted get their postings.
            conn.execute(
                """WITH v AS (
                       SELECT n, cluster_id, text COLLATE "C" AS text
                       FROM unnest(%s::integer[], %s::bigint[], %s::text[])
                           AS v(n, cluster_id, text)
                   ), added AS (
                       INSERT INTO quote_variants (cluster_id, text)
                       SELECT cluster_id, text FROM v ORDER BY n
                       ON CONFLICT DO NOTHING RETURNING id, cluster_id, text
                   )
                   INSERT INTO link_keys (namespace, key, item)
                   SELECT k.namespace, k.key, added.id
                   FROM unnest(%s::integer[], %s::bigint[], %s::integer[]) AS k(namespace, key, n)
                   JOIN v ON v.n = k.n
                   JOIN added ON added.cluster_id = v.cluster_id AND added.text = v.text
                   ON CONFLICT DO NOTHING""",
                (*_columns(variants, 3), *_columns(postings, 3)),
            )
        if rows:
            names = list(_ATTRIBUTION_TYPES)
            unnest = ", ".join(f"%s::{t}[]" for t in _ATTRIBUTION_TYPES.values())
            # with their article's date and outlet (migration 2)
            conn.execute(
                f"""INSERT INTO attributions (id, {", ".join(names)}, published, outlet)
                    SELECT u.*, %s, %s FROM unnest(%s::bigint[], {unnest}) AS u""",
                (
                    linked.document.published,
                    linked.document.outlet,
                    attribution_ids,
                    *([row[name] for row in rows] for name in names),
                ),
            )
        if about:
            conn.execute(
                """INSERT INTO about (attribution_id, name, type, key)
                   SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[])""",
                _columns(about, 4),
            )
            conn.execute(
                """INSERT INTO about_names (name) SELECT DISTINCT name FROM unnest(%s::text[])
                   AS n(name) ON CONFLICT DO NOTHING""",
                (sorted({name for _, name, _, _ in about}),),
            )
        return created

    def _count(self, conn: psycopg.Connection, article_id: str, published: str | None) -> None:
        """Add a new article to its speakers' and quote clusters' running totals (and to
        its clusters' reports by wording and outlet). Dates move only when the article has
        one: ``LEAST``/``GREATEST`` ignore NULL."""
        params = {"a": article_id, "p": published}
        conn.execute(
            """UPDATE speakers SET articles = articles + 1, statements = statements + n.n,
                   first_seen = LEAST(first_seen, %(p)s::text),
                   last_seen = GREATEST(last_seen, %(p)s::text)
               FROM (SELECT speaker_id, count(*) AS n FROM attributions
                     WHERE article_id = %(a)s AND speaker_id IS NOT NULL GROUP BY speaker_id) n
               WHERE id = n.speaker_id""",
            params,
        )
        # How many of its clusters it made reported by two articles, how many articles
        # its story has now: read by ``_counts`` (the answers come with the pipeline's).
        self._local.count_cursors = (
            conn.execute(
                """WITH counted AS (
                       UPDATE quote_clusters SET articles = articles + 1,
                           first_published = LEAST(first_published, %(p)s::text)
                       WHERE id IN (SELECT cluster_id FROM attributions
                                    WHERE article_id = %(a)s AND cluster_id IS NOT NULL)
                       RETURNING articles
                   )
                   SELECT count(*) FROM counted WHERE articles = 2""",
                params,
            ),
            conn.execute(
                """SELECT count(*) FROM articles
                   WHERE story_id = (SELECT story_id FROM articles WHERE id = %(a)s)""",
                params,
            ),
            conn.execute(
                """SELECT w.lexeme, count(*) FROM attributions a
                   CROSS JOIN LATERAL unnest(a.fts) AS w
                   WHERE a.article_id = %(a)s GROUP BY w.lexeme""",
                params,
            ),
            conn.execute(
                """SELECT b.name, count(DISTINCT b.attribution_id) FROM about b
                   JOIN attributions a ON a.id = b.attribution_id
                   WHERE a.article_id = %(a)s GROUP BY b.name""",
                params,
            ),
        )
        conn.execute(
            """INSERT INTO cluster_reports AS c
                   (cluster_id, quote, outlet, reports, first_published, first_statement)
               SELECT a.cluster_id, a.quote, coalesce(r.outlet, ''), count(*), %(p)s::text,
                      min(a.id)
               FROM attributions a JOIN articles r ON r.id = a.article_id
               WHERE a.article_id = %(a)s AND a.cluster_id IS NOT NULL
               GROUP BY a.cluster_id, a.quote, coalesce(r.outlet, '')
               ON CONFLICT (cluster_id, quote, outlet) DO UPDATE SET
                   reports = c.reports + excluded.reports,
                   first_published = LEAST(c.first_published, excluded.first_published),
                   first_statement = LEAST(c.first_statement, excluded.first_statement)""",
            params,
        )

    def _counts(self, linked: LinkedArticle) -> Counter[tuple[str, str]]:
        """What the article adds to the running totals of ``stats()`` (``store_counts``),
        by ``(what, key)``: from the article, and from the answers ``_count`` asked for;
        and, as ``(WORD, lexeme)`` and ``(ABOUT, name)``, to its statements' words
        (``fts_words``) and ``about`` names (``about_names``)."""
        d = linked.document
        counts: Counter[tuple[str, str]] = Counter()
        counts["articles", ""] += 1
        counts["attributed_articles", ""] += int(bool(linked.attributed))
        counts["language", d.language if d.language is not None else "?"] += 1
        if d.outlet is not None:
            counts["outlet", d.outlet] += 1
        counts["statements", ""] += len(d.attributions)
        counts.update(("kind", a.kind) for a in d.attributions)
        counts["speakers", ""] += sum(1 for ls in linked.speakers if ls.corpus_id is None)
        clusters, stories, words, about = self._local.count_cursors
        crossed, story = clusters.fetchone()[0], stories.fetchone()[0]
        counts.update({(WORD, lexeme): n for lexeme, n in words})
        counts.update({(ABOUT, name): n for name, n in about})
        counts["quote_clusters", ""] += crossed
        counts["stories" if story == 1 else "republished_stories", ""] += story in (1, 2)
        return +counts  # without the zeros

    @staticmethod
    def _add_counts(conn: psycopg.Connection, counts: Counter[tuple[str, str]]) -> None:
        """Add ``counts`` to ``store_counts``, ``fts_words`` and ``about_names``, in a
        statement each. A write batch adds its articles' counts once, at its end: a row
        updated once per article in one transaction would drag every earlier version of
        itself along."""
        rows = sorted((what, key, n) for (what, key), n in counts.items() if what not in _ADD_OWN)
        if rows:
            conn.execute(_ADD_COUNTS, _columns(rows, 3))
        for what, sql in _ADD_OWN.items():
            own = sorted((key, n) for (w, key), n in counts.items() if w == what)
            if own:
                conn.execute(sql, _columns(own, 2))


def _columns(rows: list[tuple[Any, ...]], width: int) -> list[list[Any]]:
    """``rows`` as ``width`` column lists (the arrays an ``unnest`` takes)."""
    if not rows:
        return [[] for _ in range(width)]
    return [list(column) for column in zip(*rows, strict=True)]
