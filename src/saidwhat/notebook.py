"""The store for notebooks: ``saidwhat.open("saidwhat.db").quotes(speaker="Peskov")``.

The store is a path or URL, as ``saidwhat --db`` takes (``open_store``); by default
``$SAIDWHAT_DB``, else ``saidwhat.db``.

Records are the dataclasses of ``saidwhat.model``; the ``*_frame`` methods give
pandas DataFrames of the same rows, flat as in ``saidwhat export --format csv``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from saidwhat.model import CorpusSpeaker, Document, QuoteCluster, Statement
from saidwhat.store import QuoteFilter, open_store
from saidwhat.store.export import flat_row

if TYPE_CHECKING:
    import pandas


class Corpus:
    """A read-only view of a saidwhat store."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.store = open_store(path, readonly=True)

    def quotes(self, *, limit: int = 100, offset: int = 0, **filters: Any) -> list[Statement]:
        """Statements newest first; ``filters`` are ``QuoteFilter``'s fields (speaker, about, q,
        kind, outlet, since, until)."""
        return self.store.quotes(QuoteFilter(**filters), limit=limit, offset=offset)

    def quotes_frame(self, *, limit: int = 10_000, **filters: Any) -> pandas.DataFrame:
        """``quotes`` as a DataFrame, one flat row per statement."""
        import pandas  # imported here: only frames need it

        return pandas.DataFrame([flat_row(s) for s in self.quotes(limit=limit, **filters)])

    def speakers(self, query: str | None = None, *, limit: int = 100) -> list[CorpusSpeaker]:
        return self.store.speakers(query, limit=limit)

    def speaker(self, speaker_id: int) -> CorpusSpeaker:
        return self.store.speaker(speaker_id)

    def article(self, article_id: str) -> Document:
        """The stored article with its statements (speaker ids are corpus-wide)."""
        return self.store.article(article_id)[0]

    def cluster(self, cluster_id: int) -> QuoteCluster:
        return self.store.cluster(cluster_id)

    def clusters(self, *, limit: int = 20) -> list[QuoteCluster]:
        return self.store.clusters(limit=limit)

    def stats(self) -> dict[str, Any]:
        return self.store.stats()

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open(path: str | Path | None = None) -> Corpus:
    """Open the store at ``path`` (a path or URL; None: ``$SAIDWHAT_DB``, else
    ``saidwhat.db``) for reading."""
    return Corpus(path)
