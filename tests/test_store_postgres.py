"""What only the PostgreSQL backend has: opening a libpq URL, its schema version, English
full-text search, several writers at once, readers beside a writer (no model needed).

The tests both backends share are in test_store.py; these skip without PostgreSQL 15.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psycopg
import pytest

from builders import article
from saidwhat.errors import NotFoundError, StoreError
from saidwhat.link.linker import CorpusLinker
from saidwhat.model import Document
from saidwhat.store import DuplicateArticle, QuoteFilter, Store, open_store
from saidwhat.store.postgres import PostgresStore
from saidwhat.store.postgres_migrations import MIGRATIONS

QUOTE = "We will not accept a deal that leaves our harbour workers behind"
#: Five articles quoting the same two people (and a union), each with words of its own.
PEOPLE = [
    ("Elena Varga", "PERSON", "mayor"),
    ("Tomas Brandt", "PERSON", "hydrologist"),
    ("Port Workers' Union", "ORG", None),
]


def five_articles() -> list[Document]:
    documents = []
    for n in range(5):
        statements = [
            (name, type_, "said", f"Statement number {n} from {name} about the harbour walls")
            for name, type_, _ in PEOPLE
        ]
        roles = {name: [role] for name, _, role in PEOPLE if role}
        documents.append(
            article(
                f"d{n}",
                statements,
                outlet=f"Outlet {n}",
                published=f"2026-03-0{n + 1}",
                roles=roles,
                lead=f"Report {n}: {'word ' * n}the harbour in the storm.",
            )
        )
    return documents


def add(store: Store, document: Document) -> str:
    linked = CorpusLinker(store).link(document)
    store.add_article(linked)
    return linked.id


def scalar(url: str, sql: str) -> object:
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchone()[0]


# -- opening ----------------------------------------------------------------------------


def test_open_store_opens_a_postgresql_url_in_every_spelling(postgres_url: str) -> None:
    with pytest.raises(NotFoundError, match="run `saidwhat ingest` first"):
        open_store(postgres_url, readonly=True)  # an empty database is no store yet
    with open_store(postgres_url) as store:
        assert isinstance(store, PostgresStore) and isinstance(store, Store)
        add(store, article("a", [("Elena Varga", "PERSON", "said", QUOTE)], **_where()))
    rest = postgres_url.removeprefix("postgresql://")
    for url in (postgres_url, f"postgres://{rest}", f"postgresql+psycopg://{rest}"):
        with open_store(url, readonly=True) as store:
            assert store.stats()["articles"] == 1
            with pytest.raises(StoreError, match="read-only"):
                add(store, article("b", [("Tomas Brandt", "PERSON", "said", QUOTE)], **_where()))


def test_the_environment_variable_names_a_postgresql_store(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAIDWHAT_DB", postgres_url)
    with open_store() as store:
        assert isinstance(store, PostgresStore)
        add(store, article("a", [("Elena Varga", "PERSON", "said", QUOTE)], **_where()))
    with open_store(readonly=True) as store:
        assert store.count_quotes() == 1


def test_a_server_that_is_not_there_fails_in_one_line_without_the_password(
    tmp_path: Path,
) -> None:
    url = f"postgresql://saidwhat:s3cret@/news?host={tmp_path}&port=5999"
    for readonly in (False, True):
        with pytest.raises(StoreError) as raised:
            open_store(url, readonly=readonly)
        message = str(raised.value)
        assert message.startswith("cannot open the PostgreSQL store: ")
        assert "\n" not in message and "s3cret" not in message


def test_a_connection_lost_mid_run_is_one_line(postgres_url: str) -> None:
    with open_store(postgres_url) as store:
        add(store, article("a", [("Elena Varga", "PERSON", "said", QUOTE)], **_where()))
        assert store.count_quotes() == 1
        # another session ends every other connection to the database, as a restart would
        scalar(
            postgres_url,
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        with pytest.raises(StoreError) as raised:
            store.count_quotes()
        message = str(raised.value)
        assert message.startswith("lost the PostgreSQL store: ") and "\n" not in message


# -- the schema ---------------------------------------------------------------------------


def test_the_schema_version_is_recorded_and_a_newer_one_refused(postgres_url: str) -> None:
    PostgresStore(postgres_url).close()
    assert scalar(postgres_url, "SELECT version FROM schema_version") == len(MIGRATIONS)
    PostgresStore(postgres_url).close()  # reopening migrates nothing
    assert scalar(postgres_url, "SELECT count(*) FROM schema_version") == 1
    with psycopg.connect(postgres_url) as conn:
        conn.execute("UPDATE schema_version SET version = %s", (len(MIGRATIONS) + 1,))
    for readonly in (False, True):
        with pytest.raises(StoreError) as raised:
            PostgresStore(postgres_url, readonly=readonly)
        assert str(raised.value) == (
            f"the store has schema version {len(MIGRATIONS) + 1}, newer than this saidwhat "
            f"({len(MIGRATIONS)}): upgrade saidwhat"
        )


def test_a_database_of_something_else_is_left_alone(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    for readonly in (False, True):
        with pytest.raises(StoreError, match="something else"):
            PostgresStore(postgres_url, readonly=readonly)
    tables = "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'"
    assert scalar(postgres_url, tables) == "notes"


def test_two_processes_migrating_a_new_database_at_once_apply_the_schema_once(
    postgres_url: str,
) -> None:
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            PostgresStore(postgres_url).close()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert scalar(postgres_url, "SELECT count(*) FROM schema_version") == 1


# -- full-text search -----------------------------------------------------------------------


def _where() -> dict[str, str]:
    return {"outlet": "Ledger", "published": "2026-03-01"}


def test_full_text_search_stems_english_words_where_fts5_does_not(
    postgres_url: str, tmp_path: Path
) -> None:
    words = "The ceasefire talks are running late and the crane operators are waiting"
    found = {}
    for backend, location in (("sqlite", str(tmp_path / "s.db")), ("postgres", postgres_url)):
        with open_store(location) as store:
            add(store, article("a", [("Elena Varga", "PERSON", "said", words)], **_where()))
            found[backend] = {
                q: store.count_quotes(QuoteFilter(q=q))
                for q in ("ceasefire", "ceasefires", "talk", "run", "cran*", "operat*", "the")
            }
            found[backend]["varga"] = store.count_quotes(QuoteFilter(q="varga"))  # speaker
    assert found["sqlite"] == {
        "ceasefire": 1,
        "ceasefires": 0,
        "talk": 0,
        "run": 0,
        "cran*": 1,
        "operat*": 1,
        "the": 1,
        "varga": 1,
    }
    # English stems: plurals and -ing forms meet; a prefix longer than the stem ("oper")
    # misses; stop words are not indexed.
    assert found["postgres"] == {
        "ceasefire": 1,
        "ceasefires": 1,
        "talk": 1,
        "run": 1,
        "cran*": 1,
        "operat*": 0,
        "the": 0,
        "varga": 1,
    }


# -- several writers, readers beside a writer -------------------------------------------------


def test_two_writers_adding_the_same_articles_store_each_once_with_one_speaker_per_person(
    postgres_url: str, tmp_path: Path
) -> None:
    documents = five_articles()
    PostgresStore(postgres_url).close()
    both_linked = threading.Barrier(2, timeout=30)
    outcomes: dict[str, list[str]] = {"forward": [], "backward": []}
    errors: list[BaseException] = []

    def writer(name: str, order: list[Document]) -> None:
        try:
            with PostgresStore(postgres_url) as store:
                linker = CorpusLinker(store)
                for document in order:
                    linked = linker.link(document)
                    both_linked.wait()  # each links before either writes: the race to lose
                    try:
                        store.add_article(linked)
                        outcomes[name].append("stored")
                    except DuplicateArticle:
                        outcomes[name].append("duplicate")
        except BaseException as exc:  # reported below
            errors.append(exc)
            both_linked.abort()

    threads = [
        threading.Thread(target=writer, args=("forward", documents)),
        threading.Thread(target=writer, args=("backward", documents[::-1])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stored = outcomes["forward"].count("stored") + outcomes["backward"].count("stored")
    assert stored == 5
    # the middle article is linked by both at once: one stores it, the other finds it stored
    assert sorted([outcomes["forward"][2], outcomes["backward"][2]]) == ["duplicate", "stored"]
    with PostgresStore(postgres_url, readonly=True) as store:
        assert store.stats()["articles"] == 5
        speakers = store.speakers()
        assert sorted(s.name for s in speakers) == sorted(name for name, _, _ in PEOPLE)
        assert all(s.statements == 5 and s.articles == 5 for s in speakers)
        assert store.count_quotes() == 15
        concurrent = store.stats()
    with open_store(tmp_path / "one-writer.db") as alone:  # what a single writer stores
        for document in documents:
            add(alone, document)
        assert concurrent == alone.stats()


def test_readers_are_not_blocked_by_a_writer_holding_its_transaction(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = five_articles()
    with PostgresStore(postgres_url) as store:
        add(store, documents[0])
    writer = PostgresStore(postgres_url)
    inside, release = threading.Event(), threading.Event()
    real_count = writer._count

    def count_then_wait(*args: object) -> None:
        real_count(*args)
        inside.set()
        assert release.wait(30)

    monkeypatch.setattr(writer, "_count", count_then_wait)
    thread = threading.Thread(target=add, args=(writer, documents[1]))
    thread.start()
    try:
        assert inside.wait(30)
        with PostgresStore(postgres_url, readonly=True) as reader:
            started = time.monotonic()
            assert reader.stats()["articles"] == 1  # the open transaction is not seen
            assert reader.count_quotes() == 3
            assert [s.statements for s in reader.speakers()] == [1, 1, 1]
            assert time.monotonic() - started < 5
        # a second writer waits for the first (the write lock), and then writes
        second = threading.Thread(target=_add_new, args=(postgres_url, documents[2]))
        second.start()
        second.join(0.5)
        assert second.is_alive()
    finally:
        release.set()
        thread.join()
    second.join(30)
    assert not second.is_alive()
    writer.close()
    with PostgresStore(postgres_url, readonly=True) as reader:
        assert reader.stats()["articles"] == 3
        assert [s.statements for s in reader.speakers()] == [3, 3, 3]


def _add_new(url: str, document: Document) -> None:
    with PostgresStore(url) as store:
        add(store, document)
