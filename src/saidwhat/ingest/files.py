"""Read articles from files, directories and streams: one ``Document`` (or failure) each.

``.txt`` files are text, ``.html``/``.htm`` files HTML; other files and streams
are sniffed. Sizes are checked before reading, so an oversized input is rejected
without loading it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from saidwhat.errors import InputError, TooLargeError
from saidwhat.ingest.decode import declared_charset, decode_bytes, looks_like_html
from saidwhat.ingest.html import html_to_document
from saidwhat.model import Document

#: The per-document size limit, in bytes of input (5 MB).
DEFAULT_MAX_BYTES = 5_000_000
TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
#: The path that means standard input, and how errors name it.
STDIN = "-"
STDIN_LABEL = "<stdin>"


@dataclass(frozen=True, slots=True)
class InputFailure:
    """An input that could not be read: its path and the error (whose message names it)."""

    path: str
    error: InputError

    @property
    def message(self) -> str:
        return str(self.error)


def document_from_bytes(
    data: bytes,
    *,
    id: str | None = None,
    path: str | None = None,
    html: bool | None = None,
    declared: str | None = None,
) -> Document:
    """A ``Document`` from raw bytes, read as HTML (``html=True``), text, or sniffed (None).

    ``declared`` is a charset from outside the bytes (e.g. an HTTP header); for HTML
    it wins over ``<meta charset>``. Text is kept exactly as decoded. ``id``
    defaults to a hash of the text. Raises ``InputError``.
    """
    if not data:
        raise InputError("empty (0 bytes)")
    if html is None:
        html = looks_like_html(data)
    if html:
        markup = decode_bytes(data, declared=declared or declared_charset(data))
        return html_to_document(markup, id=id, path=path)
    text = decode_bytes(data, declared=declared)
    if not text.strip():
        raise InputError("empty (only whitespace)")
    document = Document(id=id or "", text=text, path=path)
    if id is None:
        document.id = document.text_sha256[:16]
    return document


def read_path(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """The article in the file at ``path``; its id is the file name without extension.

    Raises ``InputError`` (``TooLargeError`` above ``max_bytes``) with a message
    starting with the path.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    html = True if suffix in HTML_SUFFIXES else False if suffix in TEXT_SUFFIXES else None
    try:
        data = _read_file(path, max_bytes)
        return document_from_bytes(data, id=path.stem, path=str(path), html=html)
    except InputError as exc:
        raise type(exc)(f"{path}: {exc}") from None


def read_stream(
    stream: BinaryIO, *, max_bytes: int = DEFAULT_MAX_BYTES, label: str = STDIN_LABEL
) -> Document:
    """The article in ``stream`` (HTML or text, sniffed); its id is a hash of the text.

    Reads at most ``max_bytes + 1`` bytes. Raises ``InputError`` naming ``label``.
    """
    try:
        data = stream.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise TooLargeError(f"more than the {format_size(max_bytes)} limit per document")
        return document_from_bytes(data)
    except InputError as exc:
        raise type(exc)(f"{label}: {exc}") from None


def iter_inputs(
    paths: Iterable[str | Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: BinaryIO | None = None,
) -> Iterator[Document | InputFailure]:
    """Each input of ``paths`` as a ``Document``, or an ``InputFailure`` saying why not.

    Directories are searched recursively for .txt, .html and .htm files (sorted;
    hidden files and directories skipped); ``-`` reads ``stdin`` (default: the
    process's standard input). One failure never stops the others.
    """
    for name in paths:
        if str(name) == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield _attempt(STDIN_LABEL, lambda s=stream: read_stream(s, max_bytes=max_bytes))
            continue
        path = Path(name)
        if not path.is_dir():
            yield _attempt(str(path), lambda p=path: read_path(p, max_bytes=max_bytes))
            continue
        found = False
        for item in _walk(path):
            found = True
            if isinstance(item, InputFailure):
                yield item
            else:
                yield _attempt(str(item), lambda p=item: read_path(p, max_bytes=max_bytes))
        if not found:
            message = f"{path}: no .txt, .html or .htm files in this directory"
            yield InputFailure(str(path), InputError(message))


def format_size(n: int) -> str:
    """``n`` bytes for people: "5 MB", "1.5 KB", "12 bytes"."""
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if n >= factor:
            return f"{n / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


def _attempt(label: str, read: Callable[[], Document]) -> Document | InputFailure:
    try:
        return read()
    except InputError as exc:
        return InputFailure(label, exc)


def _read_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path``, checking the size before reading (and while, for pipes)."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise TooLargeError(f"{format_size(size)}, over the {format_size(max_bytes)} limit")
        with path.open("rb") as file:
            data = file.read(max_bytes + 1)
    except OSError as exc:
        raise InputError((exc.strerror or str(exc)).lower()) from None
    if len(data) > max_bytes:
        raise TooLargeError(f"more than the {format_size(max_bytes)} limit")
    return data


def _walk(directory: Path) -> Iterator[Path | InputFailure]:
    """The article files under ``directory``, sorted; unreadable subdirectories as failures."""
    failures: list[InputFailure] = []

    def report(exc: OSError) -> None:
        label = exc.filename or str(directory)
        reason = (exc.strerror or str(exc)).lower()
        failures.append(InputFailure(label, InputError(f"{label}: {reason}")))

    files = []
    for root, dirs, names in os.walk(directory, onerror=report):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        files.extend(
            Path(root, name)
            for name in names
            if not name.startswith(".") and name.lower().endswith(TEXT_SUFFIXES + HTML_SUFFIXES)
        )
    yield from failures
    yield from sorted(files)
