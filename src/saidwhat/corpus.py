"""Ingest news into the corpus store: read, skip what is stored, extract, link, write.

The stages:

1. read every input (``ingest.iter_articles``): failures are recorded, never raised;
2. skip articles already stored (same URL or same normalised text) before parsing;
3. extract statements with an ``Executor``: here or in ``jobs`` processes
   (``process_pool``, i.e. ``extract_many``), or on a Dask cluster
   (``cluster.DaskExecutor``): a pure function of the article, so it can move to other
   machines;
4. link each article to the corpus (story, speakers, quote clusters) and write it, in
   input order whatever the executor; the writer is this process (a PostgreSQL store
   also takes other ingest runs' writes at the same time). Articles are written in
   batches (``Store.writing``): up to ``BATCH_ARTICLES`` articles, or what arrived
   within ``BATCH_SECONDS``, in one transaction, each article whole or not at all.

A run killed at any moment keeps every batch it committed; a rerun skips those
articles and does the rest.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Protocol

from saidwhat.attribute import DEFAULT_TAGGER
from saidwhat.ingest import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_FILE_ARTICLES,
    DEFAULT_MAX_FILE_BYTES,
    InputFailure,
    iter_articles,
    normalised,
)
from saidwhat.link import text_key
from saidwhat.link.linker import CorpusLinker
from saidwhat.model import Document
from saidwhat.pipeline import LANGUAGES, extract_many
from saidwhat.store import DuplicateArticle, Store

#: A write batch closes at this many articles (a batch rewrites each index page it
#: touches once, so larger batches write less: at 100,000 statements 5,000 wrote half
#: the bytes of 1,000) ...
BATCH_ARTICLES = 5000
#: ... or when an article arrives this many seconds after the batch's first.
BATCH_SECONDS = 1.0

#: Outcomes reported to ``on_article``.
STORED, DUPLICATE, FAILED = "stored", "duplicate", "failed"


class Executor(Protocol):
    """Extracts a stream of articles and hands them back in input order, each with its
    statements or its ``error``; reads the stream only a few batches ahead."""

    def __call__(
        self, documents: Iterable[Document], *, tagger: str, min_confidence: float | None
    ) -> Iterator[Document]: ...


def process_pool(jobs: int) -> Executor:
    """Extraction in this process (``jobs`` 1) or in ``jobs`` worker processes (which
    also compute the linker's keys of each article)."""
    return partial(extract_many, n_process=jobs, link_keys=jobs > 1)


@dataclass(slots=True)
class IngestSummary:
    """What an ingest run did."""

    stored: int = 0
    #: Already stored (same URL or same normalised text): skipped.
    duplicates: int = 0
    #: Stored, and joined to an earlier article's story (a republication).
    near_duplicates: int = 0
    statements: int = 0
    #: Stored without statements because the engine does not read their language.
    not_attributed: Counter[str] = field(default_factory=Counter)
    #: ``(location, reason)`` of every input that could not be read.
    failures: list[tuple[str, str]] = field(default_factory=list)
    #: ``(location, note)`` of every change made to an input while reading it (``Document.notes``).
    notes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)

    def to_dict(self) -> dict[str, object]:
        return {
            "stored": self.stored,
            "duplicates": self.duplicates,
            "near_duplicates": self.near_duplicates,
            "statements": self.statements,
            "not_attributed": dict(self.not_attributed),
            "failed": self.failed,
        }


def ingest(
    paths: Iterable[str | Path],
    store: Store,
    *,
    jobs: int = 1,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    max_file_articles: int = DEFAULT_MAX_FILE_ARTICLES,
    tagger: str = DEFAULT_TAGGER,
    min_confidence: float | None = None,
    on_article: Callable[[str, str], None] | None = None,
    executor: Executor | None = None,
) -> IngestSummary:
    """Add the articles of ``paths`` to ``store`` (``tagger``: "accurate" or "fast";
    statements below ``min_confidence`` are not stored, None: the default threshold).
    The limits are ``iter_articles``'s. ``executor`` extracts (None: ``process_pool(jobs)``;
    ``jobs`` is then 1).

    ``on_article(outcome, key)`` hears each outcome (``STORED`` with the new article's
    id; ``DUPLICATE`` or ``FAILED`` with the input's id or location).
    """
    items = iter_articles(
        paths,
        max_bytes=max_bytes,
        max_file_bytes=max_file_bytes,
        max_file_articles=max_file_articles,
    )
    return ingest_documents(
        items,
        store,
        jobs=jobs,
        tagger=tagger,
        min_confidence=min_confidence,
        on_article=on_article,
        executor=executor,
    )


def ingest_documents(
    items: Iterable[Document | InputFailure],
    store: Store,
    *,
    jobs: int = 1,
    tagger: str = DEFAULT_TAGGER,
    min_confidence: float | None = None,
    on_article: Callable[[str, str], None] | None = None,
    linker: CorpusLinker | None = None,
    executor: Executor | None = None,
) -> IngestSummary:
    """Add already-read articles (or the failures to read them) to ``store``.

    ``linker`` links against ``store`` (one is made when None); it keeps no state, its
    indexes being the store's postings. ``executor`` as for ``ingest``.
    """
    if executor is not None and jobs > 1:
        raise ValueError("jobs > 1 and an executor: the executor runs the extraction")
    summary = IngestSummary()
    report = on_article or (lambda outcome, key: None)
    linker = linker or CorpusLinker(store)

    def fresh() -> Iterator[Document]:
        for item in items:
            if isinstance(item, InputFailure):
                reason = item.message.removeprefix(f"{item.path}: ")
                summary.failures.append((item.path, reason))
                report(FAILED, item.path)
                continue
            item = normalised(item)  # a no-op for the readers' articles, which already are
            summary.notes.extend((item.path or item.id, note) for note in item.notes)
            if store.has_article(url=item.url, text_key=text_key(item.text)):
                summary.duplicates += 1
                report(DUPLICATE, item.id)
            else:
                yield item

    extract = executor or process_pool(jobs)
    extracted = extract(fresh(), tagger=tagger, min_confidence=min_confidence)
    for batch in batches(extracted, size=BATCH_ARTICLES, seconds=BATCH_SECONDS):
        outcomes: list[tuple[str, str]] = []
        with store.writing():
            linker.prefetch(batch)
            for document in batch:
                outcomes.append(_write(document, store, linker, summary))
        # heard once the batch is committed: "stored" means stored
        for outcome, key in outcomes:
            report(outcome, key)
    return summary


def _write(
    document: Document, store: Store, linker: CorpusLinker, summary: IngestSummary
) -> tuple[str, str]:
    """Link and add one extracted article; its outcome for ``on_article``."""
    if document.error:
        # Not stored, so a rerun (e.g. with a fixed saidwhat) tries it again.
        summary.failures.append((document.path or document.id, document.error))
        return FAILED, document.path or document.id
    linked = linker.link(document, attributed=document.language in LANGUAGES)
    try:
        store.add_article(linked)
    except DuplicateArticle:
        # The same article twice in one run: the first was not stored when the second was read.
        summary.duplicates += 1
        return DUPLICATE, document.id
    summary.stored += 1
    summary.statements += len(document.attributions)
    if linked.story_id != linked.id:
        summary.near_duplicates += 1
    if not linked.attributed:
        summary.not_attributed[document.language or "unknown"] += 1
    return STORED, linked.id


def batches(items: Iterable[Document], *, size: int, seconds: float) -> Iterator[list[Document]]:
    """``items`` in lists of at most ``size``; a list also closes when an item arrives
    ``seconds`` or more after its first (a slow stream is written as it comes)."""
    batch: list[Document] = []
    opened = 0.0
    for item in items:
        if not batch:
            opened = time.monotonic()
        batch.append(item)
        if len(batch) >= size or time.monotonic() - opened >= seconds:
            yield batch
            batch = []
    if batch:
        yield batch
