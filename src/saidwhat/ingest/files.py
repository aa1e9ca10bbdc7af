"""Read one article from a file or a stream, and the helpers every input reader shares.

``.txt`` files are text, ``.html``/``.htm`` files HTML; other files and streams
are sniffed. Sizes are checked before reading, so an oversized input is rejected
without loading it. Directories, globs and containers (WARC, feeds, JSONL) are
read by ``saidwhat.ingest.sources``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from saidwhat.errors import InputError, TooLargeError
from saidwhat.ingest.decode import declared_charset, decode_bytes, looks_like_html
from saidwhat.ingest.html import html_to_document
from saidwhat.ingest.normalise import normalised
from saidwhat.model import Document

#: The per-document size limit, in bytes of input (5 MB).
DEFAULT_MAX_BYTES = 5_000_000
#: The per-file limits of a container (JSONL, WARC, feed), gzipped or not: its content in
#: bytes once decompressed, and its articles (read or failed). A gzip of one-letter JSONL
#: lines expands a thousandfold: 87 KB held 4.3 million "articles". A CC-NEWS WARC (about
#: 1 GB gzipped) holds some 40,000 pages in about 5 GB, well under both.
DEFAULT_MAX_FILE_BYTES = 10_000_000_000
DEFAULT_MAX_FILE_ARTICLES = 100_000
#: The largest value each limit may be set to: far above any real input, and small enough
#: for the readers' C calls (``readline(n)`` overflows past 2**63).
MAX_MAX_BYTES = 1_000_000_000
MAX_MAX_FILE_BYTES = 10**15
MAX_MAX_FILE_ARTICLES = 10**9
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

    @classmethod
    def of(cls, label: str, error: InputError) -> InputFailure:
        """The failure of input ``label``; the error's message is made to start with the label."""
        return cls(label, labelled(label, error))


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadLimits:
    """How much the readers take: bytes per article (record, line), and per container file
    its bytes once decompressed and its articles. Raises ``ValueError`` for a limit out of
    range (below 1, or above its ``MAX_MAX_...``)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    max_file_articles: int = DEFAULT_MAX_FILE_ARTICLES

    def __post_init__(self) -> None:
        for name, maximum in (
            ("max_bytes", MAX_MAX_BYTES),
            ("max_file_bytes", MAX_MAX_FILE_BYTES),
            ("max_file_articles", MAX_MAX_FILE_ARTICLES),
        ):
            value = getattr(self, name)
            if not 1 <= value <= maximum:
                raise ValueError(f"{name} is {value}, not between 1 and {maximum}")


def labelled(label: str, error: InputError) -> InputError:
    """``error`` (same class) with its message starting with ``label``, unless it already does."""
    if str(error).startswith(f"{label}: "):
        return error
    return type(error)(f"{label}: {error}")


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
    try:
        data = _read_file(path, max_bytes)
        return document_from_bytes(data, id=path.stem, path=str(path), html=html_hint(path.name))
    except InputError as exc:
        raise labelled(str(path), exc) from None


def read_stream(
    stream: BinaryIO, *, max_bytes: int = DEFAULT_MAX_BYTES, label: str = STDIN_LABEL
) -> Document:
    """The article in ``stream`` (HTML or text, sniffed); its id is a hash of the text.

    Reads at most ``max_bytes + 1`` bytes. Raises ``InputError`` naming ``label``.
    """
    try:
        return document_from_bytes(read_at_most(stream, max_bytes))
    except InputError as exc:
        raise labelled(label, exc) from None


def format_size(n: int) -> str:
    """``n`` bytes for people: "5 MB", "1.5 KB", "12 bytes"."""
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if n >= factor:
            return f"{n / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


def attempt(label: str, read: Callable[[], Document]) -> Document | InputFailure:
    """``read()``, ``normalised``, or the failure of the input ``label`` when it raises
    ``InputError``. Every reader's article comes through here."""
    try:
        return normalised(read())
    except InputError as exc:
        return InputFailure.of(label, exc)


def read_at_most(stream: BinaryIO, max_bytes: int) -> bytes:
    """The bytes of ``stream``, reading at most ``max_bytes + 1``; raises ``TooLargeError``."""
    chunks: list[bytes] = []
    size = 0
    while size <= max_bytes and (chunk := stream.read(max_bytes + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
    if size > max_bytes:
        raise too_large(max_bytes)
    return b"".join(chunks)


def too_large(max_bytes: int) -> TooLargeError:
    """The error for a document of more than ``max_bytes``, found while reading it."""
    return TooLargeError(f"more than the {format_size(max_bytes)} limit per document")


def html_hint(name: str) -> bool | None:
    """True for an .html/.htm file name, False for .txt, None when the content decides."""
    suffix = Path(name).suffix.lower()
    return True if suffix in HTML_SUFFIXES else False if suffix in TEXT_SUFFIXES else None


def non_blank(value: object) -> str | None:
    """``value`` stripped, if it is a string with something in it; else None."""
    return value.strip() or None if isinstance(value, str) else None


def checked_url(value: object, name: str) -> str | None:
    """``value`` stripped if it is a URL (None if it is not a non-blank string); raises
    ``InputError`` naming the field ``name`` for one that cannot be parsed (``http://[::1``)."""
    url = non_blank(value)
    try:
        urlsplit(url or "")
    except ValueError as exc:
        shown = url if url is None or len(url) <= 80 else url[:79] + "…"
        raise InputError(f"{name} {shown!r} is not a valid URL ({exc})") from None
    return url


def site_of(url: str | None) -> str | None:
    """The site of ``url`` as an outlet name when nothing better is known: "voanews.com"."""
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


def os_error_reason(exc: OSError) -> str:
    """An ``OSError`` in a few lowercase words, e.g. "no such file or directory"."""
    return (exc.strerror or str(exc)).lower()


def _read_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path``, checking the size before reading (and while, for pipes)."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise TooLargeError(f"{format_size(size)}, over the {format_size(max_bytes)} limit")
        with path.open("rb") as file:
            return read_at_most(file, max_bytes)
    except OSError as exc:
        raise InputError(os_error_reason(exc)) from None
