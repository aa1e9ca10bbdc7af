"""The linker's postings in SQLite: appended to a log, indexed in memory, merged in key order.

An article adds a few hundred postings (``link.postings``) under random 64-bit keys.
Inserted one by one into the ``link_keys`` B-tree they land on random pages, and once
that index outgrows the page cache every batch of articles rewrites most of it: over a
1M-statement build the store wrote 68 times its own size. So a new posting is

1. appended to ``link_keys_log``, a rowid table (its pages are written once, in order);
2. indexed in this connection's memory (``recent.keys``, an attached in-memory database),
   which lookups read beside ``link_keys``;
3. merged into ``link_keys`` in key order, with the log emptied, once the log holds
   ``MERGE_ROWS`` postings: one pass over the index's pages per ``MERGE_ROWS`` postings
   instead of one per batch (an LSM tree's two levels, as FTS5 keeps its own index).

Several connections may write one store: each reads the log rows it has not seen when a
batch starts (under the write lock) and before a lookup outside a batch; a merge (which
empties the log) is seen through ``link_state.merges``. The in-memory index is a database
attached to the connection, so it rolls back with the transaction (or savepoint) that
wrote it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable

from saidwhat.store.reads import in_chunks

#: Log postings that trigger a merge into ``link_keys``: some 17,000 articles of three quotes
#: each, held in the writer's memory until then (the 1M build's writer grew by ~150 MB).
MERGE_ROWS = 4_000_000


class LogPostings:
    """``link_keys`` with its log and this connection's in-memory index of the log."""

    def __init__(self, conn: sqlite3.Connection, merge_rows: int = MERGE_ROWS) -> None:
        self.conn = conn
        self.merge_rows = merge_rows
        # the in-memory index (attached outside any transaction: SQLite refuses it inside)
        conn.execute("ATTACH DATABASE ':memory:' AS recent")
        conn.execute(
            "CREATE TABLE recent.keys (namespace INTEGER, key INTEGER, item INTEGER,"
            " PRIMARY KEY (namespace, key, item)) WITHOUT ROWID"
        )
        # the newest log rowid indexed, and the merge count it belongs to
        conn.execute("CREATE TABLE recent.state (loaded INTEGER, merges INTEGER)")
        conn.execute("INSERT INTO recent.state VALUES (0, -1)")

    def sync(self) -> None:
        """Index the log rows this connection has not seen (all of them after another
        connection's merge), in one snapshot of the store."""
        conn = self.conn
        own = not conn.in_transaction
        if own:
            conn.execute("BEGIN")
        try:
            merges = conn.execute("SELECT merges FROM link_state").fetchone()[0]
            loaded, known = conn.execute("SELECT loaded, merges FROM recent.state").fetchone()
            if merges != known:
                conn.execute("DELETE FROM recent.keys")
                loaded = 0
            conn.execute(
                "INSERT OR IGNORE INTO recent.keys"
                " SELECT namespace, key, item FROM link_keys_log WHERE rowid > ?",
                (loaded,),
            )
            self._mark(merges)
        finally:
            if own:
                conn.execute("COMMIT")

    def _mark(self, merges: int) -> None:
        self.conn.execute(
            "UPDATE recent.state SET merges = ?,"
            " loaded = (SELECT coalesce(max(rowid), 0) FROM link_keys_log)",
            (merges,),
        )

    def add(self, item: int, keys: Iterable[tuple[int, int]]) -> None:
        """Post ``item`` under ``keys`` (inside the caller's write transaction, after
        ``sync``; ``end_write`` before its commit)."""
        rows = [(namespace, key, item) for namespace, key in keys]
        if not rows:
            return
        self.conn.executemany(
            "INSERT INTO link_keys_log (namespace, key, item) VALUES (?, ?, ?)", rows
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO recent.keys (namespace, key, item) VALUES (?, ?, ?)", rows
        )

    def lookup(self, namespace: int, keys: Collection[int], *, synced: bool) -> set[int]:
        """The items posted under any of ``keys`` (``synced``: the caller's batch has
        read the log since it took the write lock)."""
        if not synced:
            self.sync()
        found: set[int] = set()
        for chunk in in_chunks(list(keys), 400):  # twice in one statement
            marks = ",".join("?" * len(chunk))
            found.update(
                row[0]
                for row in self.conn.execute(
                    f"SELECT item FROM link_keys WHERE namespace = ? AND key IN ({marks})"
                    f" UNION ALL SELECT item FROM recent.keys"
                    f" WHERE namespace = ? AND key IN ({marks})",
                    (namespace, *chunk, namespace, *chunk),
                )
            )
        return found

    def end_write(self) -> bool:
        """At the end of a write transaction, under its lock: note every log row as indexed
        (this connection's own, added since ``sync``), and merge the log into ``link_keys``
        when it holds ``merge_rows`` postings; whether it merged."""
        conn = self.conn
        logged = conn.execute("SELECT coalesce(max(rowid), 0) FROM link_keys_log").fetchone()[0]
        if logged < self.merge_rows:
            conn.execute("UPDATE recent.state SET loaded = ?", (logged,))
            return False
        conn.execute(
            "INSERT OR IGNORE INTO link_keys"
            " SELECT namespace, key, item FROM link_keys_log ORDER BY 1, 2, 3"
        )
        conn.execute("DELETE FROM link_keys_log")
        conn.execute("UPDATE link_state SET merges = merges + 1")
        conn.execute("DELETE FROM recent.keys")
        self._mark(conn.execute("SELECT merges FROM link_state").fetchone()[0])
        return True
