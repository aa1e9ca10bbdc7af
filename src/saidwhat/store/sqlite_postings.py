"""The linker's postings in SQLite: appended to a log, indexed in memory, merged in key order.

An article adds a few hundred postings (``link.postings``) under random 64-bit keys.
Inserted one by one into the ``link_keys`` B-tree they land on random pages, and once
that index outgrows the page cache every batch of articles rewrites most of it: over a
1M-statement build the store wrote 68 times its own size. So a new posting is

1. appended to ``link_keys_log``, a rowid table (its pages are written once, in order),
   one row per item with its keys packed in a BLOB (``pack``);
2. indexed in this connection's memory (``RecentPostings``: sorted arrays), which
   lookups read beside ``link_keys``;
3. merged into ``link_keys`` in key order, with the log emptied, once the log holds
   ``MERGE_ROWS`` postings: one pass over the index's pages per ``MERGE_ROWS`` postings
   instead of one per batch (an LSM tree's two levels, as FTS5 keeps its own index).

Several connections may write one store: each reads the log rows it has not seen when a
write transaction starts (under the write lock) and before a lookup outside one; a merge
(which empties the log) is seen through ``link_state.merges``. The memory index is not
part of the database, so the store tells it where its transactions and savepoints end
(``begin``, ``savepoint``, ``rollback_to``, ``end_write``, ``committed``,
``rolled_back``): what a rolled-back write posted is forgotten.

A write batch may ``prefetch`` the keys its articles will look up: one sorted pass over
the index and the memory runs for the whole batch, after which each lookup is a few
dictionary operations (the batch holds the write lock, so nothing else changes them).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from saidwhat.store.reads import in_chunks

#: Log postings that trigger a merge into ``link_keys``: some 70,000 articles of three
#: quotes each, held in the writer's memory until then (16 bytes a posting: ~260 MB).
#: Each merge rewrites the index once, so fewer merges mean fewer bytes written.
MERGE_ROWS = 16_000_000
#: Log rows (items) read into memory at a time when a connection catches up with the log.
_READ_ROWS = 50_000
#: Keys per statement of a lookup in ``link_keys``.
_CHUNK = 800


def pack(pairs: list[tuple[int, int]]) -> bytes:
    """``(namespace, key)`` pairs as the log stores them: int64 pairs, little-endian."""
    return np.array(pairs, dtype="<i8").tobytes()


def _pairs(packed: bytes) -> np.ndarray:
    """Packed ``(namespace, key)`` pairs as an array of two columns."""
    return np.frombuffer(packed, dtype="<i8").reshape(-1, 2)


def _unpacked(rows: list[tuple[int, bytes]]) -> np.ndarray:
    """Log rows ``(item, packed keys)`` as an array of ``(namespace, key, item)`` rows."""
    pairs = [_pairs(data) for _, data in rows]
    items = np.repeat(np.array([item for item, _ in rows], dtype=np.int64), [len(p) for p in pairs])
    table = np.empty((len(items), 3), dtype=np.int64)
    table[:, :2] = np.concatenate(pairs) if pairs else np.empty((0, 2), dtype=np.int64)
    table[:, 2] = items
    return table


def _sorted_unique(keys: list[int]) -> np.ndarray:
    """``keys`` sorted, each once (``np.unique`` hashes first: several times slower)."""
    ordered = np.sort(np.array(keys, dtype=np.int64))
    if len(ordered) > 1:
        ordered = ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]
    return ordered


def logged_postings(conn: sqlite3.Connection) -> list[tuple[int, int, int]]:
    """The ``(namespace, key, item)`` postings in the log, in log order."""
    rows = conn.execute("SELECT item, postings FROM link_keys_log ORDER BY rowid").fetchall()
    return [tuple(row) for row in _unpacked(rows).tolist()]


@dataclass(frozen=True, slots=True)
class _Run:
    """One namespace's postings sorted by key: parallel arrays."""

    keys: np.ndarray  # int64, ascending
    items: np.ndarray  # int64

    @classmethod
    def of(cls, keys: np.ndarray, items: np.ndarray) -> _Run:
        order = np.argsort(keys)
        return cls(keys[order], items[order])

    def __len__(self) -> int:
        return len(self.keys)

    def pairs(self, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The ``(keys, items)`` posted under the keys ``wanted`` (unique)."""
        starts = np.searchsorted(self.keys, wanted, "left")
        counts = np.searchsorted(self.keys, wanted, "right") - starts
        total = int(counts.sum())
        if not total:
            return wanted[:0], self.items[:0]
        # each hit's positions: its start, then the next ones while the key repeats
        firsts = np.cumsum(counts) - counts
        at = np.repeat(starts - firsts, counts) + np.arange(total)
        return self.keys[at], self.items[at]


def _merged(older: _Run, newer: _Run) -> _Run:
    """Two runs as one, by inserting the newer's postings in place (no sort: both are)."""
    at = np.searchsorted(older.keys, newer.keys, "right")
    return _Run(np.insert(older.keys, at, newer.keys), np.insert(older.items, at, newer.items))


class RecentPostings:
    """The log's postings in memory, by namespace: sorted runs of committed postings
    (merged as they accumulate, so a lookup searches a handful), and the open
    transaction's postings in dictionaries, with a journal to undo them."""

    def __init__(self) -> None:
        self._runs: dict[int, list[_Run]] = {}
        #: The open transaction's: the first item under each ``(namespace, key)``, the
        #: further items of the few keys that have several, and what was added, in order.
        self._first: dict[tuple[int, int], int] = {}
        self._more: dict[tuple[int, int], list[int]] = {}
        self._journal: list[tuple[int, bytes]] = []  # (item, packed pairs)
        self._open = 0

    def __len__(self) -> int:
        committed = sum(len(run) for runs in self._runs.values() for run in runs)
        return committed + self._open

    def clear(self) -> None:
        self._runs.clear()
        self.discard()

    def add(self, item: int, pairs: list[tuple[int, int]]) -> bytes:
        """Post ``item`` under the ``(namespace, key)`` pairs, in the open transaction;
        the pairs packed as the log stores them (``pack``)."""
        fresh = dict.fromkeys(pairs, item)
        packed = pack(list(fresh))
        self._journal.append((item, packed))
        self._open += len(fresh)
        for pair in self._first.keys() & fresh.keys():  # rare: a key with an item already
            self._more.setdefault(pair, []).append(item)
            del fresh[pair]
        self._first.update(fresh)
        return packed

    def mark(self) -> int:
        return len(self._journal)

    def undo(self, mark: int) -> None:
        """Forget the open transaction's postings added since ``mark`` (rare: the rest
        is indexed again)."""
        kept = self._journal[:mark]
        self.discard()
        for item, packed in kept:
            self.add(item, [tuple(pair) for pair in _pairs(packed).tolist()])

    def discard(self) -> None:
        """Forget the open transaction's postings."""
        self._first.clear()
        self._more.clear()
        self._journal.clear()
        self._open = 0

    def keep(self) -> None:
        """The open transaction committed: its postings join the runs."""
        if self._open:
            self.add_rows([_unpacked(self._journal)])
        self.discard()

    def add_rows(self, tables: Iterable[np.ndarray]) -> None:
        """Committed postings (read from the log, or kept): arrays of ``(namespace, key,
        item)`` rows (read one at a time), as one run per namespace."""
        keys: dict[int, list[np.ndarray]] = {}
        items: dict[int, list[np.ndarray]] = {}
        for rows in tables:
            for namespace in np.flatnonzero(np.bincount(rows[:, 0])).tolist():
                mine = rows[:, 0] == namespace
                keys.setdefault(namespace, []).append(rows[mine, 1])
                items.setdefault(namespace, []).append(rows[mine, 2])
        for namespace in list(keys):  # each namespace's arrays freed once sorted
            run = _Run.of(np.concatenate(keys.pop(namespace)), np.concatenate(items.pop(namespace)))
            self._add_run(namespace, run)

    def _add_run(self, namespace: int, run: _Run) -> None:
        """A run is merged with the one before it while that is no more than twice its
        size, so the runs grow geometrically and a lookup searches a handful."""
        runs = self._runs.setdefault(namespace, [])
        while runs and len(runs[-1]) <= 2 * len(run):
            run = _merged(runs.pop(), run)
        runs.append(run)

    def find_open(self, namespace: int, keys: Collection[int]) -> set[int]:
        """The open transaction's items posted under ``keys`` in ``namespace``."""
        if not self._first:
            return set()
        first, more = self._first, self._more
        found = set()
        for pair in first.keys() & [(namespace, key) for key in keys]:
            found.add(first[pair])
            found.update(more.get(pair, ()))
        return found

    def find_committed(self, namespace: int, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The committed ``(keys, items)`` posted under ``keys`` (unique) in ``namespace``."""
        found = [run.pairs(keys) for run in self._runs.get(namespace, ())]
        if not found:
            return keys[:0], keys[:0]
        return np.concatenate([k for k, _ in found]), np.concatenate([i for _, i in found])

    def find(self, namespace: int, keys: Collection[int]) -> set[int]:
        """The items posted under ``keys`` in ``namespace``."""
        found = self.find_open(namespace, keys)
        if keys and namespace in self._runs:
            wanted = _sorted_unique(list(keys))
            found.update(self.find_committed(namespace, wanted)[1].tolist())
        return found


class LogPostings:
    """``link_keys`` with its log and this connection's memory index of the log."""

    def __init__(self, conn: sqlite3.Connection, merge_rows: int = MERGE_ROWS) -> None:
        self.conn = conn
        self.merge_rows = merge_rows
        self.recent = RecentPostings()
        #: The newest log rowid in ``recent`` and the merge count it belongs to.
        self._loaded, self._merges = 0, -1
        #: What ``end_write`` found, for ``committed``: the log's newest rowid, the merges.
        self._ending: tuple[int, int] | None = None
        #: The batch's prefetched lookups: per namespace, the keys asked and what was found.
        self._prefetched: dict[int, tuple[set[int], dict[int, list[int]]]] = {}

    def sync(self) -> None:
        """Index the log rows this connection has not seen (all of them after another
        connection's merge), in one snapshot of the store."""
        conn = self.conn
        own = not conn.in_transaction
        if own:
            conn.execute("BEGIN")
        try:
            merges = conn.execute("SELECT merges FROM link_state").fetchone()[0]
            if merges != self._merges:
                self.recent.clear()
                self._loaded, self._merges = 0, merges
            rows = conn.execute(
                "SELECT rowid, item, postings FROM link_keys_log WHERE rowid > ? ORDER BY rowid",
                (self._loaded,),
            )
            self.recent.add_rows(self._read(rows))
        finally:
            if own:
                conn.execute("COMMIT")

    def _read(self, rows: sqlite3.Cursor) -> Iterator[np.ndarray]:
        """The log rows of ``rows`` (rowid, item, packed keys) as arrays, a chunk at a time;
        ``_loaded`` follows the last rowid read."""
        while chunk := rows.fetchmany(_READ_ROWS):
            yield _unpacked([(item, data) for _, item, data in chunk])
            self._loaded = chunk[-1][0]

    def begin(self) -> None:
        """A write transaction has started (and holds the write lock)."""
        self.recent.discard()
        self._ending = None
        self._prefetched = {}
        self.sync()

    def savepoint(self) -> int:
        """A mark to roll the open transaction's postings back to."""
        return self.recent.mark()

    def rollback_to(self, mark: int) -> None:
        self.recent.undo(mark)

    def add(self, item: int, keys: Iterable[tuple[int, int]]) -> None:
        """Post ``item`` under ``keys`` (inside a write transaction, after ``begin``)."""
        pairs = list(keys)
        if not pairs:
            return
        packed = self.recent.add(item, pairs)
        self.conn.execute(
            "INSERT INTO link_keys_log (item, postings) VALUES (?, ?)", (item, packed)
        )

    def prefetch(self, keys: Mapping[int, Collection[int]]) -> None:
        """Look up ``keys`` (by namespace) ahead, for the open write transaction (after
        ``begin``): its later lookups of these keys read memory only."""
        for namespace, asked in keys.items():
            ordered = _sorted_unique(list(asked))
            found: dict[int, list[int]] = {}
            hit_keys, hit_items = self.recent.find_committed(namespace, ordered)
            for key, item in zip(hit_keys.tolist(), hit_items.tolist(), strict=True):
                found.setdefault(key, []).append(item)
            for chunk in in_chunks(ordered.tolist(), _CHUNK):
                marks = ",".join("?" * len(chunk))
                for key, item in self.conn.execute(
                    f"SELECT key, item FROM link_keys WHERE namespace = ? AND key IN ({marks})",
                    (namespace, *chunk),
                ):
                    found.setdefault(key, []).append(item)
            self._prefetched[namespace] = (set(asked), found)

    def lookup(self, namespace: int, keys: Collection[int], *, synced: bool) -> set[int]:
        """The items posted under any of ``keys`` (``synced``: inside a write transaction,
        which has read the log since it took the write lock)."""
        if not synced:
            self.sync()
        asked, ahead = self._prefetched.get(namespace, ((), {}))
        if synced and asked and asked.issuperset(keys):
            found = self.recent.find_open(namespace, keys)
            for key in ahead.keys() & keys:
                found.update(ahead[key])
            return found
        found = self.recent.find(namespace, keys)
        for chunk in in_chunks(list(keys), _CHUNK):
            marks = ",".join("?" * len(chunk))
            found.update(
                row[0]
                for row in self.conn.execute(
                    f"SELECT item FROM link_keys WHERE namespace = ? AND key IN ({marks})",
                    (namespace, *chunk),
                )
            )
        return found

    def end_write(self) -> bool:
        """Before a write transaction commits (under its lock): merge the log into
        ``link_keys`` when it holds ``merge_rows`` postings; whether it merged."""
        conn = self.conn
        self._prefetched = {}
        if len(self.recent) < self.merge_rows:
            logged = conn.execute("SELECT coalesce(max(rowid), 0) FROM link_keys_log")
            self._ending = (logged.fetchone()[0], self._merges)
            return False
        table = _unpacked(conn.execute("SELECT item, postings FROM link_keys_log").fetchall())
        order = np.lexsort((table[:, 2], table[:, 1], table[:, 0]))
        for start in range(0, len(order), _CHUNK * 1000):  # in key order: one pass over pages
            conn.executemany(
                "INSERT OR IGNORE INTO link_keys (namespace, key, item) VALUES (?, ?, ?)",
                table[order[start : start + _CHUNK * 1000]].tolist(),
            )
        del table, order
        conn.execute("DELETE FROM link_keys_log")
        conn.execute("UPDATE link_state SET merges = merges + 1")
        self._ending = (0, conn.execute("SELECT merges FROM link_state").fetchone()[0])
        return True

    def committed(self) -> None:
        """The write transaction committed: its postings are the log's (or, merged, the
        index's)."""
        self._prefetched = {}
        if self._ending is None:  # no end_write: nothing to keep
            self.rolled_back()
            return
        loaded, merges = self._ending
        if merges != self._merges:
            self.recent.clear()
        else:
            self.recent.keep()
        self._loaded, self._merges, self._ending = loaded, merges, None

    def rolled_back(self) -> None:
        """The write transaction rolled back: forget its postings."""
        self.recent.discard()
        self._ending = None
        self._prefetched = {}
