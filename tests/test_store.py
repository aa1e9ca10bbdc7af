"""The stores and the corpus linker, on documents built by hand (no model needed).

The ``store`` and ``corpus`` tests run on both backends (``backend``: SQLite, PostgreSQL);
the rest test the SQLite file itself."""

from __future__ import annotations

import csv
import io
import json
import pickle
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import psycopg
import pyarrow.parquet as pq
import pytest

import saidwhat
from builders import article
from saidwhat.errors import InputError, NotFoundError, StoreError
from saidwhat.link.linker import CorpusLinker, LinkKeys, with_link_keys
from saidwhat.link.postings import Namespace
from saidwhat.model import Document, TextSpan
from saidwhat.store import MIGRATIONS, DuplicateArticle, QuoteFilter, SQLiteStore, Store, open_store
from saidwhat.store.export import write_csv, write_jsonl, write_parquet
from saidwhat.store.rows import spans_json, spans_of
from saidwhat.store.sqlite_postings import logged_postings

QUOTE = "We will not accept a deal that leaves our harbour workers behind"


def add(store: Store, document: Document) -> str:
    linker = CorpusLinker(store)
    linked = linker.link(document)
    store.add_article(linked)
    return linked.id


@pytest.fixture
def store(location: str) -> Iterator[Store]:
    """A new store of each backend."""
    with open_store(location) as fresh:
        yield fresh


def rows(store: Store, sql: str) -> list[tuple[Any, ...]]:
    """The rows of a query (in the SQL both backends speak) on the store's database."""
    if isinstance(store, SQLiteStore):
        return store.conn.execute(sql).fetchall()
    with psycopg.connect(store.url) as conn:
        return conn.execute(sql).fetchall()


def test_a_new_store_is_migrated_and_reopening_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with SQLiteStore(path) as store:
        add(
            store,
            article(
                "a",
                [("Elena Varga", "PERSON", "said", QUOTE)],
                outlet="Ledger",
                published="2026-03-01",
            ),
        )
    with SQLiteStore(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.stats()["articles"] == 1


def test_a_newer_or_foreign_file_is_refused(tmp_path: Path) -> None:
    newer = tmp_path / "newer.db"
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this saidwhat"):
        SQLiteStore(newer)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    for readonly in (False, True):
        with pytest.raises(StoreError, match="something else"):
            SQLiteStore(other, readonly=readonly)
    conn = sqlite3.connect(other)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["notes"]
    conn.close()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="not a saidwhat store"):
        SQLiteStore(junk)
    with pytest.raises(StoreError, match="newer than this saidwhat"):
        SQLiteStore(newer, readonly=True)
    with pytest.raises(NotFoundError, match="saidwhat ingest"):
        SQLiteStore(tmp_path / "missing.db", readonly=True)


def test_a_path_with_uri_characters_opens_read_only(tmp_path: Path) -> None:
    path = tmp_path / "my#store?50%.db"
    with SQLiteStore(path) as store:
        add(
            store,
            article(
                "a",
                [("Elena Varga", "PERSON", "said", QUOTE)],
                outlet="Ledger",
                published="2026-03-01",
            ),
        )
    with SQLiteStore(path, readonly=True) as store:
        assert store.stats()["articles"] == 1
    # No stray file from a URI cut at "#" or "?" (a reader may leave the WAL's own files).
    names = {p.name for p in tmp_path.iterdir()}
    assert names - {"my#store?50%.db-wal", "my#store?50%.db-shm"} == {"my#store?50%.db"}


def test_stored_article_keeps_text_offsets_and_corpus_speaker_ids(store: Store) -> None:
    doc = article(
        "a",
        [("Elena Varga", "PERSON", "said", QUOTE)],
        outlet="Ledger",
        published="2026-03-01",
        url="https://ledger.example/a",
        roles={"Elena Varga": ["mayor"]},
    )
    article_id = add(store, doc)
    stored, statements, story = store.article(article_id)
    assert stored.text == doc.text and story == article_id
    (statement,) = statements
    content = statement.attribution.content
    assert content.text == QUOTE == stored.text[content.start : content.end]
    assert statement.attribution.speaker.name == "Elena Varga"
    speaker = store.speaker(int(statement.attribution.speaker.id))
    assert [r.role for r in speaker.roles] == ["mayor"]
    assert speaker.roles[0].first_seen == "2026-03-01"
    assert statement.to_dict()["url"] == "https://ledger.example/a"
    assert [e.name for e in statement.attribution.about] == ["Port Lantern"]


def test_an_undated_article_keeps_the_dates_a_role_was_seen(store: Store) -> None:
    for name, published, last in [
        ("a", "2026-03-01", "2026-03-01"),
        ("b", None, "2026-03-01"),
        ("c", "2026-03-05", "2026-03-05"),
    ]:
        doc = article(
            name,
            [("Elena Varga", "PERSON", "said", f"{QUOTE} in {name}")],
            outlet="Ledger",
            published=published,  # type: ignore[arg-type]
            url=f"https://ledger.example/{name}",
            roles={"Elena Varga": ["mayor"]},
        )
        add(store, doc)
        (speaker,) = store.speakers("Varga")
        role = store.speaker(int(speaker.id)).roles[0]
        assert (role.first_seen, role.last_seen) == ("2026-03-01", last), name


def test_same_url_or_same_normalised_text_is_a_duplicate(store: Store) -> None:
    doc = article(
        "a",
        [("Elena Varga", "PERSON", "said", QUOTE)],
        outlet="Ledger",
        published="2026-03-01",
        url="https://ledger.example/a",
    )
    add(store, doc)
    with pytest.raises(DuplicateArticle):
        add(store, doc)
    linker = CorpusLinker(store)
    respaced = Document(id="b", text=doc.text.replace("“", '"').replace("”", '"') + "  ")
    assert store.has_article(url=None, text_key=linker.link(respaced).text_key)
    assert store.has_article(url="https://ledger.example/a", text_key="other")
    assert not store.has_article(url="https://ledger.example/b", text_key="other")
    assert store.stats()["articles"] == 1


def test_a_failed_write_leaves_no_half_article(store: Store, monkeypatch) -> None:
    doc = article(
        "a", [("Elena Varga", "PERSON", "said", QUOTE)], outlet="Ledger", published="2026-03-01"
    )

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "_insert_attributions", broken)
    with pytest.raises(RuntimeError):
        add(store, doc)
    tables = ["articles", "speakers", "mentions", "attributions", "link_keys", "cluster_reports"]
    tables += ["quote_variants", "quote_clusters", "speaker_keys", "about"]
    if isinstance(store, SQLiteStore):
        tables += ["attributions_fts", "link_keys_log"]
        assert len(store._postings.recent) == 0  # nor in the writer's memory
    for table in tables:
        assert rows(store, f"SELECT count(*) FROM {table}") == [(0,)], table


def test_link_keys_computed_where_extracted_give_the_same_link(store: Store) -> None:
    when = {"outlet": "Ledger", "published": "2026-03-01"}
    add(store, article("a", [("Elena Varga", "PERSON", "said", QUOTE)], **when))
    doc = article("b", [("Elena Varga", "PERSON", "warned", QUOTE + " today")], **when)
    # as a worker process hands it back: pickled, carrying its keys
    carried = pickle.loads(pickle.dumps(with_link_keys(doc)))
    assert isinstance(carried.link_keys, LinkKeys)
    linker = CorpusLinker(store)
    assert linker.link(carried) == linker.link(doc)
    assert linker.link(carried).quotes[0].cluster_id is not None
    # keys made for another text are not used
    changed = replace(carried, text=carried.text.replace("today", "tonight"))
    assert linker.link(changed) == linker.link(replace(changed, link_keys=None))
    assert linker.link(changed).text_key != linker.link(carried).text_key


def test_a_batch_is_one_transaction_whose_links_see_its_own_articles(store: Store) -> None:
    first = article(
        "a", [("Elena Varga", "PERSON", "said", QUOTE)], outlet="Ledger", published="2026-03-01"
    )
    again = article(
        "b",
        [("Elena Varga", "PERSON", "told reporters", QUOTE)],
        outlet="Post",
        published="2026-03-02",
        lead="The Post reports.",
    )
    with store.writing():
        add(store, first)
        add(store, again)  # linked inside the batch: to the batch's speaker and cluster
        with pytest.raises(DuplicateArticle):
            add(store, first)  # refused alone: the batch goes on
    statements = store.quotes()
    assert len(statements) == 2
    assert len({s.attribution.speaker.id for s in statements}) == 1
    assert len({s.cluster_id for s in statements}) == 1
    assert None not in {s.cluster_id for s in statements}
    assert store.stats()["articles"] == 2


def test_a_batch_that_fails_stores_none_of_its_articles(store: Store) -> None:
    when = {"outlet": "Ledger", "published": "2026-03-01"}
    add(store, article("kept", [("Tomas Varga", "PERSON", "said", "The river is rising")], **when))
    with pytest.raises(RuntimeError), store.writing():
        add(store, article("a", [("Elena Varga", "PERSON", "said", QUOTE)], **when))
        raise RuntimeError("killed mid-batch")
    assert [s.attribution.speaker.name for s in store.quotes()] == ["Tomas Varga"]
    assert rows(store, "SELECT count(*) FROM speakers") == [(1,)]
    assert rows(store, "SELECT count(*) FROM quote_clusters") == [(0,)]
    # the store takes writes again, batched or not
    with store.writing():
        add(store, article("a", [("Elena Varga", "PERSON", "said", QUOTE)], **when))
    assert store.stats()["articles"] == 2


@pytest.fixture
def corpus(store: Store) -> Store:
    """Three outlets report the mayor's quote; one changes a word, one truncates it."""
    add(
        store,
        article(
            "wire",
            [
                ("Elena Varga", "PERSON", "said", QUOTE),
                (
                    "Tomas Varga",
                    "PERSON",
                    "warned",
                    "The river will rise faster than the walls we are building",
                ),
            ],
            outlet="Lantern Wire",
            published="2026-03-02",
            roles={"Elena Varga": ["mayor"], "Tomas Varga": ["hydrologist"]},
        ),
    )
    add(
        store,
        article(
            "ledger",
            [("Elena Varga", "PERSON", "told reporters", QUOTE.replace("will not", "cannot"))],
            outlet="Harbour Ledger",
            published="2026-03-03",
            roles={"Elena Varga": ["Mayor"]},
            lead="Harbour Ledger reports.",
        ),
    )
    # Stored last but published first: the first appearance.
    add(
        store,
        article(
            "early",
            [("Varga", "PERSON", "said", QUOTE + " again and again")],
            outlet="Morning Post",
            published="2026-03-01",
            roles={"Varga": ["mayor"]},
            lead="Morning Post, early edition.",
        ),
    )
    add(
        store,
        article(
            "other",
            [
                (
                    "Port Workers' Union",
                    "ORG",
                    "said",
                    "Nobody asked the crane operators what they think",
                )
            ],
            outlet="Harbour Ledger",
            published="2026-03-04",
        ),
    )
    return store


def test_speakers_link_across_outlets_but_not_two_people_with_one_surname(
    corpus: Store,
) -> None:
    names = {s.name: s for s in corpus.speakers()}
    assert set(names) == {"Elena Varga", "Tomas Varga", "Port Workers' Union"}
    elena = names["Elena Varga"]
    assert elena.statements == 3 and elena.articles == 3
    assert set(elena.aliases) == {"Elena Varga", "Varga"}
    assert elena.first_seen == "2026-03-01" and elena.last_seen == "2026-03-03"
    assert names["Tomas Varga"].statements == 1


def test_speaker_profile_counts_months_outlets_and_topics(corpus: Store) -> None:
    elena = corpus.speakers("Elena")[0]
    profile = corpus.speaker_profile(elena.id)
    assert profile.by_month == [("2026-03", 3)]
    assert dict(profile.outlets) == {"Lantern Wire": 1, "Harbour Ledger": 1, "Morning Post": 1}
    assert profile.about == [("Port Lantern", "GPE", 3)]
    assert profile.to_dict()["by_month"] == [{"month": "2026-03", "statements": 3}]
    with pytest.raises(NotFoundError):
        corpus.speaker_profile(9999)


def test_stats_kept_as_articles_arrive_equal_a_recount(corpus: Store) -> None:
    wire = corpus.article(corpus.quotes(QuoteFilter(outlet="Lantern Wire"))[0].article_id)[0]
    copy = Document(id="copy", text=wire.text + " (Copied.)", outlet=None, language="fr")
    copy.attributions = [a for a in wire.attributions if a.kind == "direct"][:1]
    with corpus.writing():
        add(corpus, copy)  # a republication: one more article of a story, no outlet
        add(
            corpus,
            article(
                "extra",
                [("Tomas Varga", "PERSON", "said", "The walls hold")],
                outlet="Lantern Wire",
                published="2026-03-09",
                kind="indirect",
            ),
        )
    recount = {
        "articles": "SELECT count(*) FROM articles",
        "attributed_articles": "SELECT count(*) FROM articles WHERE attributed = 1",
        "outlets": "SELECT count(DISTINCT outlet) FROM articles",
        "stories": "SELECT count(DISTINCT story_id) FROM articles",
        "republished_stories": "SELECT count(*) FROM (SELECT story_id FROM articles"
        " GROUP BY story_id HAVING count(*) > 1) AS s",
        "statements": "SELECT count(*) FROM attributions",
        "speakers": "SELECT count(*) FROM speakers",
        "quote_clusters": "SELECT count(*) FROM quote_clusters WHERE articles > 1",
    }
    stats = corpus.stats()
    assert {name: stats[name] for name in recount} == {
        name: rows(corpus, sql)[0][0] for name, sql in recount.items()
    }
    assert stats["republished_stories"] == 1 and stats["outlets"] == 3
    languages = "SELECT coalesce(language, '?'), count(*) FROM articles GROUP BY 1"
    assert stats["languages"] == dict(rows(corpus, languages))
    assert stats["kinds"] == dict(
        rows(corpus, "SELECT kind, count(*) FROM attributions GROUP BY 1")
    )


@pytest.mark.parametrize(
    "where",
    [
        QuoteFilter(),
        QuoteFilter(speaker="Varga"),
        QuoteFilter(speaker="varga"),
        QuoteFilter(speaker="Union"),
        QuoteFilter(speaker=""),
        QuoteFilter(q="harbour workers"),
        QuoteFilter(q="river*"),
        QuoteFilter(q="  "),
        QuoteFilter(speaker="Varga", kind="direct"),
        QuoteFilter(outlet="Ledger", since="2026-03-03"),
        QuoteFilter(outlet="ledger"),
        QuoteFilter(since="2026-03-02", until="2026-03-03"),
        QuoteFilter(until="2026-03-02"),
        QuoteFilter(outlet="Harbour"),
        QuoteFilter(outlet="r"),  # several outlets
        QuoteFilter(outlet="r", until="2026-03-03"),
        QuoteFilter(outlet="Nowhere"),
        QuoteFilter(outlet="Post", speaker="Varga"),
        QuoteFilter(speaker="Varga", q="harbour"),
        QuoteFilter(speaker="officials", q="harbour"),
        QuoteFilter(speaker="Varga", kind="direct", q="harbour", since="2026-03-02"),
        QuoteFilter(speaker="Nobody", q="harbour"),
    ],
    ids=repr,
)
def test_counts_equal_the_statements_found(corpus: Store, where: QuoteFilter) -> None:
    officials = article(
        "officials",
        [("Varga officials", "GROUP", "said", "The harbour stays closed on Sunday")],
        outlet="Morning Post",
        published="2026-03-05",
    )
    add(corpus, officials)  # an unlinked source, found by its name
    assert corpus.count_quotes(where) == len(corpus.quotes(where, limit=1000))


@pytest.mark.parametrize(
    "where",
    [
        QuoteFilter(speaker="Varga"),
        QuoteFilter(q="harbour"),
        QuoteFilter(about="Lantern", since="2026-03-02"),
        QuoteFilter(speaker="Varga", kind="direct", until="2026-03-02"),
    ],
    ids=repr,
)
@pytest.mark.parametrize("backend", ["sqlite"])  # the two plans are SQLite's
def test_walking_newest_first_and_sorting_the_matches_agree(
    corpus: Store, where: QuoteFilter, monkeypatch
) -> None:
    found = {}
    for walk in (True, False):
        monkeypatch.setattr(SQLiteStore, "_walk", lambda *args, walk=walk: walk)
        found[walk] = [(s.id, s.published) for s in corpus.quotes(where)]
        assert found[walk] == [(s.id, s.published) for s in corpus.quotes(where, limit=100)]
    assert found[True] == found[False] and found[True]
    assert [p for _, p in found[True]] == sorted((p for _, p in found[True]), reverse=True)


@pytest.mark.parametrize(
    "where",
    [
        QuoteFilter(speaker="Varga", q="harbour"),
        QuoteFilter(speaker="Varga", q="harb*"),
        QuoteFilter(speaker="a", q="the"),  # several speakers and unlinked sources
        QuoteFilter(speaker="Varga", kind="direct", q="harbour", since="2026-03-02"),
        QuoteFilter(speaker="officials", q="harbour"),
        QuoteFilter(speaker="Varga", q="harbour", outlet="e", until="2026-03-03"),
    ],
    ids=repr,
)
@pytest.mark.parametrize("backend", ["sqlite"])  # the two plans are SQLite's
def test_a_speaker_s_words_found_by_either_side_agree(
    corpus: Store, where: QuoteFilter, monkeypatch
) -> None:
    add(
        corpus,
        article(
            "officials",
            [("Varga officials", "GROUP", "said", "The harbour stays closed on Sunday")],
            outlet="Morning Post",
            published="2026-03-05",
        ),
    )
    found, counts, plans = {}, {}, set()

    def plan(sql: str, words: bool) -> None:
        if "+rowid IN (" in sql:
            plans.add((words, "words drive"))
        if "WHERE id IN (SELECT rowid FROM attributions_fts" in sql:
            plans.add((words, "speaker drives"))

    for words in (True, False):
        for walk in (True, False):
            monkeypatch.setattr(SQLiteStore, "_words_drive", lambda *args, w=words: w)
            monkeypatch.setattr(SQLiteStore, "_walk", lambda *args, walk=walk: walk)
            corpus.conn.set_trace_callback(lambda sql, w=words: plan(sql, w))
            found[words, walk] = tuple((s.id, s.published) for s in corpus.quotes(where))
            counts[words, walk] = corpus.count_quotes(where)
            corpus.conn.set_trace_callback(None)
            # a page further on is the same list, cut
            assert corpus.quotes(where, limit=2, offset=1) == corpus.quotes(where)[1:3]
    assert plans == {(True, "words drive"), (False, "speaker drives")}
    assert found[True, True] and len(set(found.values())) == 1
    assert set(counts.values()) == {len(found[True, True])}
    # the plain filter (each statement of the speaker tested for the words) finds the same
    with_words = _with_words(corpus, where.q or "")
    plain = [
        (s.id, s.published)
        for s in corpus.quotes(replace(where, q=None), limit=1000)
        if s.id in with_words
    ]
    assert list(found[True, True]) == plain


def _with_words(store: Store, q: str) -> set[int]:
    """The ids of the statements that have the words of ``q`` (a search of words alone)."""
    return {s.id for s in store.quotes(QuoteFilter(q=q), limit=1000)}


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_store_migrated_to_statement_outlets_finds_and_counts_as_a_new_one(
    corpus: Store, location: str
) -> None:
    filters = [QuoteFilter(outlet=o) for o in ("Harbour", "r", "Post", "Nowhere")] + [
        QuoteFilter(outlet="Ledger", since="2026-03-04"),
        QuoteFilter(outlet="e", speaker="Varga", q="harbour"),
    ]
    before = [(corpus.quotes(f), corpus.count_quotes(f)) for f in filters]
    corpus.close()
    # the store as a saidwhat before migration 7 left it (and so before 8)
    conn = sqlite3.connect(location)
    conn.executemany("INSERT INTO link_keys VALUES (?, ?, ?)", logged_postings(conn))
    conn.executescript(
        """CREATE VIRTUAL TABLE articles_fts USING fts5(title, text);
           DROP TABLE link_keys_log;
           DROP TABLE link_state;
           DROP INDEX attributions_outlet_published;
           DROP INDEX attributions_speaker_kind_published;
           ALTER TABLE attributions DROP COLUMN outlet;
           DELETE FROM totals WHERE name = 'outlet_statements';
           PRAGMA user_version = 6;"""
    )
    conn.close()
    with SQLiteStore(location, readonly=True) as store:  # migrated on open
        outlets = store.conn.execute(
            """SELECT a.outlet, r.outlet FROM attributions a
               JOIN articles r ON r.id = a.article_id"""
        ).fetchall()
        assert len(outlets) == 5 and all(mine == its for mine, its in outlets)
        totals = store.conn.execute(
            "SELECT key, n FROM totals WHERE name = 'outlet_statements' ORDER BY key"
        ).fetchall()
        assert totals == [("Harbour Ledger", 2), ("Lantern Wire", 2), ("Morning Post", 1)]
        assert [(store.quotes(f), store.count_quotes(f)) for f in filters] == before
        assert [n for _, n in before] == [len(found) for found, _ in before]
        assert [n for _, n in before][:4] == [2, 5, 1, 0]


def test_a_reader_s_cluster_listing_follows_another_writer(corpus: Store, location: str) -> None:
    with open_store(location, readonly=True) as reader:
        before = reader.clusters()
        assert reader.clusters() == before  # the same, asked again
        (mayor,) = [c for c in before if "harbour workers" in c.text]
        add(
            corpus,
            article(
                "later",
                [("Elena Varga", "PERSON", "repeated", QUOTE)],
                outlet="Evening Star",
                published="2026-03-06",
            ),
        )
        (after,) = [c for c in reader.clusters() if c.id == mayor.id]
        assert after.size == mayor.size + 1 and "Evening Star" in str(after.to_dict())


def test_running_totals_match_a_recount(corpus: Store) -> None:
    recount = rows(
        corpus,
        """SELECT s.id, count(a.id), count(DISTINCT a.article_id), min(r.published),
                  max(r.published)
           FROM speakers s JOIN attributions a ON a.speaker_id = s.id
           JOIN articles r ON r.id = a.article_id GROUP BY s.id ORDER BY s.id""",
    )
    totals = rows(
        corpus, "SELECT id, statements, articles, first_seen, last_seen FROM speakers ORDER BY id"
    )
    assert totals == recount
    clusters = rows(
        corpus,
        """SELECT c.id, c.articles, c.first_published, count(DISTINCT a.article_id),
                  min(r.published)
           FROM quote_clusters c JOIN attributions a ON a.cluster_id = c.id
           JOIN articles r ON r.id = a.article_id GROUP BY c.id""",
    )
    assert clusters and all(row[1:3] == row[3:5] for row in clusters)
    reports_recount = """SELECT a.cluster_id, a.quote, coalesce(r.outlet, ''), count(*),
                                min(r.published), min(a.id)
                         FROM attributions a JOIN articles r ON r.id = a.article_id
                         WHERE a.cluster_id IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"""
    reports = "SELECT * FROM cluster_reports ORDER BY 1, 2, 3"
    assert rows(corpus, reports) == rows(corpus, reports_recount)


def test_a_store_made_before_the_running_totals_gets_them_when_opened(tmp_path: Path) -> None:
    from saidwhat.store import migrations

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript(migrations.MIGRATIONS[0] + migrations.MIGRATIONS[1])
    conn.execute("PRAGMA user_version = 2")
    conn.executescript(
        """INSERT INTO articles (id, text_key, text, signature, story_id, attributed, published)
           VALUES ('a1', 'k1', 'x', x'00', 'a1', 1, '2026-01-02'),
                  ('a2', 'k2', 'y', x'00', 'a2', 1, '2026-01-05');
           INSERT INTO speakers (id, name, type) VALUES (1, 'Elena Varga', 'PERSON');
           INSERT INTO quote_clusters (id, text) VALUES (7, 'q');
           INSERT INTO attributions (article_id, kind, content, content_spans, speaker_id,
                                     confidence, cluster_id, quote)
           VALUES ('a1', 'direct', 'c', '[[0, 1]]', 1, 0.9, 7, 'we will hold the line here'),
                  ('a2', 'direct', 'c', '[[0, 1]]', 1, 0.9, 7, 'we will hold the line here'),
                  ('a2', 'indirect', 'd', '[[0, 1]]', 1, 0.9, NULL, NULL);"""
    )
    conn.commit()
    conn.close()
    with SQLiteStore(path, readonly=True) as store:  # a reader migrates an older store too
        speaker = store.speaker(1)
        assert (speaker.statements, speaker.articles) == (3, 2)
        assert (speaker.first_seen, speaker.last_seen) == ("2026-01-02", "2026-01-05")
        (cluster,) = store.clusters()
        assert (cluster.id, cluster.size) == (7, 2)
        # the linker's postings are backfilled (malformed signatures are skipped)
        variants = store.conn.execute("SELECT cluster_id, text FROM quote_variants").fetchall()
        assert variants == [(7, "we will hold the line here")]
        assert store.lookup(Namespace.STORY_BAND, [1, 2, 3]) == set()
        assert store.conn.execute("SELECT count(*) FROM link_rebuild").fetchone()[0] == 0
        # the totals of stats are backfilled, and the first report is found by its date
        stats = store.stats()
        assert (stats["articles"], stats["statements"], stats["quote_clusters"]) == (2, 3, 1)
        assert stats["kinds"] == {"direct": 2, "indirect": 1}
        assert [o.article_id for o in cluster.occurrences] == ["a1", "a2"]


def test_postings_written_with_articles_equal_a_rebuild(corpus: Store) -> None:
    def postings() -> tuple[list[tuple[int, ...]], list[tuple[int, ...]]]:
        # SQLite keeps new postings in a log until they are merged (sqlite_postings)
        keys = rows(corpus, "SELECT * FROM link_keys ORDER BY 1, 2, 3")
        if isinstance(corpus, SQLiteStore):
            keys = sorted(set(keys) | set(logged_postings(corpus.conn)))
        variants = rows(corpus, "SELECT * FROM quote_variants ORDER BY id")
        return keys, variants

    written = postings()
    namespaces = {row[0] for row in written[0]}
    assert namespaces == {int(n) for n in Namespace}
    # one variant per distinct (cluster, words): the mayor's three wordings, two other quotes
    assert [cluster for _, cluster, _ in written[1]] == [1, 2, 1, 1, 3]
    if not isinstance(corpus, SQLiteStore):
        return  # PostgreSQL stores have no older version whose postings are to be rebuilt
    corpus.conn.executescript(
        "DELETE FROM link_keys; DELETE FROM link_keys_log; DELETE FROM quote_variants;"
        " INSERT INTO link_rebuild VALUES (1);"
    )
    corpus._rebuild_link_keys()
    assert postings() == written


def test_one_article_quoting_new_words_twice_opens_one_cluster(store: Store) -> None:
    words = "The harbour will stay closed until the storm has passed"
    add(
        store,
        article(
            "twice",
            [
                ("Elena Varga", "PERSON", "said", words),
                ("Tomas Varga", "PERSON", "said", "something else entirely, for the record"),
                ("Lena Ortiz", "PERSON", "repeated", words.upper()),
            ],
            outlet="Ledger",
            published="2026-03-01",
        ),
    )
    clusters = rows(store, "SELECT cluster_id FROM attributions ORDER BY id")
    assert clusters[0] == clusters[2] != clusters[1]
    assert rows(store, "SELECT count(*) FROM quote_variants") == [(2,)]


def test_quote_cluster_has_first_appearance_and_word_diffs(corpus: Store) -> None:
    (cluster,) = corpus.clusters()
    assert [o.outlet for o in cluster.occurrences] == [
        "Morning Post",
        "Lantern Wire",
        "Harbour Ledger",
    ]
    assert cluster.first.published == "2026-03-01"
    changed = [v for v in cluster.variants if v.outlets == ("Harbour Ledger",)]
    assert ("delete", "will not") in changed[0].diff or ("delete", "will") in changed[0].diff
    assert ("insert", "cannot") in changed[0].diff
    assert cluster.to_dict()["outlets"] == 3


def test_quote_filters(corpus: Store) -> None:
    def contents(**filters) -> list[str]:
        return [s.attribution.content.text for s in corpus.quotes(QuoteFilter(**filters))]

    assert len(contents()) == 5
    assert len(contents(speaker="Elena Varga")) == 3
    assert len(contents(speaker="varga")) == 4  # an alias search: both Vargas
    elena = corpus.speakers("Elena")[0].id
    assert len(contents(speaker=elena)) == 3 == len(contents(speaker=str(elena)))
    assert contents(q="crane operators") == ["Nobody asked the crane operators what they think"]
    assert contents(q="cran*") == contents(q="crane")
    assert contents(q='"; DROP TABLE attributions; --') == []
    assert len(contents(outlet="ledger")) == 2
    assert len(contents(since="2026-03-03")) == 2
    assert len(contents(until="2026-03-01")) == 1
    assert len(contents(about="lantern")) == 5
    assert contents(kind="indirect") == []
    newest = corpus.quotes(limit=2)
    assert [s.published for s in newest] == ["2026-03-04", "2026-03-03"]
    assert corpus.quotes(limit=2, offset=4)[0].published == "2026-03-01"
    # Wildcards are literal, and odd "ids" are names.
    assert contents(speaker="%") == contents(outlet="_") == contents(about="%") == []
    assert contents(speaker="\u00b2") == contents(speaker="99999999999999999999") == []
    for day in ("March", "20260301", "2026-W09", "2026-03-01junk", "2026-02-30"):
        with pytest.raises(InputError, match="not a date"):
            QuoteFilter(since=day)
    with pytest.raises(InputError, match="no words"):
        QuoteFilter(q='" *')
    with pytest.raises(InputError, match="kind"):
        QuoteFilter(kind="rumour")


def test_exports_write_every_statement(corpus: Store, tmp_path: Path) -> None:
    out = io.StringIO()
    assert write_jsonl(corpus.iter_statements(batch=2), out) == 5
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {"article_id", "outlet", "published", "cluster_id", "speaker"} <= set(records[0])
    out = io.StringIO()
    write_csv(corpus.iter_statements(), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 5 and rows[0]["speaker"] == "Elena Varga"
    assert write_parquet(corpus.iter_statements(), tmp_path / "s.parquet") == 5
    assert pq.read_table(tmp_path / "s.parquet").num_rows == 5


def test_notebook_api_returns_records_and_frames(corpus: Store, location: str) -> None:
    with saidwhat.open(location) as notebook:
        assert len(notebook.quotes(speaker="Tomas")) == 1
        frame = notebook.quotes_frame(outlet="Ledger")
        assert list(frame["outlet"]) == ["Harbour Ledger", "Harbour Ledger"]
        assert notebook.stats()["quote_clusters"] == 1


@pytest.mark.parametrize("spans", [(), ((0, 5),), ((3, 9), (12, 40), (100, 1234567))])
def test_spans_are_stored_as_json_and_read_back(spans: tuple[tuple[int, int], ...]) -> None:
    span = TextSpan(spans, "x") if spans else None
    stored = spans_json(span)
    if span is None:
        assert stored is None
        return
    assert stored == json.dumps([list(s) for s in spans])  # as older stores hold them
    assert spans_of(stored) == spans


def test_a_speaker_updated_earlier_in_a_batch_is_linked_by_what_it_now_has(store: Store) -> None:
    when = {"outlet": "Ledger", "published": "2026-03-01", "about": ()}
    first = article("a1", [("Elena Varga", "PERSON", "said", QUOTE)], **when, roles={})
    # the same person as the mayor: linked by her full name, and "mayor" joins her roles
    second = article(
        "a2",
        [("Elena Varga", "PERSON", "said", "The ferry timetable is being rewritten this week")],
        roles={"Elena Varga": ["mayor"]},
        **when,
    )
    # a surname alone links only through a role she has: "mayor", since the article before
    third = article(
        "a3",
        [("Varga", "PERSON", "said", "Nobody should sail before the harbour reopens")],
        roles={"Varga": ["mayor"]},
        **when,
    )
    linker = CorpusLinker(store)
    with store.writing():  # one batch: the second article changes what the third links to
        for document in (first, second, third):
            store.add_article(linker.link(document))
    speakers = [row[0] for row in rows(store, "SELECT speaker_id FROM attributions ORDER BY id")]
    assert len(speakers) == 3 and speakers[0] is not None
    assert speakers == [speakers[0]] * 3
