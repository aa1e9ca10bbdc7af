"""The store interface: what ingest, the linker, notebooks, the CLI and the HTTP app use.

``Store`` names every method they call on a store and nothing else, so that a backend
is a class with these methods: ``SQLiteStore`` (one SQLite file) and ``PostgresStore``
(a PostgreSQL database, several writers at once). Code outside ``saidwhat.store`` takes
a ``Store`` (from ``open_store``) and never writes SQL; a backend turns a ``QuoteFilter``
into its own query language.

Reads return the dataclasses of ``saidwhat.model``; ``add_article`` is the one write,
one transaction per article, raising ``DuplicateArticle`` for an article already
stored; inside ``writing()`` the articles added are one transaction (a batch), each
still stored whole or not at all. The linker's postings
(``saidwhat.link.postings.Postings``) and the speakers it links to
(``saidwhat.link.linker.LinkerStore``) are part of the interface.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from saidwhat.errors import StoreError

if TYPE_CHECKING:
    from saidwhat.link import KnownSpeaker
    from saidwhat.model import (
        CorpusSpeaker,
        Document,
        LinkedArticle,
        QuoteCluster,
        SpeakerProfile,
        Statement,
    )
    from saidwhat.store.filters import QuoteFilter

__all__ = ["DuplicateArticle", "Store"]


class DuplicateArticle(StoreError):
    """The article (same URL or same normalised text) is already stored."""


@runtime_checkable
class Store(Protocol):
    """A saidwhat corpus: articles, speakers, statements, quote clusters and the linker's
    postings. Opened by ``open_store``; closed by ``close`` or as a context manager."""

    # -- lifecycle ---------------------------------------------------------------------

    def close(self) -> None:
        """Release the connection (a writer may first update the backend's statistics)."""
        ...

    def __enter__(self) -> Store: ...

    def __exit__(self, *exc: object) -> None: ...

    # -- what ingest and the linker read -----------------------------------------------

    def has_article(self, *, url: str | None, text_key: str) -> bool:
        """Whether an article with this URL or this normalised text is stored."""
        ...

    def story_of(self, item: int) -> str:
        """The story id of the article stored as postings item ``item``."""
        ...

    def lookup(self, namespace: int, keys: Collection[int]) -> set[int]:
        """The postings items indexed under any of ``keys`` in ``namespace``."""
        ...

    def prefetch(self, keys: Mapping[int, Collection[int]]) -> None:
        """A hint inside ``writing()``: the keys (by namespace) the batch's linking will
        look up, which a backend may read ahead in one pass (or ignore)."""
        ...

    def story_signatures(self, items: Collection[int]) -> dict[int, bytes]:
        """The stored signature of each story item."""
        ...

    def quote_variants(self, items: Collection[int]) -> dict[int, tuple[int, str]]:
        """``(cluster id, normalised words)`` of each quote variant item."""
        ...

    def speaker_candidates(
        self, keys: Iterable[str], *, context: Collection[str] | None = None
    ) -> list[KnownSpeaker]:
        """The corpus speakers indexed under any of ``keys``, with their linking evidence
        (of their context names only those in ``context``, when given)."""
        ...

    # -- the one write -----------------------------------------------------------------

    def add_article(self, linked: LinkedArticle) -> dict[int, int]:
        """Store one linked article whole, or nothing of it; the quote clusters it opened,
        by attribution index. Raises ``DuplicateArticle`` when it is already stored."""
        ...

    def writing(self) -> AbstractContextManager[None]:
        """A write batch: the ``add_article`` calls inside are one transaction, committed
        when the block ends and rolled back whole when it raises. An article refused
        inside (``DuplicateArticle``) leaves the rest of the batch alone. The linker's
        reads inside see the batch's articles; other writers wait for the commit, and
        readers see the batch once it is committed. Nested blocks join the outer one."""
        ...

    # -- reads -------------------------------------------------------------------------

    def quotes(
        self, where: QuoteFilter | None = None, *, limit: int = 50, offset: int = 0
    ) -> list[Statement]:
        """Statements matching ``where``, newest first (undated last)."""
        ...

    def count_quotes(self, where: QuoteFilter | None = None) -> int:
        """How many statements ``quotes(where)`` pages through."""
        ...

    def iter_statements(self, *, batch: int = 1000) -> Iterator[Statement]:
        """Every statement in storage order, read in batches (the rows of an export)."""
        ...

    def speakers(
        self, query: str | None = None, *, limit: int = 50, offset: int = 0
    ) -> list[CorpusSpeaker]:
        """Corpus speakers (whose name or an alias contains ``query``), most quoted first."""
        ...

    def count_speakers(self, query: str | None = None) -> int:
        """How many corpus speakers ``speakers(query)`` pages through."""
        ...

    def speaker(self, speaker_id: int) -> CorpusSpeaker:
        """One corpus speaker; ``NotFoundError`` when there is none with this id."""
        ...

    def speaker_profile(self, speaker_id: int, *, top: int = 10) -> SpeakerProfile:
        """A speaker with statements per month, the outlets quoting them and their topics."""
        ...

    def article(self, article_id: str) -> tuple[Document, list[Statement], str]:
        """The stored article, its statements and its story id; ``NotFoundError`` if absent."""
        ...

    def story(self, story_id: str) -> list[tuple[str, str | None, str | None, str | None]]:
        """``(article_id, outlet, published, title)`` of a story's articles, earliest first."""
        ...

    def cluster(self, cluster_id: int, *, occurrences: int | None = None) -> QuoteCluster:
        """A quote cluster with its occurrences (the first ``occurrences``, or all) and
        wordings; ``NotFoundError`` when there is none with this id."""
        ...

    def clusters(
        self, *, limit: int = 20, min_size: int = 2, occurrences: int = 10
    ) -> list[QuoteCluster]:
        """The most reported quotes, each with its first ``occurrences`` occurrences."""
        ...

    def stats(self) -> dict[str, Any]:
        """Counts of what the store holds (the keys of ``saidwhat stats --format json``)."""
        ...
