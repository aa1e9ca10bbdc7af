"""The SQLite store's postings: appended to a log, indexed per connection, merged."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Collection
from pathlib import Path

import pytest

from builders import article
from saidwhat.link.linker import CorpusLinker, lookups, with_link_keys
from saidwhat.link.postings import Namespace
from saidwhat.model import LinkedArticle
from saidwhat.store import SQLiteStore
from saidwhat.store.sqlite_postings import LogPostings, RecentPostings, logged_postings

STORY, QUOTE = 1, 2


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "s.db"
    SQLiteStore(path).close()  # the schema
    return path


def writer(path: Path, merge_rows: int = 1000) -> LogPostings:
    conn = sqlite3.connect(path, isolation_level=None)
    return LogPostings(conn, merge_rows=merge_rows)


def write(postings: LogPostings, item: int, keys: list[tuple[int, int]]) -> bool:
    """One write transaction, as a batch of ``SQLiteStore.writing`` is; whether it merged."""
    postings.conn.execute("BEGIN IMMEDIATE")
    postings.begin()
    postings.add(item, keys)
    merged = postings.end_write()
    postings.conn.execute("COMMIT")
    postings.committed()
    return merged


def count(postings: LogPostings, table: str) -> int:
    """Postings in ``link_keys`` or its log."""
    if table == "link_keys_log":
        return len(logged_postings(postings.conn))
    return postings.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_postings_are_found_in_the_log_then_in_the_index_once_merged(path: Path) -> None:
    postings = writer(path, merge_rows=4)
    assert not write(postings, 1, [(STORY, 10), (STORY, 11), (QUOTE, 10)])
    assert postings.lookup(STORY, [10, 99], synced=False) == {1}
    assert postings.lookup(QUOTE, [10], synced=False) == {1}  # namespaces apart
    assert (count(postings, "link_keys_log"), count(postings, "link_keys")) == (3, 0)
    assert write(postings, 2, [(STORY, 10), (STORY, 12)])  # 5 logged: merged
    assert (count(postings, "link_keys_log"), count(postings, "link_keys")) == (0, 5)
    assert postings.lookup(STORY, [10], synced=False) == {1, 2}
    assert not write(postings, 3, [(STORY, 10)])
    assert postings.lookup(STORY, [10, 12], synced=False) == {1, 2, 3}


def test_a_connection_sees_another_ones_postings_and_merges(path: Path) -> None:
    first, second = writer(path, merge_rows=3), writer(path, merge_rows=3)
    write(first, 1, [(STORY, 10)])
    assert second.lookup(STORY, [10], synced=False) == {1}
    write(second, 2, [(STORY, 10)])
    assert first.lookup(STORY, [10], synced=False) == {1, 2}
    assert write(first, 3, [(STORY, 10)])  # merged by the first: the log starts again
    write(first, 4, [(STORY, 20)])
    # the second had indexed log rows that are gone: it reads the log afresh
    assert second.lookup(STORY, [10], synced=False) == {1, 2, 3}
    assert second.lookup(STORY, [20], synced=False) == {4}
    assert len(second.recent) == 1  # the log's one posting since the merge


def test_postings_of_a_rolled_back_write_are_forgotten(path: Path) -> None:
    postings = writer(path)
    write(postings, 1, [(STORY, 10)])
    postings.conn.execute("BEGIN IMMEDIATE")
    postings.begin()
    postings.add(2, [(STORY, 10), (STORY, 30)])
    assert postings.lookup(STORY, [10, 30], synced=True) == {1, 2}  # seen inside
    postings.conn.execute("ROLLBACK")
    postings.rolled_back()
    assert postings.lookup(STORY, [10, 30], synced=False) == {1}
    write(postings, 3, [(STORY, 30)])  # the log's rowids are reused: still found
    assert postings.lookup(STORY, [30], synced=False) == {3}
    assert writer(path).lookup(STORY, [10, 30], synced=False) == {1, 3}


def test_a_store_merging_its_postings_every_few_links_the_same(tmp_path: Path) -> None:
    quote = "The harbour will stay closed until the storm has passed"
    variants = [quote, quote.replace("storm", "gale"), quote + " and the wind drops"]
    documents = [
        article(
            f"a{i}",
            [("Elena Varga", "PERSON", "said", variants[i % 3])],
            outlet=f"Outlet {i % 4}",
            published=f"2026-03-{1 + i:02d}",
            lead=f"Report {i // 2}.",  # every second article a republished copy
        )
        for i in range(12)
    ]

    def ingest(path: Path, merge_rows: int, prefetch: bool = False) -> list[tuple[object, ...]]:
        with SQLiteStore(path) as store:
            store._postings.merge_rows = merge_rows
            linker = CorpusLinker(store)
            for batch in (documents[:5], documents[5:9], documents[9:]):
                with store.writing():
                    if prefetch:  # as ingest does: the batch's lookups read ahead
                        linker.prefetch([with_link_keys(d) for d in batch])
                    for document in batch:
                        store.add_article(linker.link(document))
            merges = store.conn.execute("SELECT merges FROM link_state").fetchone()[0]
            assert (merges > 0) == (merge_rows < 1000)
            return store.conn.execute(
                "SELECT r.story_id, a.cluster_id, a.speaker_id FROM attributions a"
                " JOIN articles r ON r.id = a.article_id ORDER BY a.id"
            ).fetchall()

    linked = ingest(tmp_path / "logged.db", 1_000_000)
    assert ingest(tmp_path / "merged.db", 50) == linked
    assert ingest(tmp_path / "prefetched.db", 50, prefetch=True) == linked
    assert len({cluster for _, cluster, _ in linked}) == 1  # one quote, three wordings
    assert len({story for story, _, _ in linked}) < len(documents)


def test_memory_index_finds_what_a_dictionary_does_through_undo_and_runs() -> None:
    rng = random.Random(7)
    recent, expected = RecentPostings(), {}
    item = 0
    for _ in range(60):  # transactions
        recent.discard()
        kept = dict.fromkeys(expected)
        pending: dict[tuple[int, int], set[int]] = {}
        for _ in range(rng.randrange(1, 6)):  # savepoints, some undone
            mark, added = recent.mark(), []
            for _ in range(rng.randrange(1, 20)):
                item += 1
                pairs = [(rng.choice([STORY, QUOTE]), rng.randrange(30)) for _ in range(3)]
                recent.add(item, pairs)
                added += [(namespace, key, item) for namespace, key in pairs]
            if rng.random() < 0.3:
                recent.undo(mark)
                continue
            for namespace, key, it in added:
                pending.setdefault((namespace, key), set()).add(it)
        for key in range(30):  # the open transaction's postings are found with the rest
            seen = expected.get((QUOTE, key), set()) | pending.get((QUOTE, key), set())
            assert recent.find(QUOTE, [key]) == seen
        if rng.random() < 0.2:  # rolled back
            recent.discard()
            continue
        for place, items in pending.items():
            expected.setdefault(place, set()).update(items)
        recent.keep()
        assert kept.keys() <= expected.keys()
    assert max(len(runs) for runs in recent._runs.values()) < 10  # merged as they grew
    for namespace in (STORY, QUOTE):
        for key in range(30):
            assert recent.find(namespace, [key, 99]) == expected.get((namespace, key), set())
    assert len(recent) == sum(len(items) for items in expected.values())


def test_a_failed_article_in_a_batch_leaves_no_postings_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    when = {"outlet": "Ledger", "published": "2026-03-01"}
    quote = "The harbour stays shut until the storm passes"
    first = article("a", [("Elena Varga", "PERSON", "said", quote)], **when)
    failing = article("b", [("Jan Novak", "PERSON", "said", "Ferries resume on Monday")], **when)
    last = article("c", [("Jan Novak", "PERSON", "said", quote + " and the wind drops")], **when)
    with SQLiteStore(tmp_path / "s.db") as store:
        linker = CorpusLinker(store)
        total = store._total

        def fail_on_b(linked: LinkedArticle, reported: int) -> None:
            if linked.document.id == "b":  # after its postings were written
                raise RuntimeError("disk on fire")
            total(linked, reported)

        monkeypatch.setattr(store, "_total", fail_on_b)
        with store.writing():
            store.add_article(linker.link(first))
            before = len(store._postings.recent)
            with pytest.raises(RuntimeError):
                store.add_article(linker.link(failing))
            assert len(store._postings.recent) == before
            store.add_article(linker.link(last))  # clustered with the first's quote
        keys = logged_postings(store.conn)
        logged = len(keys)
        assert len(store._postings.recent) == logged > before
        clusters = store.conn.execute("SELECT DISTINCT cluster_id FROM attributions").fetchall()
        assert clusters == [(1,)]
    with SQLiteStore(tmp_path / "s.db") as again:  # reads the same postings from the log
        for namespace, key, item in keys:
            assert item in again.lookup(namespace, [key])
        assert len(again._postings.recent) == logged


def test_prefetch_covers_every_key_linking_looks_up(tmp_path: Path) -> None:
    quote = "The harbour will stay closed until the storm has passed"
    when = {"outlet": "Ledger", "published": "2026-03-01"}
    documents = [
        with_link_keys(article(f"a{i}", [("Elena Varga", "PERSON", "said", q)], **when))
        for i, q in enumerate([quote, quote + " and the wind drops", "Too short"])
    ]
    with SQLiteStore(tmp_path / "s.db") as store:
        asked: list[tuple[int, list[int]]] = []
        lookup = store.lookup

        def recorded(namespace: int, keys: Collection[int]) -> set[int]:
            asked.append((namespace, list(keys)))
            return lookup(namespace, keys)

        store.lookup = recorded  # type: ignore[method-assign]
        linker = CorpusLinker(store)
        for document in documents:
            with store.writing():
                store.add_article(linker.link(document))
    namespaces = {namespace for namespace, _ in asked}
    assert namespaces == {int(n) for n in Namespace}  # stories and all four quote lookups
    for namespace, keys in asked:  # every lookup was one document's prefetched keys
        assert any(set(keys) <= set(lookups(d.link_keys).get(namespace, ())) for d in documents)
