"""Store connections for request handlers: a reader per thread, one writer behind a lock.

Stores come from ``open_store``. SQLite connections are not shared between threads;
FastAPI runs plain ``def`` handlers in a thread pool, so each worker thread opens its
own read-only connection once. Writes (``POST /api/articles``) go through a single writer.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from saidwhat.link.linker import CorpusLinker
from saidwhat.store import Store, open_store


class StoreAccess:
    """Per-thread readers and one locked writer over the store at ``db`` (a path or URL)."""

    def __init__(self, db: str | Path) -> None:
        self.db = db
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._writer: Store | None = None
        self._linker: CorpusLinker | None = None
        #: Every reader opened, so that ``close`` can close them from the main thread.
        self._readers: list[Store] = []
        self._readers_lock = threading.Lock()

    def reader(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = open_store(self.db, readonly=True)
            with self._readers_lock:
                self._readers.append(store)
        return store

    def close(self) -> None:
        """Close every connection (at shutdown; the writer's close updates statistics)."""
        with self._readers_lock:
            readers, self._readers = self._readers, []
        for store in readers:
            store.close()
        with self._write_lock:
            if self._writer is not None:
                self._writer.close()
                self._writer = self._linker = None

    @contextmanager
    def writer(self) -> Iterator[tuple[Store, CorpusLinker]]:
        """The writer and its linker, held by one request at a time. The linker looks the
        store's postings up per article, so articles another process adds meanwhile are
        linked to as well."""
        with self._write_lock:
            if self._writer is None:
                self._writer = open_store(self.db)
                self._linker = CorpusLinker(self._writer)
            yield self._writer, self._linker
