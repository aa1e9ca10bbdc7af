"""The library entry points: ``extract`` one text, ``extract_many`` a stream of them."""

from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import islice
from multiprocessing.pool import AsyncResult

from spacy.language import Language
from spacy.tokens import Doc

from saidwhat.attribute import DEFAULT_TAGGER
from saidwhat.chunks import CHUNK_CHARS, join_results, split_text
from saidwhat.ingest.language import detect_language
from saidwhat.ingest.normalise import normalised
from saidwhat.model import Attribution, Document, Speaker
from saidwhat.parse import DEFAULT_MODEL, load_pipeline

logger = logging.getLogger(__name__)

#: Languages the engine reads (the English model and the tagger trained on English news).
LANGUAGES = frozenset({"en"})


def _as_document(item: str | Document) -> Document:
    """``item`` as a ``Document`` whose strings UTF-8 can encode (see ``ingest.normalise``)."""
    if isinstance(item, Document):
        return normalised(item)
    document = normalised(Document(id="", text=item))
    document.id = document.text_sha256[:16]
    return document


def _process(nlp: Language, documents: list[Document], batch_size: int) -> list[Document]:
    """Run the pipeline over ``documents``; long texts go through in chunks.

    Documents in a language the engine does not read keep their language and get no
    statements. If the batch fails, each document is retried alone, and one that
    still fails comes back with ``error`` set: one bad article never stops a corpus.
    """
    documents = [
        d if d.language else replace(d, language=detect_language(d.text)) for d in documents
    ]
    readable = [d for d in documents if d.language in LANGUAGES]
    try:
        done = _annotate(nlp, readable, batch_size)
    except Exception:  # a bug or a pathological text: isolate it, document by document
        done = {}
        for document in readable:
            try:
                done |= _annotate(nlp, [document], 1)
            except Exception as exc:  # reported on the document, never raised
                logger.debug("%s: extraction failed", document.id, exc_info=True)
                done[id(document)] = replace(
                    document, error=f"extraction failed ({type(exc).__name__}: {exc})"
                )
    return [done.get(id(d), d) for d in documents]


def _annotate(nlp: Language, documents: list[Document], batch_size: int) -> dict[int, Document]:
    """Each document with its speakers and attributions, keyed by ``id(document)``."""
    jobs = [split_text(d.text, CHUNK_CHARS) for d in documents]
    texts = (chunk for chunks in jobs for _, chunk in chunks)
    docs = iter(nlp.pipe(texts, batch_size=batch_size))
    done: dict[int, Document] = {}
    for document, chunks in zip(documents, jobs, strict=True):
        parts = [(offset, *_results(next(docs))) for offset, _ in chunks]
        speakers, attributions = join_results(parts) if len(parts) > 1 else parts[0][1:]
        done[id(document)] = replace(document, speakers=speakers, attributions=attributions)
    return done


def _results(doc: Doc) -> tuple[list[Speaker], list[Attribution]]:
    return doc._.speakers or [], doc._.attributions or []


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


def _run_batch(args: tuple[list[Document], str, str, float | None, int]) -> list[Document]:
    documents, model, tagger, min_confidence, batch_size = args
    return _process(load_pipeline(model, tagger, min_confidence), documents, batch_size)


def _start_worker(tagger: str) -> None:
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
) -> Iterator[Document]:
    """Extract from many texts (or ``Document``s carrying metadata), in input order.

    ``tagger`` and ``min_confidence`` as for ``extract``.

    With ``n_process > 1`` batches are parsed by worker processes, each with its
    own copy of the pipeline; results come back as plain dataclasses, and the
    input is read only a few batches ahead of the output.
    """
    if n_process <= 1:
        nlp = load_pipeline(model, tagger, min_confidence)
        for batch in _batches(texts, batch_size):
            yield from _process(nlp, batch, batch_size)
        return
    load_pipeline(model, tagger, min_confidence)  # load once here: forked workers inherit it
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with context.Pool(n_process, initializer=_start_worker, initargs=(tagger,)) as pool:
        # At most two batches per worker in flight: the input is read as results are written.
        pending: deque[AsyncResult[list[Document]]] = deque()
        for batch in _batches(texts, batch_size):
            job = (batch, model, tagger, min_confidence, batch_size)
            pending.append(pool.apply_async(_run_batch, (job,)))
            if len(pending) >= 2 * n_process:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
