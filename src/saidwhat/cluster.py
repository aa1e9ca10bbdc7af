"""Extraction on a Dask cluster: ``saidwhat ingest --dask local[:N]|tcp://SCHEDULER:8786``.

The client (the ``saidwhat ingest`` process) reads the inputs, skips the articles
already stored, and cuts the rest into partitions as they are read (at most
``PARTITION_ARTICLES`` articles and ``PARTITION_CHARS`` characters), so that a huge
input is never in memory at once. Each partition is extracted on a worker by
``pipeline.extract_batch`` (``extract_partition``), a pure function of the articles; the
worker's pipeline is loaded (and warmed up) once, when ``PipelinePlugin`` is set up on it,
and every task there reuses it, until its vocabulary has grown by ``MAX_NEW_STRINGS``
strings, when it is loaded afresh: a worker's memory does not grow with the corpus.
At most ``in_flight`` partitions are out at a time (backpressure: the inputs are read
as fast as the writer writes); results arrive as they complete and are handed on in
input order, so a Dask run stores exactly what ``--jobs`` does, ids included. Linking
and writing stay in the client, the single writer.

What happens when something fails:

- an article whose extraction raises: it comes back with ``error`` set and is recorded
  as that article's failure; the others of its partition are stored;
- a worker dies: the scheduler reruns its tasks elsewhere (up to Dask's
  ``distributed.scheduler.allowed-failures``, 3 by default; the ``retries`` given on
  submit cover an exception in a task, not a dead worker). A partition that still fails
  (an article that kills every worker it meets, or one beside it) is resubmitted article
  by article, each up to ``RETRIES`` more times; an article that still fails is recorded
  as its failure, and the others are stored;
- the scheduler dies (or the connection to it): the run stops with one line
  (``ClusterError``). Every article written before is committed, so a rerun skips them
  and finishes the rest; nothing is lost or stored twice;
- the client dies: as for any ingest, a rerun skips what was committed.
"""

from __future__ import annotations

import ctypes
import importlib.util
import logging
import os
import sys
import urllib.error
import urllib.request
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError
from contextlib import contextmanager

import dask
from distributed import Client, Future, LocalCluster, WorkerPlugin, as_completed
from distributed.comm.core import CommClosedError

from saidwhat.errors import ClusterError, SaidwhatError
from saidwhat.model import Document
from saidwhat.parse import load_pipeline
from saidwhat.parse.nlp import forget_pipelines
from saidwhat.pipeline import extract_batch, failed_extraction, start_worker

#: The most articles, and characters, of one partition: small enough that a lost
#: worker costs little work, large enough that a task is worth its round trip.
PARTITION_ARTICLES = 32
PARTITION_CHARS = 2_000_000
#: How many times a task is rerun after it failed (by Dask for an exception in it; here,
#: article by article, for a task whose worker died).
RETRIES = 2
#: The worker plugin's name (registering it again replaces it: one per worker).
PLUGIN = "saidwhat-pipeline"
#: Submits one partition's extraction.
Submit = Callable[[list[Document]], Future]
#: A worker's spaCy vocabulary (its StringStore and lexemes: every new word, name or
#: number it has read) grows with the corpus; once it holds this many strings more than
#: when its pipeline was loaded (some 100 MiB), the worker loads the pipeline afresh, a
#: few seconds between two tasks, so that its memory stays bounded on any corpus.
MAX_NEW_STRINGS = 1_000_000
#: The heap trimming threshold Dask's nanny starts its workers with (its
#: ``distributed.nanny.pre-spawn-environ``), which makes the parser about a quarter slower.
DASK_TRIM_THRESHOLD = "65536"
#: What such a worker's ``malloc`` gets instead: glibc's own limits once its default
#: (dynamic) thresholds have grown, which an explicit setting freezes at 128 KiB.
MMAP_THRESHOLD = 32 * 2**20
TRIM_THRESHOLD = 64 * 2**20
#: ``--dask``'s forms, for messages.
ADDRESS_FORMS = "local, local:N or a scheduler address such as tcp://HOST:8786"


def check_address(address: str) -> str:
    """``address`` if it is ``local``, ``local:N`` (N >= 1) or ``SCHEME://...``; else
    ``ValueError`` saying what is expected."""
    if address == "local" or "://" in address:
        return address
    workers = address.removeprefix("local:")
    if workers != address and workers.isdigit() and int(workers) >= 1:
        return address
    raise ValueError(f"{address!r} is not {ADDRESS_FORMS}")


@contextmanager
def connect(address: str, *, dashboard: bool = True) -> Iterator[Client]:
    """A client of the cluster at ``address`` (see ``check_address``), closed on exit.

    ``local[:N]`` starts a cluster on this machine (``local_cluster``: N worker processes,
    the number of cores when absent), closed with the client; ``dashboard``: whether it
    serves Dask's dashboard. A scheduler that cannot be reached within Dask's connect
    timeout (``distributed.comm.timeouts.connect``) raises ``ClusterError``.
    """
    cluster = None
    try:
        if check_address(address).startswith("local"):
            _, _, workers = address.partition(":")
            cluster = local_cluster(
                int(workers) if workers else os.cpu_count() or 1, dashboard=dashboard
            )
            client = Client(cluster)
        else:
            try:
                client = Client(address)
            except (OSError, ValueError) as exc:  # refused, timed out, unknown scheme
                raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        try:
            yield client
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()


def local_cluster(workers: int, *, dashboard: bool = True) -> LocalCluster:
    """A Dask cluster on this machine for ``--dask local:N``: its scheduler in this
    process, ``workers`` worker processes of one thread each.

    Its workers' ``malloc`` keeps glibc's defaults, as the ``--jobs`` processes': Dask's
    nanny would start them with ``MALLOC_TRIM_THRESHOLD_=65536``, so that a worker gives
    freed memory back to the system at once, which costs the parser a quarter more CPU
    (in the kernel, mapping pages again). ``dashboard``: the scheduler serves Dask's
    dashboard (on port 8787, or another when that one is taken), which needs bokeh;
    without, it serves only Dask's small HTTP endpoints (health, metrics), and the
    workers do not profile themselves for it.
    """
    served = dashboard and importlib.util.find_spec("bokeh") is not None
    settings = {
        "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
        # Only the dashboard shows the workers' profiles, which they keep for 1,000 s
        # (distributed.admin.low-level-log-length): some 130 MiB each with spaCy's stacks.
        "distributed.worker.profile.enabled": served,
    }
    with warnings.catch_warnings(), dask.config.set(settings):
        # port 8787 taken: the link printed says which
        warnings.filterwarnings("ignore", "Port .* is already in use", UserWarning)
        return LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            silence_logs=logging.ERROR,
            dashboard_address=":8787" if dashboard else None,
        )


def dashboard(client: Client) -> str | None:
    """The link of the scheduler's dashboard; None when it serves none (started without,
    or without bokeh on its machine, when its page only says that bokeh is needed).

    The scheduler always has an HTTP server (health, metrics), so the link is checked: a
    link that cannot be reached from here is given as it is."""
    if "dashboard" not in client.scheduler_info().get("services", {}):
        return None
    link = client.dashboard_link
    try:
        with urllib.request.urlopen(link, timeout=5) as page:  # noqa: S310 (Dask's own link)
            head = page.read(4096)
    except urllib.error.HTTPError:  # 404: no dashboard route
        return None
    except (OSError, ValueError):  # not reachable from here; maybe from a browser
        return link
    return None if b"needs bokeh" in head else link


class PipelinePlugin(WorkerPlugin):
    """Loads the run's pipeline on each worker once, when the worker is set up (also a
    worker that joins later); the tasks' ``load_pipeline`` then finds it in the cache."""

    name = PLUGIN

    def __init__(
        self, tagger: str, min_confidence: float | None, *, tune_malloc: bool = True
    ) -> None:
        self.tagger = tagger
        self.min_confidence = min_confidence
        #: ``keep_freed_memory`` on each worker (off only to measure what it saves).
        self.tune_malloc = tune_malloc

    def setup(self, worker: object) -> None:
        start_worker(self.tagger)
        if self.tune_malloc:
            keep_freed_memory()
        load_pipeline(tagger=self.tagger, min_confidence=self.min_confidence)
        # Once, so that the first article does not pay for what loads lazily (the
        # language identifier) or warms up on the first call.
        warm_up = Document(id="warm-up", text="“We will see,” she said. He agreed.")
        extract_batch([warm_up], tagger=self.tagger, min_confidence=self.min_confidence)


def keep_freed_memory() -> None:
    """In a worker that Dask's nanny started with its ``MALLOC_TRIM_THRESHOLD_`` (a
    ``dask worker`` of a remote cluster), let ``malloc`` keep freed memory for reuse, up
    to glibc's own limits (``MMAP_THRESHOLD``, ``TRIM_THRESHOLD``), instead of giving it
    back at once: the parser frees and allocates large arrays all the time, and maps their
    pages again each time, which costs it a quarter more CPU. Only with glibc, and only
    that value: a threshold set by the worker's administrator is theirs."""
    if os.environ.get("MALLOC_TRIM_THRESHOLD_") != DASK_TRIM_THRESHOLD:
        return
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl, or no libc.so.6: nothing to tune
        return
    m_trim_threshold, m_mmap_threshold = -1, -3  # glibc's malloc.h
    mallopt(m_mmap_threshold, MMAP_THRESHOLD)
    mallopt(m_trim_threshold, TRIM_THRESHOLD)


def _load_on_workers(client: Client, tagger: str, min_confidence: float | None) -> None:
    """Register ``PipelinePlugin``: each worker loads the pipeline now. A worker that
    cannot (saidwhat or its models missing there) stops the run in one line."""
    try:
        client.register_plugin(PipelinePlugin(tagger, min_confidence))
    except (SaidwhatError, CancelledError, CommClosedError, OSError):
        raise
    except Exception as exc:  # raised by a worker's setup, or by unpickling the plugin there
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise ClusterError(
            f"the Dask workers cannot load saidwhat's pipeline ({type(exc).__name__}: "
            f"{reason}); install saidwhat, the same version, and its models on each worker"
        ) from None


def partitions(
    documents: Iterable[Document],
    max_articles: int = PARTITION_ARTICLES,
    max_chars: int = PARTITION_CHARS,
) -> Iterator[list[Document]]:
    """``documents`` in lists of at most ``max_articles`` and ``max_chars`` characters
    (a longer article alone), read only as each list is asked for."""
    batch: list[Document] = []
    size = 0
    for document in documents:
        if batch and (len(batch) >= max_articles or size + len(document.text) > max_chars):
            yield batch
            batch, size = [], 0
        batch.append(document)
        size += len(document.text)
    if batch:
        yield batch


class DaskExecutor:
    """Extracts a stream of articles on the cluster of ``client``, in input order (an
    ``Executor`` for ``corpus.ingest``).

    ``in_flight``: the most partitions submitted and not yet handed on (None: two per
    worker thread, at least two). A partition holds at most ``max_articles`` articles and
    ``max_chars`` characters (None: ``PARTITION_ARTICLES``, ``PARTITION_CHARS``); a
    failed task is rerun ``retries`` times (None: ``RETRIES``).
    """

    def __init__(
        self,
        client: Client,
        *,
        in_flight: int | None = None,
        max_articles: int | None = None,
        max_chars: int | None = None,
        retries: int | None = None,
    ) -> None:
        self.client = client
        self.in_flight = in_flight
        self.max_articles = max_articles
        self.max_chars = max_chars
        self.retries = retries

    def __call__(
        self, documents: Iterable[Document], *, tagger: str, min_confidence: float | None
    ) -> Iterator[Document]:
        try:
            _load_on_workers(self.client, tagger, min_confidence)
            in_flight = self.in_flight or max(2, 2 * sum(self.client.nthreads().values()))
            todo = partitions(
                documents,
                self.max_articles or PARTITION_ARTICLES,
                self.max_chars or PARTITION_CHARS,
            )
            retries = RETRIES if self.retries is None else self.retries
            submit = self._submitter(tagger, min_confidence, retries)
            yield from _in_order(todo, in_flight, submit, retries)
        except (CancelledError, CommClosedError, OSError) as exc:
            if isinstance(exc, OSError) and self.client.status == "running":
                raise
            raise ClusterError(
                f"lost the Dask scheduler at {self.client.scheduler.address} "
                f"({type(exc).__name__}); the articles written are kept: rerun to finish the rest"
            ) from None

    def _submitter(self, tagger: str, min_confidence: float | None, retries: int) -> Submit:
        def submit(batch: list[Document]) -> Future:
            return self.client.submit(
                extract_partition,
                batch,
                tagger=tagger,
                min_confidence=min_confidence,
                link_keys=True,  # the writer only looks up and decides
                retries=retries,
                pure=False,
            )

        return submit


#: The size of each pipeline's vocabulary when it was loaded (by ``id``) in this process.
_loaded_strings: dict[int, int] = {}


def extract_partition(
    documents: list[Document],
    *,
    tagger: str,
    min_confidence: float | None,
    link_keys: bool = False,
) -> list[Document]:
    """A worker's task: ``pipeline.extract_batch`` of ``documents`` (``link_keys``: each
    with its corpus linker's keys, so the writer only looks up and decides); then, if the
    pipeline's vocabulary has grown by more than ``MAX_NEW_STRINGS``, the pipeline is
    loaded afresh for the next task (what was extracted is plain data, kept)."""
    nlp = load_pipeline(tagger=tagger, min_confidence=min_confidence)
    loaded = _loaded_strings.setdefault(id(nlp), len(nlp.vocab.strings))
    done = extract_batch(
        documents, tagger=tagger, min_confidence=min_confidence, link_keys=link_keys
    )
    if len(nlp.vocab.strings) - loaded > MAX_NEW_STRINGS:
        del _loaded_strings[id(nlp)]
        forget_pipelines()
        fresh = load_pipeline(tagger=tagger, min_confidence=min_confidence)
        _loaded_strings[id(fresh)] = len(fresh.vocab.strings)
    return done


def _in_order(
    todo: Iterator[list[Document]], in_flight: int, submit: Submit, retries: int
) -> Iterator[Document]:
    """The extracted articles of the partitions ``todo``, in order, with at most
    ``in_flight`` partitions out; a partition whose task failed is resubmitted article
    by article, and an article whose task failed alone ``retries`` + 1 times comes back
    with ``error`` set."""
    pending = as_completed()
    owners: dict[Future, tuple[int, list[int]]] = {}
    slots: dict[int, tuple[list[Document], dict[int, Document]]] = {}
    failures: Counter[tuple[int, int]] = Counter()
    next_slot = 0
    read = 0

    def send(slot: int, positions: list[int]) -> None:
        batch = slots[slot][0]
        future = submit([batch[i] for i in positions])
        owners[future] = (slot, positions)
        pending.add(future)

    def fill() -> None:
        nonlocal read
        while len(slots) < in_flight and (batch := next(todo, None)) is not None:
            slots[read] = (batch, {})
            send(read, list(range(len(batch))))
            read += 1

    fill()
    while slots:
        future = next(pending)
        slot, positions = owners.pop(future)
        batch, done = slots[slot]
        try:
            results = future.result()
        except (SaidwhatError, CancelledError):  # a model missing on the workers; a lost scheduler
            raise
        except Exception as exc:  # KilledWorker: the worker died running it (or beside it)
            if len(positions) > 1:
                for position in positions:
                    send(slot, [position])
                continue
            failures[slot, positions[0]] += 1
            if failures[slot, positions[0]] <= retries:
                send(slot, positions)
                continue
            del failures[slot, positions[0]]
            results = [failed_extraction(batch[positions[0]], exc)]
        done.update(zip(positions, results, strict=True))
        while next_slot in slots and len(slots[next_slot][1]) == len(slots[next_slot][0]):
            batch, done = slots.pop(next_slot)
            next_slot += 1
            yield from (done[i] for i in range(len(batch)))
        fill()
