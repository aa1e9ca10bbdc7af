"""The library entry points: ``extract`` one text, ``extract_many`` a stream of them."""

from __future__ import annotations

import hashlib
import multiprocessing
from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import islice

from spacy.tokens import Doc

from saidwhat.model import Document
from saidwhat.parse import DEFAULT_MODEL, load_pipeline


def _as_document(item: str | Document, index: int) -> Document:
    if isinstance(item, Document):
        return item
    digest = hashlib.sha256(item.encode("utf-8")).hexdigest()[:16]
    return Document(id=digest, text=item)


def _fill(document: Document, doc: Doc) -> Document:
    return replace(document, speakers=doc._.speakers or [], attributions=doc._.attributions or [])


def extract(text: str, *, id: str | None = None, model: str = DEFAULT_MODEL) -> Document:
    """Every attribution in ``text``, with speakers resolved."""
    document = _as_document(text, 0)
    if id is not None:
        document = replace(document, id=id)
    return _fill(document, load_pipeline(model)(document.text))


def _run_batch(args: tuple[list[Document], str]) -> list[Document]:
    documents, model = args
    nlp = load_pipeline(model)
    docs = nlp.pipe((d.text for d in documents), batch_size=len(documents))
    return [_fill(d, doc) for d, doc in zip(documents, docs, strict=True)]


def _batches(items: Iterable[str | Document], size: int) -> Iterator[list[Document]]:
    iterator = (_as_document(item, i) for i, item in enumerate(items))
    while batch := list(islice(iterator, size)):
        yield batch


def extract_many(
    texts: Iterable[str | Document],
    *,
    n_process: int = 1,
    batch_size: int = 32,
    model: str = DEFAULT_MODEL,
) -> Iterator[Document]:
    """Extract from many texts (or ``Document``s carrying metadata), in input order.

    With ``n_process > 1`` batches are parsed by worker processes, each with its
    own copy of the pipeline; results come back as plain dataclasses.
    """
    if n_process <= 1:
        nlp = load_pipeline(model)
        for batch in _batches(texts, batch_size):
            docs = nlp.pipe((d.text for d in batch), batch_size=batch_size)
            yield from (_fill(d, doc) for d, doc in zip(batch, docs, strict=True))
        return
    load_pipeline(model)  # load once here so forked workers inherit it
    context = multiprocessing.get_context("fork")
    with context.Pool(n_process) as pool:
        jobs = ((batch, model) for batch in _batches(texts, batch_size))
        for documents in pool.imap(_run_batch, jobs):
            yield from documents
