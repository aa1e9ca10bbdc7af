"""HTML to a ``Document``: the main text and metadata, extracted with trafilatura."""

from __future__ import annotations

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
        published=_published(extracted.date),
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


def _published(found: str | None) -> str | None:
    """htmldate's date as ISO 8601 in UTC; a page giving only the day keeps only the day."""
    if not found:
        return None
    return found[:10] if found[10:] in _NO_TIME else iso_date(found)
