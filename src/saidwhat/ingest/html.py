"""HTML to a ``Document``: the main text and metadata, extracted with trafilatura."""

from __future__ import annotations

import re

import trafilatura
from trafilatura.settings import Document as Extracted
from trafilatura.settings import set_date_params

from saidwhat.errors import InputError
from saidwhat.ingest.dates import iso_date
from saidwhat.model import Document

#: htmldate reports only the day unless asked for the time, and the time orders the
#: outlets that ran a story the same day (who published a quote first).
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
#: What htmldate gives for a page that states only the day (with or without a zone).
_NO_TIME = ("T00:00:00", "T00:00:00+0000")
#: The publication-time meta tags, read for the time when htmldate keeps only the day
#: (it prefers a visible "2026-03-09" to the meta tag's "2026-03-09T08:10:00Z").
_META_TAG = re.compile(
    r"<meta\s[^>]*(?:property|name|itemprop)\s*=\s*[\"']"
    r"(?:article:published_time|og:published_time|datePublished|pubdate)[\"'][^>]*>",
    re.IGNORECASE,
)
_CONTENT = re.compile(r"\scontent\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)


def html_to_document(html: str, *, id: str | None = None, path: str | None = None) -> Document:
    """The article in ``html``: main text (``derived_text=True``), title, URL, date, outlet, author.

    Comments below the article are left out: they are not the article's statements.
    ``id`` defaults to a hash of the extracted text. Raises ``InputError`` when no
    main text is found.
    """
    extracted = _extract(html)
    if extracted is None and "<html" not in html[:1024].lower():
        # trafilatura rejects bare fragments such as "<p>...</p>"; a wrapper makes them a page.
        extracted = _extract(f"<html><body>{html}</body></html>")
    text = (extracted.text or "").strip() if extracted is not None else ""
    if not text:
        raise InputError("no main text found in the HTML (empty page or only boilerplate)")
    document = Document(
        id=id or "",
        text=text,
        path=path,
        title=extracted.title or None,
        url=extracted.url or None,
        published=_published(extracted.date, html),
        outlet=extracted.sitename or extracted.hostname or None,
        author=extracted.author or None,
        derived_text=True,
    )
    if id is None:
        document.id = document.text_sha256[:16]
    return document


def _extract(html: str) -> Extracted | None:
    """trafilatura's extraction with metadata, or None when it finds nothing."""
    result = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        date_extraction_params={**set_date_params(), "outputformat": _DATE_FORMAT},
    )
    return result if isinstance(result, Extracted) else None


def _published(found: str | None, html: str) -> str | None:
    """htmldate's date as ISO 8601 in UTC, with the meta tag's time when it is the same day;
    a page giving only the day keeps only the day."""
    if found and found[10:] not in _NO_TIME:
        return iso_date(found)
    meta = _meta_published(html)
    if meta and (not found or meta[:10] == found[:10]):
        return meta
    return found[:10] if found else None


def _meta_published(html: str) -> str | None:
    head = html[: html.find("</head>")] if "</head>" in html else html[:20_000]
    for tag in _META_TAG.finditer(head):
        if (content := _CONTENT.search(tag.group(0))) and (found := iso_date(content.group(1))):
            return found
    return None
