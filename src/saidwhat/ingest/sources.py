"""Every input kind the ingest reads, found by name and content, as one stream of articles.

An input is a file, a directory (searched recursively, sorted, hidden entries
skipped) or a glob pattern (``news/**/*.jsonl``). A file is, in this order:

1. gzipped, by its magic bytes: it is decompressed and its name loses ``.gz``;
2. a container, by extension: ``.warc`` (web archive), ``.xml``/``.rss``/``.atom``
   (feed), ``.jsonl``/``.ndjson`` (JSON Lines);
3. one article, by extension: ``.txt`` (text) or ``.html``/``.htm`` (HTML);
4. otherwise sniffed: a WARC, a feed, JSON Lines (a first line that is a JSON object),
   else one article, HTML if it looks like HTML and text if not.

Bad input never stops the others: each unreadable file, record, line or item is an
``InputFailure`` whose message starts with where it is (``export.jsonl:7: ...``).
"""

from __future__ import annotations

import codecs
import glob
import gzip
import io
import os
import re
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, Literal

from saidwhat.errors import FileTooLargeError, InputError, TooManyArticlesError
from saidwhat.ingest.feeds import count_feed, iter_feed
from saidwhat.ingest.files import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_FILE_ARTICLES,
    DEFAULT_MAX_FILE_BYTES,
    HTML_SUFFIXES,
    MAX_MAX_FILE_BYTES,
    STDIN,
    STDIN_LABEL,
    TEXT_SUFFIXES,
    InputFailure,
    ReadLimits,
    attempt,
    document_from_bytes,
    format_size,
    html_hint,
    os_error_reason,
    read_at_most,
    read_path,
    read_stream,
)
from saidwhat.ingest.jsonl import count_jsonl, iter_jsonl, parse_line
from saidwhat.ingest.warc import count_warc, iter_warc
from saidwhat.model import Document

WARC_SUFFIXES = (".warc",)
FEED_SUFFIXES = (".xml", ".rss", ".atom")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
GZIP_SUFFIX = ".gz"
#: What a directory search picks up (and the same names ending in .gz).
ARTICLE_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + WARC_SUFFIXES + FEED_SUFFIXES + JSONL_SUFFIXES

Container = Literal["warc", "feed", "jsonl"]
Item = Document | InputFailure
_Reader = Callable[..., Iterator[Item]]
_READERS: dict[Container, tuple[_Reader, Callable[[BinaryIO], int]]] = {
    "warc": (iter_warc, count_warc),
    "feed": (iter_feed, count_feed),
    "jsonl": (iter_jsonl, count_jsonl),
}
_CONTAINER_SUFFIXES: tuple[tuple[Container, tuple[str, ...]], ...] = (
    ("warc", WARC_SUFFIXES),
    ("feed", FEED_SUFFIXES),
    ("jsonl", JSONL_SUFFIXES),
)
_GZIP_MAGIC = b"\x1f\x8b"
_GLOB_CHARACTERS = frozenset("*?[")
#: Bytes looked at to sniff a file's kind.
_HEAD = 8192
_FEED_START = re.compile(
    rb"\s*(?:<\?[^>]*>\s*|<!--.*?-->\s*|<!doctype[^>]*>\s*)*<(?:rss|feed|rdf:rdf)[\s>]",
    re.IGNORECASE | re.DOTALL,
)


class _OverFileLimit(Exception):
    """More content than the per-file limit (not an ``InputError``: a reader would take it for
    one record's error and read on)."""


class _DamagedGzip(Exception):
    """Gzip data that breaks off or is corrupt (not EOFError, which warcio swallows)."""


def iter_articles(
    paths: Iterable[str | Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    max_file_articles: int = DEFAULT_MAX_FILE_ARTICLES,
) -> Iterator[Item]:
    """Each article of ``paths`` as a ``Document``, or an ``InputFailure`` saying why not.

    ``paths`` are files, directories and glob patterns (see the module docstring for
    the kinds of file). ``max_bytes`` limits each article, record or line;
    ``max_file_bytes`` (decompressed) and ``max_file_articles`` each container file,
    which is read up to its limit and then ends with a failure saying so
    (``FileTooLargeError``, ``TooManyArticlesError``). Ids are the file name without
    extension for a file holding one article, ``<stem>-<n>`` for the n-th record, line
    or item of a container (or the JSONL record's own ``id``); ``path`` says where the
    article came from. Raises ``ValueError`` for a limit out of range (``ReadLimits``).
    """
    limits = ReadLimits(
        max_bytes=max_bytes, max_file_bytes=max_file_bytes, max_file_articles=max_file_articles
    )
    for name in paths:
        for source in _expand(name):
            if isinstance(source, InputFailure):
                yield source
            else:
                yield from _read_source(source, limits)


def count_articles(
    paths: Iterable[str | Path],
    *,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    max_file_articles: int = DEFAULT_MAX_FILE_ARTICLES,
) -> int:
    """How many items ``iter_articles(paths)`` yields, counted cheaply (for a progress bar).

    Files holding one article count one; containers count their JSONL lines, feed
    items and WARC HTML responses without extracting text, up to the per-file limits.
    Exact for good inputs; an unreadable file counts one.
    """
    limits = ReadLimits(max_file_bytes=max_file_bytes, max_file_articles=max_file_articles)
    return sum(
        1 if isinstance(source, InputFailure) else _count_source(source, limits)
        for name in paths
        for source in _expand(name)
    )


def iter_inputs(
    paths: Iterable[str | Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    max_file_articles: int = DEFAULT_MAX_FILE_ARTICLES,
    stdin: BinaryIO | None = None,
) -> Iterator[Item]:
    """``iter_articles``, where ``-`` also reads one article from ``stdin``.

    ``stdin`` defaults to the process's standard input; it is read as HTML or text.
    """
    limits = ReadLimits(
        max_bytes=max_bytes, max_file_bytes=max_file_bytes, max_file_articles=max_file_articles
    )
    for name in paths:
        if str(name) == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield attempt(STDIN_LABEL, partial(read_stream, stream, max_bytes=max_bytes))
        else:
            for source in _expand(name):
                if isinstance(source, InputFailure):
                    yield source
                else:
                    yield from _read_source(source, limits)


def names_nothing(name: str | Path) -> bool:
    """Whether ``name`` is neither a file nor a directory nor a pattern matching any."""
    return not os.path.lexists(name) and not glob.glob(str(name), recursive=True)


def _expand(name: str | Path) -> Iterator[Path | InputFailure]:
    """The files ``name`` stands for: itself, those under a directory, a pattern's matches."""
    path = Path(name)
    if path.is_dir():
        found = False
        for item in _walk(path):
            found = True
            yield item
        if not found:
            message = (
                f"{path}: no .txt, .html or .htm files (nor feeds, JSONL or WARC files) "
                "in this directory"
            )
            yield InputFailure(str(path), InputError(message))
    elif not os.path.lexists(path) and _GLOB_CHARACTERS & set(str(name)):
        yield from _glob(str(name))
    else:
        yield path


def _glob(pattern: str) -> Iterator[Path | InputFailure]:
    """The article files ``pattern`` matches, and those under the directories it matches.

    As in a directory search, matches that are not article files (``notes.md``) and
    hidden ones are left out; each file comes once (``news/**`` matches a directory
    and the files under it).
    """
    seen: set[Path] = set()
    for match in sorted(glob.glob(pattern, recursive=True)):
        path = Path(match)
        found = _walk(path) if path.is_dir() else [path] if _is_article_name(path.name) else []
        for item in found:
            if isinstance(item, Path):
                if item in seen:
                    continue
                seen.add(item)
            yield item
    if not seen:
        yield InputFailure(pattern, InputError(f"{pattern}: no article files match this pattern"))


def _walk(directory: Path) -> Iterator[Path | InputFailure]:
    """The article files under ``directory``, sorted; unreadable subdirectories as failures."""
    failures: list[InputFailure] = []

    def report(exc: OSError) -> None:
        label = exc.filename or str(directory)
        failures.append(InputFailure.of(label, InputError(os_error_reason(exc))))

    files = []
    for root, dirs, names in os.walk(directory, onerror=report):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        files.extend(Path(root, name) for name in names if _is_article_name(name))
    yield from failures
    yield from sorted(files)


def _is_article_name(name: str) -> bool:
    lower = name.lower().removesuffix(GZIP_SUFFIX)
    return not name.startswith(".") and lower.endswith(ARTICLE_SUFFIXES)


def _read_source(path: Path, limits: ReadLimits) -> Iterator[Item]:
    """The articles in the file at ``path``, or the failures saying why not."""
    label = str(path)
    max_bytes = limits.max_bytes
    if html_hint(path.name) is not None:  # .txt, .html, .htm: size checked before opening
        yield attempt(label, partial(read_path, path, max_bytes=max_bytes))
        return
    try:
        gzipped, head = _peek(path)
        if not head and not gzipped:
            raise InputError("empty (0 bytes)")
        inner = _inner_name(path, gzipped)
        container = _container(inner, head)
        if container is None and not gzipped:
            yield attempt(label, partial(read_path, path, max_bytes=max_bytes))
            return
        with _opened(path, gzipped, limits.max_file_bytes) as stream:
            if container is None:
                yield attempt(label, partial(_gzipped_article, stream, inner, label, max_bytes))
                return
            read = _READERS[container][0]
            items = read(stream, label=label, stem=Path(inner).stem, max_bytes=max_bytes)
            yield from _within_file_limits(items, limits)
    except InputError as exc:
        yield InputFailure.of(label, exc)
    except _DamagedGzip as exc:
        yield InputFailure.of(label, InputError(str(exc)))
    except OSError as exc:
        yield InputFailure.of(label, InputError(os_error_reason(exc)))


def _within_file_limits(items: Iterator[Item], limits: ReadLimits) -> Iterator[Item]:
    """The items of one container file up to its limits; raises ``TooManyArticlesError`` or
    ``FileTooLargeError`` past them, saying how many were read."""
    count = 0
    try:
        for item in items:
            if count == limits.max_file_articles:
                raise TooManyArticlesError(
                    f"more than the {count} articles limit per file; the first {count} were read"
                )
            count += 1
            yield item
    except _OverFileLimit:
        raise FileTooLargeError(
            f"more than the {format_size(limits.max_file_bytes)} limit per file (decompressed); "
            f"the {count} article(s) before it were read"
        ) from None


def _gzipped_article(stream: BinaryIO, inner: str, label: str, max_bytes: int) -> Document:
    """The one article in a gzipped file, e.g. ``story.html.gz``."""
    data = read_at_most(stream, max_bytes)
    return document_from_bytes(data, id=Path(inner).stem, path=label, html=html_hint(inner))


def _count_source(path: Path, limits: ReadLimits) -> int:
    """The number of items ``_read_source`` yields for ``path``, counted cheaply."""
    if html_hint(path.name) is not None:
        return 1
    try:
        gzipped, head = _peek(path)
        container = _container(_inner_name(path, gzipped), head)
        if container is None:
            return 1
        with _opened(path, gzipped, limits.max_file_bytes) as stream:
            # Over the limit, the first ``max_file_articles`` and the failure saying so.
            return min(_READERS[container][1](stream), limits.max_file_articles + 1)
    except (InputError, _DamagedGzip, _OverFileLimit, OSError):
        return 1


def _peek(path: Path) -> tuple[bool, bytes]:
    """Whether ``path`` is gzipped, and the first bytes of its (decompressed) content."""
    with path.open("rb") as file:
        gzipped = file.read(len(_GZIP_MAGIC)) == _GZIP_MAGIC
    head = b""
    with _opened(path, gzipped, MAX_MAX_FILE_BYTES) as stream:
        try:
            while len(head) < _HEAD and (chunk := stream.read1(_HEAD - len(head))):
                head += chunk
        except _DamagedGzip:
            pass  # reported when the file is read, after what could be read
    return gzipped, head


def _inner_name(path: Path, gzipped: bool) -> str:
    """The file name without ``.gz`` when gzipped: ``crawl.warc.gz`` -> ``crawl.warc``."""
    name = path.name
    if gzipped and name.lower().endswith(GZIP_SUFFIX):
        return name[: -len(GZIP_SUFFIX)]
    return name


def _container(name: str, head: bytes) -> Container | None:
    """The kind of container by file name, else sniffed from ``head``; None for one article."""
    lower = name.lower()
    for kind, suffixes in _CONTAINER_SUFFIXES:
        if lower.endswith(suffixes):
            return kind
    if lower.endswith(TEXT_SUFFIXES + HTML_SUFFIXES):
        return None
    head = head.removeprefix(codecs.BOM_UTF8)
    if head.startswith(b"WARC/"):
        return "warc"
    if _FEED_START.match(head):
        return "feed"
    if _starts_with_json_object(head):
        return "jsonl"
    return None


def _starts_with_json_object(head: bytes) -> bool:
    """Whether the first non-blank line of ``head`` is a JSON object."""
    text = head.lstrip()
    if not text.startswith(b"{"):
        return False
    line, newline, _ = text.partition(b"\n")
    if not newline and len(head) >= _HEAD:  # a first line longer than the head
        return text.startswith(b'{"')
    try:
        return isinstance(parse_line(line), dict)
    except InputError:
        return False


@contextmanager
def _opened(path: Path, gzipped: bool, max_file_bytes: int) -> Iterator[BinaryIO]:
    """``path`` open for reading, decompressed when gzipped; reading more than
    ``max_file_bytes`` of its content raises ``_OverFileLimit``."""
    with path.open("rb") as file:
        content: BinaryIO = _GzipReader(file) if gzipped else file  # type: ignore[assignment]
        yield io.BufferedReader(_Bounded(content, max_file_bytes))


class _Bounded(io.RawIOBase):
    """The bytes of ``stream``, raising ``_OverFileLimit`` past ``limit`` of them."""

    def __init__(self, stream: BinaryIO, limit: int) -> None:
        super().__init__()
        self._stream = stream
        self._left = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._left == 0:
            if self._stream.read(1):  # a file of exactly the limit is within it
                raise _OverFileLimit
            return 0
        count: int = self._stream.readinto(memoryview(buffer)[: self._left])  # type: ignore[attr-defined]
        self._left -= count
        return count


class _GzipReader(io.RawIOBase):
    """Decompressed gzip data; damage raises ``_DamagedGzip`` saying what is wrong."""

    def __init__(self, file: BinaryIO) -> None:
        super().__init__()
        self._gzip = gzip.GzipFile(fileobj=file, mode="rb")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            # read1: what is decompressed before a damaged end is still returned.
            data = self._gzip.read1(len(buffer))
        except EOFError as exc:
            raise _DamagedGzip(f"truncated gzip file ({str(exc).lower()})") from None
        except (gzip.BadGzipFile, zlib.error) as exc:
            raise _DamagedGzip(f"damaged gzip data ({exc})") from None
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._gzip.close()
        super().close()
