"""The library entry points: ``extract`` one text, ``extract_many`` a stream of them."""

from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from itertools import islice
from multiprocessing.pool import AsyncResult

from spacy.language import Language
from spacy.tokens import Doc

from saidwhat.attribute import DEFAULT_TAGGER
from saidwhat.attribute.component import spoken
from saidwhat.chunks import CHUNK_CHARS, Piece, join_results, pieces
from saidwhat.ingest.language import detect_language
from saidwhat.ingest.normalise import normalised
from saidwhat.model import Attribution, Document, Speaker
from saidwhat.parse import DEFAULT_MODEL, load_pipeline

logger = logging.getLogger(__name__)

#: Languages the engine reads (the English model and the tagger trained on English news).
LANGUAGES = frozenset({"en"})
#: Characters parsed at once (a batch holds fewer pieces when they are long): the
#: parser's memory grows with the characters of a batch, not with their number.
BATCH_CHARS = 100_000


def _as_document(item: str | Document) -> Document:
    """``item`` as a ``Document`` whose strings UTF-8 can encode (see ``ingest.normalise``)."""
    if isinstance(item, Document):
        return normalised(item)
    document = normalised(Document(id="", text=item))
    document.id = document.text_sha256[:16]
    return document


def _process(
    nlp: Language, documents: list[Document], batch_size: int, link_keys: bool = False
) -> list[Document]:
    """Run the pipeline over ``documents``; long texts go through in chunks (with
    ``link_keys``, each document comes back carrying its ``LinkKeys``).

    Documents in a language the engine does not read keep their language and get no
    statements. If the batch fails, each document is retried alone, and one that
    still fails comes back with ``error`` set: one bad article never stops a corpus.
    """
    documents = [_with_language(d) for d in documents]
    readable = [d for d in documents if d.language in LANGUAGES]
    try:
        done = _annotate(nlp, readable, batch_size)
    except Exception:  # a bug or a pathological text: isolate it, document by document
        done = {}
        for document in readable:
            try:
                done |= _annotate(nlp, [document], 1)
            except Exception as exc:  # reported on the document, never raised
                done[id(document)] = failed_extraction(document, exc)
    finished = [done.get(id(d), d) for d in documents]
    return [_linkable(d) for d in finished] if link_keys else finished


def _linkable(document: Document) -> Document:
    """``document`` with its corpus linker's keys (none for a failed extraction)."""
    if document.error:
        return document
    from saidwhat.link.linker import with_link_keys  # the linker is only needed by ingest

    return with_link_keys(document)


def _with_language(document: Document) -> Document:
    """``document`` with its language: as given, else detected."""
    if document.language:
        return document
    return replace(document, language=detect_language(document.text))


def failed_extraction(document: Document, exc: Exception) -> Document:
    """``document`` with the error its extraction raised (logged, never raised)."""
    logger.debug("%s: extraction failed", document.id, exc_info=True)
    return replace(document, error=f"extraction failed ({type(exc).__name__}: {exc})")


def _joined(
    document: Document, parts: list[tuple[int, list[Speaker], list[Attribution]]]
) -> Document:
    """``document`` with the speakers and statements of its pieces, ``(offset, speakers,
    statements)`` each."""
    speakers, attributions = join_results(parts) if len(parts) > 1 else parts[0][1:]
    return replace(document, speakers=speakers, attributions=attributions)


def _annotate(nlp: Language, documents: list[Document], batch_size: int) -> dict[int, Document]:
    """Each document with its speakers and attributions, keyed by ``id(document)``."""
    jobs = [pieces(d.text, CHUNK_CHARS) for d in documents]
    docs = _parsed(nlp, [piece for job in jobs for piece in job], batch_size)
    done: dict[int, Document] = {}
    for document, job in zip(documents, jobs, strict=True):
        parts = [(piece.offset, *_results(next(docs), piece)) for piece in job]
        done[id(document)] = _joined(document, parts)
    return done


def _parsed(nlp: Language, todo: list[Piece], batch_size: int) -> Iterator[Doc]:
    """The docs of ``todo``, parsed in batches of at most ``batch_size`` pieces and
    ``BATCH_CHARS`` characters (a piece longer than that alone)."""
    batch: list[str] = []
    size = 0
    for piece in todo:
        if batch and (len(batch) >= batch_size or size + len(piece.text) > BATCH_CHARS):
            yield from nlp.pipe(batch, batch_size=len(batch))
            batch, size = [], 0
        batch.append(piece.text)
        size += len(piece.text)
    if batch:
        yield from nlp.pipe(batch, batch_size=len(batch))


def _results(doc: Doc, piece: Piece) -> tuple[list[Speaker], list[Attribution]]:
    """A piece's speakers and statements, without those of its context (the pieces on
    either side have them, and the mentions there)."""
    speakers, attributions = doc._.speakers or [], doc._.attributions or []
    if not piece.own and piece.own_end is None:
        return speakers, attributions
    for speaker in speakers:
        speaker.mentions = [m for m in speaker.mentions if piece.owns(m.start)]
    return spoken(speakers, [a for a in attributions if piece.owns(a.content.start)])


def extract(
    text: str,
    *,
    id: str | None = None,
    model: str = DEFAULT_MODEL,
    tagger: str = DEFAULT_TAGGER,
    min_confidence: float | None = None,
) -> Document:
    """Every attribution in ``text``, with speakers resolved.

    ``tagger`` is "accurate" (the default, a transformer) or "fast" (for bulk ingest).
    Statements whose confidence is below ``min_confidence`` are left out (None: the
    default threshold, chosen for precision; 0 keeps all).
    """
    document = _as_document(text)
    if id is not None:
        document = normalised(replace(document, id=id))
    nlp = load_pipeline(model, tagger, min_confidence)
    return _process(nlp, [document], batch_size=1)[0]


def extract_document(
    document: Document,
    *,
    model: str = DEFAULT_MODEL,
    tagger: str = DEFAULT_TAGGER,
    min_confidence: float | None = None,
    gate: Callable[[int, int], AbstractContextManager[object]] | None = None,
    piece_chars: int = CHUNK_CHARS,
) -> Document:
    """``document`` extracted piece by piece, each piece parsed inside ``gate(done,
    total)`` (characters done before it, and of the whole text).

    A server's gate takes turns with other requests between pieces and stops an
    extraction that ran out of its time (``BudgetError``, raised through). A failure of
    the extraction itself comes back in ``error``, as from ``extract_many``.
    """
    document = _with_language(normalised(document))
    if document.language not in LANGUAGES:
        return document
    nlp = load_pipeline(model, tagger, min_confidence)
    enter = gate or (lambda done, total: nullcontext())
    parts = []
    for piece in pieces(document.text, piece_chars):
        with enter(piece.offset + piece.own, len(document.text)):
            try:
                doc = nlp(piece.text)
            except Exception as exc:  # reported on the document, never raised
                return failed_extraction(document, exc)
        parts.append((piece.offset, *_results(doc, piece)))
    return _joined(document, parts)


def extract_batch(
    documents: list[Document],
    *,
    batch_size: int = 32,
    model: str = DEFAULT_MODEL,
    tagger: str = DEFAULT_TAGGER,
    min_confidence: float | None = None,
    link_keys: bool = False,
) -> list[Document]:
    """One batch of documents extracted in this process, in order: the unit of work a
    cluster's worker runs (``saidwhat.cluster``), a pure function of its arguments.
    ``link_keys``: each document also carries its corpus linker's keys (``Document.link_keys``).

    Nothing raises out of it: a document whose extraction fails, even outside the
    parser (reading its language), comes back alone with ``error`` set, so one bad
    article never loses the others of its batch.
    """
    documents = [_as_document(d) for d in documents]
    nlp = load_pipeline(model, tagger, min_confidence)  # cached: loaded once per process
    try:
        return _process(nlp, documents, batch_size, link_keys)
    except Exception:  # outside _process's own isolation: one by one
        done = []
        for document in documents:
            try:
                done.extend(_process(nlp, [document], 1, link_keys))
            except Exception as exc:  # reported on the document, never raised
                done.append(failed_extraction(document, exc))
        return done


def _run_batch(
    args: tuple[list[Document], str, str, float | None, int, bool],
) -> list[Document]:
    documents, model, tagger, min_confidence, batch_size, link_keys = args
    nlp = load_pipeline(model, tagger, min_confidence)
    return _process(nlp, documents, batch_size, link_keys)


def start_worker(tagger: str) -> None:
    """One torch thread per worker process, as spaCy runs: a forked worker that used the
    parent's thread pool (the accurate tagger run there first) hung."""
    if tagger == "accurate":
        import torch

        torch.set_num_threads(1)


def _batches(items: Iterable[str | Document], size: int) -> Iterator[list[Document]]:
    iterator = map(_as_document, items)
    while batch := list(islice(iterator, size)):
        yield batch


def extract_many(
    texts: Iterable[str | Document],
    *,
    n_process: int = 1,
    batch_size: int = 32,
    model: str = DEFAULT_MODEL,
    tagger: str = DEFAULT_TAGGER,
    min_confidence: float | None = None,
    link_keys: bool = False,
) -> Iterator[Document]:
    """Extract from many texts (or ``Document``s carrying metadata), in input order.

    ``tagger`` and ``min_confidence`` as for ``extract``; ``link_keys`` as for
    ``extract_batch`` (computed in the worker processes).

    With ``n_process > 1`` batches are parsed by worker processes, each with its
    own copy of the pipeline; results come back as plain dataclasses, and the
    input is read only a few batches ahead of the output.
    """
    if n_process <= 1:
        nlp = load_pipeline(model, tagger, min_confidence)
        for batch in _batches(texts, batch_size):
            yield from _process(nlp, batch, batch_size, link_keys)
        return
    load_pipeline(model, tagger, min_confidence)  # load once here: forked workers inherit it
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with context.Pool(n_process, initializer=start_worker, initargs=(tagger,)) as pool:
        # At most two batches per worker in flight: the input is read as results are written.
        pending: deque[AsyncResult[list[Document]]] = deque()
        for batch in _batches(texts, batch_size):
            job = (batch, model, tagger, min_confidence, batch_size, link_keys)
            pending.append(pool.apply_async(_run_batch, (job,)))
            if len(pending) >= 2 * n_process:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
