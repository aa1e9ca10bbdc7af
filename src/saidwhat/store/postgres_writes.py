"""The PostgreSQL store's one write, ``add_article``, statement by statement: the article,
its speakers, statements and quote clusters, and the running totals. The statements of
``sqlite`` translated (``LEAST``/``GREATEST`` for SQLite's scalar ``min``/``max``, which
ignore NULL as the ``coalesce`` there does; ``ON CONFLICT DO NOTHING`` for ``INSERT OR
IGNORE``). ``PostgresStore.add_article`` runs them in one transaction under the write lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from saidwhat.model import LinkedArticle, LinkedSpeaker
from saidwhat.store.rows import article_values, attribution_values, insert_sql, spans_json

if TYPE_CHECKING:
    import psycopg


class PostgresWrites:
    """The inserts and updates of one article, on the connection of its transaction."""

    def _insert_article(self, conn: psycopg.Connection, linked: LinkedArticle) -> int | None:
        """Insert the article row and its story postings; its rowid, or None when an
        article with its id, URL or text is stored already (nothing is written then)."""
        values = article_values(linked)
        row = conn.execute(
            insert_sql("articles", values, "%s") + " ON CONFLICT DO NOTHING RETURNING rowid",
            tuple(values.values()),
        ).fetchone()
        if row is None:
            return None
        self._add_keys(conn, row[0], linked.story_keys)
        return row[0]

    def _add_keys(
        self, conn: psycopg.Connection, item: int, keys: Iterable[tuple[int, int]]
    ) -> None:
        rows = [(namespace, key, item) for namespace, key in keys]
        if rows:
            with conn.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO link_keys (namespace, key, item) VALUES (%s, %s, %s)"
                    " ON CONFLICT DO NOTHING",
                    rows,
                )

    def _add_variant(self, conn: psycopg.Connection, cluster_id: int, words: str) -> int | None:
        """Store ``words`` as a variant of the cluster; its id, or None if it is one already."""
        row = conn.execute(
            "INSERT INTO quote_variants (cluster_id, text) VALUES (%s, %s)"
            " ON CONFLICT DO NOTHING RETURNING id",
            (cluster_id, words),
        ).fetchone()
        return row[0] if row is not None else None

    def _upsert_speaker(
        self, conn: psycopg.Connection, ls: LinkedSpeaker, linked: LinkedArticle
    ) -> int:
        speaker = ls.speaker
        if ls.corpus_id is None:
            speaker_id = conn.execute(
                "INSERT INTO speakers (name, type) VALUES (%s, %s) RETURNING id",
                (speaker.name, speaker.type),
            ).fetchone()[0]
        else:
            speaker_id = ls.corpus_id
            # The corpus name is the fullest name seen.
            conn.execute(
                """UPDATE speakers SET name = %(name)s WHERE id = %(id)s
                   AND length(%(name)s) - length(replace(%(name)s, ' ', ''))
                       > length(name) - length(replace(name, ' ', ''))""",
                {"name": speaker.name, "id": speaker_id},
            )
        published = linked.document.published
        with conn.cursor() as cursor:
            many = cursor.executemany
            many(
                "INSERT INTO speaker_keys (key, speaker_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                [(key, speaker_id) for key in ls.keys],
            )
            many(
                """INSERT INTO speaker_aliases AS s (speaker_id, alias, count) VALUES (%s, %s, 1)
                   ON CONFLICT (speaker_id, alias) DO UPDATE SET count = s.count + 1""",
                [(speaker_id, alias) for alias in ls.aliases],
            )
            many(
                """INSERT INTO speaker_roles AS s (speaker_id, role, count, first_seen, last_seen)
                   VALUES (%s, %s, 1, %s, %s)
                   ON CONFLICT (speaker_id, role) DO UPDATE SET count = s.count + 1,
                       first_seen = LEAST(s.first_seen, excluded.first_seen),
                       last_seen = GREATEST(s.last_seen, excluded.last_seen)""",
                [(speaker_id, role, published, published) for role in speaker.roles],
            )
            many(
                "INSERT INTO speaker_context (speaker_id, key) VALUES (%s, %s)"
                " ON CONFLICT DO NOTHING",
                [(speaker_id, key) for key in ls.context],
            )
            many(
                "INSERT INTO mentions (article_id, speaker_id, local_id, spans, text)"
                " VALUES (%s, %s, %s, %s, %s)",
                [
                    (linked.id, speaker_id, speaker.id, spans_json(m), m.text)
                    for m in speaker.mentions
                ],
            )
        return speaker_id

    def _insert_attributions(
        self, conn: psycopg.Connection, linked: LinkedArticle, speakers: dict[str, int]
    ) -> dict[int, int]:
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
                        "INSERT INTO quote_clusters (text) VALUES (%s) RETURNING id", (quote.text,)
                    ).fetchone()[0]
                    created[index] = cluster_id
                item = self._add_variant(conn, cluster_id, quote.words) if quote.words else None
                if item is not None:
                    self._add_keys(conn, item, quote.keys)
            ref = attribution.speaker
            speaker_id = speakers.get(ref.id) if ref is not None and ref.id else None
            values = attribution_values(
                linked.id, attribution, speaker_id, cluster_id, quote, linked.document.published
            )
            row_id = conn.execute(
                insert_sql("attributions", values, "%s") + " RETURNING id", tuple(values.values())
            ).fetchone()[0]
            keys = linked.about_keys[index] if index < len(linked.about_keys) else []
            about = [
                (row_id, e.name, e.type, key)
                for e, key in zip(attribution.about, keys, strict=False)
            ]
            if about:
                with conn.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO about (attribution_id, name, type, key)"
                        " VALUES (%s, %s, %s, %s)",
                        about,
                    )
                    cursor.executemany(
                        "INSERT INTO about_names (name) VALUES (%s) ON CONFLICT DO NOTHING",
                        [(name,) for _, name, _, _ in about],
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
        conn.execute(
            """UPDATE quote_clusters SET articles = articles + 1,
                   first_published = LEAST(first_published, %(p)s::text)
               WHERE id IN (SELECT cluster_id FROM attributions
                            WHERE article_id = %(a)s AND cluster_id IS NOT NULL)""",
            params,
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
