"""JSON Lines exports: one article per line, an object with ``text`` or ``html``.

Other fields, all optional: ``id``, ``url``, ``title``, ``published``, ``author``,
``language``, and the outlet as ``source`` or ``outlet`` (a string, or an object
with a ``name``). A line is located as ``export.jsonl:12`` (its line number).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import partial
from itertools import accumulate
from typing import Any, BinaryIO

from saidwhat.errors import InputError
from saidwhat.ingest.dates import iso_date
from saidwhat.ingest.files import (
    InputFailure,
    attempt,
    checked_url,
    non_blank,
    site_of,
    too_large,
)
from saidwhat.ingest.html import html_to_document
from saidwhat.ingest.language import language_code
from saidwhat.ingest.normalise import normalised_record
from saidwhat.model import Document

#: Bytes read at a time when skipping or counting lines.
_BLOCK = 1 << 16
#: The deepest nesting of a line. A record is two levels deep (an author list, a source
#: object); Python's parser recurses per level and fails near 1,000 (RecursionError).
MAX_JSON_DEPTH = 64
#: A JSON string (its brackets do not nest), and every byte but a bracket.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
_OPENING = frozenset(b"[{")


def iter_jsonl(
    stream: BinaryIO, *, label: str, stem: str, max_bytes: int
) -> Iterator[Document | InputFailure]:
    """The article of each non-blank line of ``stream``, or the failure of that line.

    Ids are the record's ``id``, else ``<stem>-<line number>``. A line longer than
    ``max_bytes`` is skipped unread (a failure).
    """
    for number, line in _lines(stream, max_bytes):
        if line is not None and not line.strip():
            continue
        location = f"{label}:{number}"
        read = partial(_document, line, id=f"{stem}-{number}", path=location, max_bytes=max_bytes)
        yield attempt(location, read)


def count_jsonl(stream: BinaryIO) -> int:
    """The number of non-blank lines in ``stream``, reading it in blocks."""
    count, content = 0, False
    while chunk := stream.readline(_BLOCK):
        content = content or bool(chunk.strip())
        if chunk.endswith(b"\n"):
            count += content
            content = False
    return count + content


def _lines(stream: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """Each line with its 1-based number; None for a line over ``max_bytes`` (skipped)."""
    number = 0
    while line := stream.readline(max_bytes + 1):
        number += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while (rest := stream.readline(_BLOCK)) and not rest.endswith(b"\n"):
                pass
            yield number, None
        else:
            yield number, line


def _document(line: bytes | None, *, id: str, path: str, max_bytes: int) -> Document:
    """The article of one JSONL line. Raises ``InputError``."""
    if line is None:
        raise too_large(max_bytes)
    record = parse_line(line.rstrip(b"\r\n"))
    if not isinstance(record, dict):
        raise InputError(f"not a JSON object (a JSON {type(record).__name__})")
    return document_from_record(record, id=id, path=path)


def parse_line(line: bytes) -> Any:
    """The JSON value of one line. Raises ``InputError`` when it is not JSON or is nested
    deeper than ``MAX_JSON_DEPTH``."""
    if _depth(line) > MAX_JSON_DEPTH:
        raise InputError(f"nested more than {MAX_JSON_DEPTH} levels deep (a record needs 2)")
    try:
        return json.loads(line)
    except ValueError as exc:  # JSONDecodeError, or UnicodeDecodeError for non-UTF-8 bytes
        raise InputError(f"not JSON ({exc})") from None


def _depth(line: bytes) -> int:
    """The deepest nesting of brackets in ``line`` outside strings (at least, for broken JSON)."""
    brackets = _JSON_STRING.sub(b"", line).translate(None, _NOT_BRACKETS)
    steps = (1 if byte in _OPENING else -1 for byte in brackets)
    return max(accumulate(steps), default=0)


def document_from_record(record: dict[str, Any], *, id: str | None, path: str | None) -> Document:
    """The article of an export record (``text`` or ``html``, and optional metadata).

    ``id`` is used when the record has none (None: a hash of the text). Characters
    UTF-8 cannot encode are replaced (``normalised_record``) and noted. Raises
    ``InputError``, also for a ``url`` that is not a URL: the URL is the article's
    identity in a store (a rerun skips an article stored under its text), so an article
    kept without it could never get the corrected one.
    """
    notes: list[str] = []
    record = normalised_record(record, notes)
    url = checked_url(record.get("url"), '"url"')
    text, html = record.get("text"), record.get("html")
    if isinstance(text, str) and text.strip():
        document = Document(id=id or "", text=text, path=path)
    elif isinstance(html, str) and html.strip():
        document = html_to_document(html, id=id, path=path)
    else:
        raise InputError('no article: neither "text" nor "html" is a non-empty string')
    document.notes.extend(notes)
    given_id = record.get("id")
    if isinstance(given_id, str | int) and not isinstance(given_id, bool) and str(given_id):
        document.id = str(given_id)
    document.id = document.id or document.text_sha256[:16]
    document.url = url or document.url
    document.title = non_blank(record.get("title")) or document.title
    document.published = iso_date(record.get("published")) or document.published
    document.author = _author(record.get("author")) or document.author
    document.outlet = _outlet(record) or document.outlet or site_of(document.url)
    document.language = language_code(record.get("language"))
    return document


def _author(value: Any) -> str | None:
    """An author string, or a list of them joined with "; " (as trafilatura joins authors)."""
    if isinstance(value, list):
        return "; ".join(name for item in value if (name := non_blank(item))) or None
    return non_blank(value)


def _outlet(record: dict[str, Any]) -> str | None:
    """The outlet from ``source`` or ``outlet``: a string or an object with a ``name``."""
    for key in ("source", "outlet"):
        value = record.get(key)
        name = non_blank(value.get("name")) if isinstance(value, dict) else non_blank(value)
        if name:
            return name
    return None
