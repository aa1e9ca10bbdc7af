"""RSS and Atom feeds (with feedparser): one article per item.

An item's text is its full content (``content:encoded``, Atom ``content``), else its
summary (``description``). HTML goes through trafilatura, falling back to all of the
HTML's text when trafilatura finds no main text (a short summary, a list). The item
gives the title, link, date and author; the feed's title is the outlet. An item is
located as ``feed.xml#item-3``.
"""

from __future__ import annotations

import re
import xml.sax
from collections.abc import Iterator
from functools import partial
from typing import Any, BinaryIO

import feedparser
import trafilatura

from saidwhat.errors import InputError
from saidwhat.ingest.dates import iso_date, iso_from_struct
from saidwhat.ingest.files import (
    InputFailure,
    attempt,
    non_blank,
    read_at_most,
    too_large,
)
from saidwhat.ingest.html import html_to_document
from saidwhat.model import Document

#: The largest feed file read (feedparser needs all of it in memory); items still
#: have the per-document limit. Real feeds are well under 10 MB.
MAX_FEED_BYTES = 100_000_000
_HTML_TYPES = ("text/html", "application/xhtml+xml")
#: Item elements, for a count without parsing: RSS <item>, Atom <entry>, any prefix.
_ITEM_TAG = re.compile(rb"<(?:[\w-]+:)?(?:item|entry)[\s>/]")
#: A character reference to a surrogate code point (&#xD800; or &#55296;): feedparser's
#: encoding of it fails, so it is read as U+FFFD, as the XML specification's
#: replacement for a character no document may hold.
_SURROGATE_REFERENCE = re.compile(rb"&#(?:[xX]0*[dD][89a-fA-F][0-9a-fA-F]{2}|0*5[5-7]\d{3});")
#: Item dates, best first (feedparser maps RSS pubDate to "published").
_DATE_KEYS = ("published", "updated", "created")


def iter_feed(
    stream: BinaryIO, *, label: str, stem: str, max_bytes: int
) -> Iterator[Document | InputFailure]:
    """The article of each item of the feed in ``stream``, or the failure of that item.

    Ids are ``<stem>-<item number>``. Raises ``InputError`` when ``stream`` is not a
    feed, has no items, or breaks off (after the items read before the damage).
    """
    data = read_at_most(stream, max(max_bytes, MAX_FEED_BYTES))
    try:
        parsed = feedparser.parse(_SURROGATE_REFERENCE.sub(_replacement, data))
    except (ValueError, UnicodeError) as exc:  # feedparser's own, e.g. a reference past U+10FFFF
        raise InputError(f"not a readable RSS or Atom feed ({type(exc).__name__}: {exc})") from exc
    damage = parsed.get("bozo_exception") if parsed.get("bozo") else None
    damage = damage if isinstance(damage, xml.sax.SAXException) else None
    if not parsed.entries:
        if damage is not None:
            raise InputError(f"not a readable RSS or Atom feed ({_describe(damage)})")
        raise InputError("no items in this feed" if parsed.version else "not an RSS or Atom feed")
    outlet = non_blank(parsed.feed.get("title"))
    for number, entry in enumerate(parsed.entries, 1):
        location = f"{label}#item-{number}"
        read = partial(
            _document,
            entry,
            id=f"{stem}-{number}",
            path=location,
            outlet=outlet,
            max_bytes=max_bytes,
        )
        yield attempt(location, read)
    if damage is not None:
        raise InputError(
            f"not well-formed XML ({_describe(damage)}); "
            f"read the {len(parsed.entries)} items before the damage"
        )


def _replacement(reference: re.Match[bytes]) -> bytes:
    """U+FFFD for a reference to a surrogate; other references (&#57344;) unchanged."""
    digits = reference.group()[2:-1]
    value = int(digits[1:], 16) if digits[:1] in (b"x", b"X") else int(digits)
    return b"&#xFFFD;" if 0xD800 <= value <= 0xDFFF else reference.group()


def count_feed(stream: BinaryIO) -> int:
    """The number of items in the feed in ``stream``, counting tags without parsing."""
    return len(_ITEM_TAG.findall(read_at_most(stream, MAX_FEED_BYTES)))


def _document(entry: Any, *, id: str, path: str, outlet: str | None, max_bytes: int) -> Document:
    """The article of one feed item. Raises ``InputError``."""
    content, is_html = _content(entry)
    if not content.strip():
        raise InputError("no text (the item has no content, summary or description)")
    if len(content.encode("utf-8")) > max_bytes:
        raise too_large(max_bytes)
    if is_html:
        document = _html_document(content, id=id, path=path)
    else:
        document = Document(id=id, text=content, path=path)
    # The item's metadata, not what trafilatura guesses from a fragment of it.
    document.title = non_blank(entry.get("title"))
    document.url = _link(entry.get("link"))
    document.published = _date(entry)
    document.author = non_blank(entry.get("author"))
    document.outlet = outlet
    return document


def _content(entry: Any) -> tuple[str, bool]:
    """The item's fullest text and whether it is HTML: content, else summary."""
    details = [*entry.get("content", []), entry.get("summary_detail") or {}]
    for detail in details:
        value = detail.get("value") or ""
        if value.strip():
            return value, detail.get("type", "text/html") in _HTML_TYPES
    return "", False


def _html_document(html: str, *, id: str, path: str) -> Document:
    """The main text of an item's HTML, or all of its text when trafilatura finds none."""
    try:
        return html_to_document(html, id=id, path=path)
    except InputError:
        # html2txt, like bare_extraction, needs a page rather than a fragment.
        text = trafilatura.html2txt(f"<html><body>{html}</body></html>").strip()
        if not text:
            raise InputError("no text in the item's HTML") from None
        return Document(id=id, text=text, path=path, derived_text=True)


def _date(entry: Any) -> str | None:
    """The item's date as ISO 8601: its own text if readable, else feedparser's parse."""
    for key in _DATE_KEYS:
        date = iso_date(entry.get(key)) or iso_from_struct(entry.get(f"{key}_parsed"))
        if date:
            return date
    return None


def _link(value: Any) -> str | None:
    """An item's link if it is a web address (feedparser falls back to ids like "urn:...")."""
    link = non_blank(value)
    return link if link and link.lower().startswith(("http://", "https://")) else None


def _describe(error: xml.sax.SAXException) -> str:
    """A parse error as "line 7: unclosed CDATA section"."""
    if isinstance(error, xml.sax.SAXParseException):
        return f"line {error.getLineNumber()}: {error.getMessage()}"
    return str(error)
