"""Web archives (WARC, with warcio): each HTML page fetched with a 2xx status is an article.

Only ``response`` records with an HTTP status 2xx and an HTML content type are
articles; other records (requests, metadata, images, redirects, errors) are not,
and are skipped without a word. The charset of the HTTP ``Content-Type`` header wins
over the page's ``<meta charset>``. The URL is the page's canonical URL, else the
record's ``WARC-Target-URI``; the publication date comes only from the page (the
WARC-Date is when it was crawled). A record is located as ``crawl.warc.gz#record-5``
(its number among all records of the file).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeadersParserException

from saidwhat.errors import InputError
from saidwhat.ingest.files import (
    InputFailure,
    attempt,
    checked_url,
    document_from_bytes,
    read_at_most,
    site_of,
)
from saidwhat.model import Document

#: What warcio lets escape from a record with malformed headers (e.g. no Content-Type).
_MALFORMED = (StatusAndHeadersParserException, ValueError, AttributeError)
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([^\"';\s]+)", re.IGNORECASE)


def iter_warc(
    stream: BinaryIO, *, label: str, stem: str, max_bytes: int
) -> Iterator[Document | InputFailure]:
    """The article of each HTML page archived in ``stream``, or the failure of that record.

    ``stream`` is an uncompressed WARC (the caller decompresses a .warc.gz). Ids are
    ``<stem>-<record number>``. Raises ``InputError`` when ``stream`` is not a WARC.
    """
    for number, record in _records(stream):
        if _is_article(record):
            location = f"{label}#record-{number}"
            read = partial(
                _document, record, id=f"{stem}-{number}", path=location, max_bytes=max_bytes
            )
            yield attempt(location, read)


def count_warc(stream: BinaryIO) -> int:
    """The number of articles (HTML 2xx responses) in the WARC ``stream``."""
    return sum(_is_article(record) for _, record in _records(stream))


def _records(stream: BinaryIO) -> Iterator[tuple[int, ArcWarcRecord]]:
    """Each record of the WARC with its 1-based number; ``InputError`` if it is not a WARC."""
    try:
        yield from enumerate(ArchiveIterator(stream), 1)
    except ArchiveLoadFailed as exc:
        raise InputError(f"not a readable WARC file ({str(exc).strip()})") from None
    except _MALFORMED as exc:
        raise InputError(f"not a readable WARC file (malformed record: {exc})") from None


def _is_article(record: ArcWarcRecord) -> bool:
    """Whether ``record`` is an HTTP response with status 2xx and HTML content."""
    if record.rec_type != "response" or record.http_headers is None:
        return False
    status = record.http_headers.get_statuscode() or ""
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    return status.startswith("2") and content_type.startswith(_HTML_TYPES)


def _document(record: ArcWarcRecord, *, id: str, path: str, max_bytes: int) -> Document:
    """The article of one HTML response record. Raises ``InputError``."""
    payload = read_at_most(record.content_stream(), max_bytes)
    if getattr(record.raw_stream, "limit", 0) > 0:
        raise InputError("truncated record (the file ends inside it)")
    match = _CHARSET.search(record.http_headers.get_header("Content-Type") or "")
    declared = match.group(1) if match else None
    document = document_from_bytes(payload, id=id, path=path, html=True, declared=declared)
    target = checked_url(record.rec_headers.get_header("WARC-Target-URI"), "WARC-Target-URI")
    document.url = document.url or target
    document.outlet = document.outlet or site_of(target)
    return document
