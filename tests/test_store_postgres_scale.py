"""The PostgreSQL store's paths for large stores (migrations 2 to 5): running totals for
``stats()``, one-word and ``about`` searches, statement pages chosen from the statements alone,
names matched through trigram indexes. Each must give what the plain queries give; these
skip without PostgreSQL 15.
"""

from __future__ import annotations

import random
from pathlib import Path

import psycopg
import pytest

from builders import article
from saidwhat.link.linker import CorpusLinker
from saidwhat.model import Document, EntityRef
from saidwhat.store import DuplicateArticle, QuoteFilter, Store, open_store, postgres_migrations
from saidwhat.store.postgres import PostgresStore
from saidwhat.store.postgres_filters import filter_sql
from saidwhat.store.rows import STATEMENT_FROM

PEOPLE = [
    ("Elena Varga", "PERSON"),
    ("Tomas Brandt", "PERSON"),
    ("Anna Brandt", "PERSON"),
    ("Port Workers' Union", "ORG"),
    ("Harbour Authority", "ORG"),
    ("officials", "GROUP"),
]
OUTLETS = ["Ledger", "Courier", "Harbour News", None]
ABOUT = [EntityRef("Port Lantern", "GPE"), EntityRef("the Union", "ORG"), EntityRef("Nadia", "GPE")]
QUOTES = [
    "We will not accept a deal that leaves our harbour workers behind",
    "The walls will hold through the winter storms",
    "Nobody is above the law and the investigation will continue",
]


def corpus(n: int, seed: int = 3) -> list[Document]:
    """``n`` articles: 1-3 statements each by people of ``PEOPLE``, recurring quotes, four
    outlets (one missing), dates over two months (some missing), 1-2 ``about`` names;
    every fifth article republishes an earlier one with a new first line."""
    rng = random.Random(seed)
    documents: list[Document] = []
    for i in range(n):
        if i % 5 == 4:
            source = documents[rng.randrange(len(documents))]
            documents.append(
                Document(
                    id=f"r{i}",
                    text=f"Republished {i}.\n\n" + source.text.split("\n\n", 1)[-1],
                    url=f"https://copy.example/{i}",
                    outlet="Courier",
                    published=f"2026-04-{1 + i % 28:02d}",
                    attributions=[],
                    speakers=[],
                )
            )
            continue
        statements = []
        for _ in range(rng.randint(1, 3)):
            name, type_ = rng.choice(PEOPLE)
            words = rng.choice(QUOTES) if rng.random() < 0.4 else f"Statement {i} {rng.random()}"
            statements.append((name, type_, rng.choice(["said", "told reporters"]), words))
        day = None if i % 11 == 0 else f"2026-0{3 + i % 2}-{1 + i % 28:02d}"
        documents.append(
            article(
                f"d{i}",
                statements,
                outlet=OUTLETS[i % len(OUTLETS)],  # type: ignore[arg-type]
                published=day,  # type: ignore[arg-type]
                url=f"https://news.example/{i}",
                lead=f"Report {i} from the harbour.",
                about=rng.sample(ABOUT, rng.randint(1, 2)),
                kind=rng.choice(["direct", "indirect"]),
            )
        )
    return documents


def ingest(store: Store, documents: list[Document]) -> int:
    """Write ``documents`` in batches of 7, as ingest does; how many were refused."""
    linker = CorpusLinker(store)
    refused = 0
    for start in range(0, len(documents), 7):
        with store.writing():
            for document in documents[start : start + 7]:
                try:
                    store.add_article(linker.link(document))
                except DuplicateArticle:
                    refused += 1
    return refused


def recount(url: str) -> dict[str, object]:
    """What ``stats()`` counted before migration 2: counts over the tables."""
    with psycopg.connect(url) as conn:

        def one(sql: str) -> object:
            return conn.execute(sql).fetchone()[0]

        def groups(sql: str) -> dict[str, int]:
            return dict(conn.execute(sql).fetchall())

        return {
            "articles": one("SELECT count(*) FROM articles"),
            "attributed_articles": one("SELECT count(*) FROM articles WHERE attributed <> 0"),
            "languages": groups(
                "SELECT coalesce(language, '?'), count(*) FROM articles GROUP BY 1"
            ),
            "outlets": one("SELECT count(DISTINCT outlet) FROM articles"),
            "stories": one("SELECT count(DISTINCT story_id) FROM articles"),
            "republished_stories": one(
                "SELECT count(*) FROM (SELECT story_id FROM articles GROUP BY story_id"
                " HAVING count(*) > 1) AS republished"
            ),
            "statements": one("SELECT count(*) FROM attributions"),
            "kinds": groups("SELECT kind, count(*) FROM attributions GROUP BY kind"),
            "speakers": one("SELECT count(*) FROM speakers"),
            "quote_clusters": one("SELECT count(*) FROM quote_clusters WHERE articles > 1"),
            "first_published": one("SELECT min(published) FROM articles"),
            "last_published": one("SELECT max(published) FROM articles"),
        }


def test_stats_after_many_writes_equal_a_recount_and_sqlite(
    postgres_url: str, tmp_path: Path
) -> None:
    documents = corpus(60)
    documents.append(documents[3])  # a duplicate: refused, counted nowhere
    with open_store(postgres_url) as store:
        assert ingest(store, documents) == 1
        stats = store.stats()
    assert stats == recount(postgres_url)
    assert stats["republished_stories"] > 0 and stats["quote_clusters"] > 0
    assert stats["outlets"] == 3 and stats["speakers"] > 0
    with open_store(tmp_path / "corpus.db") as sqlite:
        ingest(sqlite, documents)
        assert sqlite.stats() == stats


def test_migration_2_counts_a_store_written_before_it(postgres_url: str) -> None:
    with open_store(postgres_url) as store:
        ingest(store, corpus(30))
    backfill = postgres_migrations._V2.split("INSERT INTO store_counts (what, key, n)", 1)[1]
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("DELETE FROM store_counts")  # as a version-1 store has none
        conn.execute("INSERT INTO store_counts (what, key, n)" + backfill)
    with open_store(postgres_url, readonly=True) as store:
        assert store.stats() == recount(postgres_url)


def words(url: str) -> dict[str, int]:
    """How many statements hold each lexeme, counted over the statements."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT w.lexeme, count(*) FROM attributions a, unnest(a.fts) AS w GROUP BY 1"
        )
        return dict(rows.fetchall())


def stored_words(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return dict(conn.execute("SELECT lexeme, statements FROM fts_words").fetchall())


def about_names(url: str) -> tuple[dict[str, int], dict[str, int]]:
    """The statements about each name: as ``about_names`` holds them, and counted."""
    with psycopg.connect(url) as conn:
        stored = conn.execute("SELECT name, statements FROM about_names").fetchall()
        counted = conn.execute(
            "SELECT name, count(DISTINCT attribution_id) FROM about GROUP BY name"
        ).fetchall()
    return dict(stored), dict(counted)


def test_the_word_totals_equal_a_recount_after_batches_and_single_writes(
    postgres_url: str,
) -> None:
    documents = corpus(40)
    with open_store(postgres_url) as store:
        assert ingest(store, documents[:30] + [documents[3]]) == 1  # a duplicate, refused
        linker = CorpusLinker(store)
        for document in documents[30:]:  # outside a batch: each its own transaction
            store.add_article(linker.link(document))
    counted = words(postgres_url)
    assert stored_words(postgres_url) == counted
    assert counted["harbour"] > counted["wall"] > 0 and "the" not in counted
    stored, counted = about_names(postgres_url)
    assert stored == counted and len(stored) == len(ABOUT)


def test_migration_4_counts_the_words_of_a_store_written_before_it(postgres_url: str) -> None:
    with open_store(postgres_url) as store:
        ingest(store, corpus(30))
    backfill = postgres_migrations._V4.split("INSERT INTO fts_words (lexeme, statements)", 1)[1]
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("DELETE FROM fts_words")  # as a version-3 store has none
        conn.execute("INSERT INTO fts_words (lexeme, statements)" + backfill)
    assert stored_words(postgres_url) == words(postgres_url)
    with open_store(postgres_url, readonly=True) as store:
        assert store.count_quotes(QuoteFilter(q="walls")) == words(postgres_url)["wall"]


def test_migration_5_counts_the_about_names_of_a_store_written_before_it(
    postgres_url: str,
) -> None:
    with open_store(postgres_url) as store:
        ingest(store, corpus(30))
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE about_names DROP COLUMN statements")  # as in version 4
        for statement in postgres_migrations._V5.split(";")[:-1]:
            conn.execute(statement)
    stored, counted = about_names(postgres_url)
    assert stored == counted and min(stored.values()) > 0


FILTERS = [
    QuoteFilter(),
    QuoteFilter(speaker="Brandt"),
    QuoteFilter(speaker="brandt", kind="direct"),
    QuoteFilter(speaker="Elena Varga", since="2026-03-05", until="2026-04-20"),
    QuoteFilter(speaker="offic"),
    QuoteFilter(speaker="nobody at all"),
    QuoteFilter(about="lantern"),  # one name: counted from about_names
    QuoteFilter(about="n"),  # three names: their statements counted once each
    QuoteFilter(about="Union", speaker="Varga"),
    QuoteFilter(about="no such place"),
    QuoteFilter(outlet="ledger"),
    QuoteFilter(outlet="news", since="2026-03-10"),
    QuoteFilter(outlet="nowhere"),
    QuoteFilter(q="harbour workers"),
    QuoteFilter(q="walls", outlet="Courier"),
    QuoteFilter(speaker="Brandt", q="walls", kind="direct"),  # a common word: walked
    QuoteFilter(speaker="Varga", q="harbour", since="2026-03-10"),
    QuoteFilter(q="walls"),  # one word: counted from fts_words
    QuoteFilter(q="Workers"),  # stemmed: "worker"
    QuoteFilter(q="varga"),  # a speaker's name
    QuoteFilter(q="the"),  # a stop word: finds nothing
    QuoteFilter(q="unheard"),  # in no statement
    QuoteFilter(q="harb*"),  # the prefix of one word: counted from fts_words
    QuoteFilter(q="Harbour*"),
    QuoteFilter(q="w*"),  # of several: counted through the index
    QuoteFilter(until="2026-03-15", kind="indirect"),
    QuoteFilter(kind="direct"),
    QuoteFilter(kind="mixed"),
]


@pytest.mark.parametrize("page", [(50, 0), (3, 2), (5, 40)])
def test_statement_pages_and_counts_equal_the_plain_query(
    postgres_url: str, page: tuple[int, int]
) -> None:
    limit, offset = page
    with open_store(postgres_url) as store:
        ingest(store, corpus(60))
    with PostgresStore(postgres_url, readonly=True) as store:
        for where in FILTERS:
            sql, params = filter_sql(where)
            with psycopg.connect(postgres_url) as conn:
                want = [
                    row[0]
                    for row in conn.execute(
                        f"SELECT a.id {STATEMENT_FROM} WHERE {sql}"
                        " ORDER BY r.published DESC NULLS LAST, a.id LIMIT %s OFFSET %s",
                        (*params, limit, offset),
                    )
                ]
                count = conn.execute(f"SELECT count(*) {STATEMENT_FROM} WHERE {sql}", params)
                count = count.fetchone()[0]
            assert [s.id for s in store.quotes(where, limit=limit, offset=offset)] == want, where
            assert store.count_quotes(where) == count, where


def _names(store: Store) -> tuple[object, ...]:
    return (
        [s.name for s in store.speakers("brandt")],
        store.count_speakers("ORT WOR"),
        [s.id for s in store.quotes(QuoteFilter(speaker="randt"), limit=100)],
        [s.id for s in store.quotes(QuoteFilter(speaker="officials"), limit=100)],
        [s.id for s in store.quotes(QuoteFilter(about="lant"), limit=100)],
        store.count_quotes(QuoteFilter(speaker="Varga")),
    )


def _trigram_indexes(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [
            row[0]
            for row in conn.execute(
                "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_trgm' ORDER BY 1"
            )
        ]


def test_trigram_indexes_find_what_a_scan_finds_and_come_back_on_open(
    postgres_url: str,
) -> None:
    with open_store(postgres_url) as store:
        ingest(store, corpus(40))
        assert _trigram_indexes(postgres_url) == sorted(postgres_migrations.TRIGRAM_INDEXES)
        indexed = _names(store)
    assert sorted(indexed[0]) == ["Anna Brandt", "Tomas Brandt"]  # type: ignore[call-overload]
    assert all(indexed[2:5])
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("DROP EXTENSION pg_trgm CASCADE")  # the indexes go with it
    assert _trigram_indexes(postgres_url) == []
    with PostgresStore(postgres_url, readonly=True) as store:
        assert _names(store) == indexed  # scans; and the open made them again
    assert _trigram_indexes(postgres_url) == sorted(postgres_migrations.TRIGRAM_INDEXES)


def test_without_pg_trgm_the_store_warns_and_still_finds_names(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(postgres_url) as store:
        ingest(store, corpus(20))
        indexed = _names(store)
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("DROP EXTENSION pg_trgm CASCADE")
    # as when the extension cannot be created (not installed, or no right to)
    monkeypatch.setitem(
        postgres_migrations.TRIGRAM_INDEXES, "speakers_name_trgm", "ON speakers USING nothing"
    )
    with pytest.warns(UserWarning, match="pg_trgm could not be created"):
        store = open_store(postgres_url, readonly=True)
    with store:
        assert _names(store) == indexed
    assert _trigram_indexes(postgres_url) == []


def test_the_cluster_listing_kept_between_calls_is_read_again_after_a_write(
    postgres_url: str,
) -> None:
    from saidwhat.store import postgres_reads

    documents = corpus(60)
    with open_store(postgres_url) as store:
        ingest(store, documents[:30])
        first = store.clusters(min_size=1)
        assert store.clusters(min_size=1) == first  # kept
        ingest(store, documents[30:])
        again = store.clusters(min_size=1)
        postgres_reads._CLUSTERS.clear()
        assert again == store.clusters(min_size=1) != first
