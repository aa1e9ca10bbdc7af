"""Server-rendered pages: search, speaker, article, quote cluster, paste.

Every page is a Jinja2 template with autoescaping on; nothing user-derived is marked
safe. The article highlights are built here as plain data (text segments and the
statement parts covering them) and escaped by the template like any other text.
The pages use no inline script or style: the CSP allows only ``/static`` files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from saidwhat.errors import InputError, NotFoundError
from saidwhat.model import Statement
from saidwhat.store import KINDS, QuoteFilter, Store

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

#: Statements per page of search results.
PAGE_SIZE = 20
#: Highest page number accepted (deep offsets are slow and nobody reads them).
MAX_PAGE = 10_000
#: Statements and quote clusters on a speaker page and the front page.
LATEST = 10
TOP_QUOTES = 5
#: Most months drawn on a speaker's timeline (the latest ones).
MAX_MONTHS = 240
#: The filters of the search form, in order.
FILTERS = ("q", "speaker", "about", "outlet", "kind", "since", "until")
#: The parts of a statement, in the order their classes are listed on a mark.
PARTS = ("source", "cue", "content")
_PARAGRAPH_BREAK = re.compile(r"[ \t\r\f\v]*\n\s*")


def _day(value: str | None) -> str:
    """An ISO date or timestamp shown as its day (``2026-03-01``); "" for none."""
    return (value or "")[:10]


def _web_url(value: str | None) -> str | None:
    """``value`` if it is an http(s) URL, fit for an ``href``; None otherwise."""
    if not value:
        return None
    try:
        scheme = urlsplit(value).scheme.lower()
    except ValueError:
        return None
    return value if scheme in ("http", "https") else None


templates.env.filters["day"] = _day
templates.env.filters["web_url"] = _web_url
templates.env.globals["PARTS"] = PARTS


def render_error(request: Request, status: int, message: str) -> Response:
    """The HTML error page (the message is escaped like everything else)."""
    return templates.TemplateResponse(
        request, "error.html", {"status": status, "message": message}, status_code=status
    )


def _reader(request: Request) -> Store:
    return request.app.state.stores.reader()


def _number(value: str) -> int | None:
    """``value`` as a page number or record id (ASCII digits, within SQLite's integers)."""
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def _page_number(value: str | None) -> int:
    if value is None or value.strip() == "":
        return 1
    number = _number(value)
    if number is None or not 1 <= number <= MAX_PAGE:
        raise InputError(f"page: {value!r} is not a page number (1 to {MAX_PAGE})")
    return number


def _cluster_sizes(store: Store, statements: list[Statement]) -> dict[int, int]:
    """How many statements each quote cluster among ``statements`` holds."""
    ids = {s.cluster_id for s in statements if s.cluster_id is not None}
    return {cid: store.count_quotes(QuoteFilter(cluster=cid)) for cid in ids}


# -- search ---------------------------------------------------------------------------


def _confidence(filters: dict[str, str]) -> float | None:
    """The search form's least confidence, given in percent ("80" is 0.8)."""
    value = filters.get("min_confidence")
    if value is None:
        return None
    try:
        percent = float(value)
    except ValueError:
        raise InputError(f"min_confidence: {value!r} is not a number") from None
    if not 0 <= percent <= 100:
        raise InputError(f"min_confidence: {value!r} is not a percentage (0 to 100)")
    return percent / 100


@router.get("/", response_class=HTMLResponse)
def search(
    request: Request,
    q: str | None = None,
    speaker: str | None = None,
    about: str | None = None,
    outlet: str | None = None,
    kind: str | None = None,
    since: str | None = None,
    until: str | None = None,
    min_confidence: str | None = None,
    page: str | None = None,
) -> Response:
    given = {"q": q, "speaker": speaker, "about": about, "outlet": outlet}
    given |= {"kind": kind, "since": since, "until": until, "min_confidence": min_confidence}
    filters = {k: v.strip() for k, v in given.items() if v is not None and v.strip()}
    where = QuoteFilter(**{**filters, "min_confidence": _confidence(filters)})
    number = _page_number(page)
    store = _reader(request)
    total = store.count_quotes(where)
    results = store.quotes(where, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))

    def link(to: int) -> str:
        return "/?" + urlencode({**filters, "page": to})

    context: dict[str, Any] = {
        "filters": filters,
        "searching": bool(filters),
        "kinds": KINDS,
        "results": results,
        "cluster_sizes": _cluster_sizes(store, results),
        "total": total,
        "page": number,
        "pages": pages,
        "first": (number - 1) * PAGE_SIZE + 1,
        "prev_url": link(number - 1) if number > 1 else None,
        "next_url": link(number + 1) if number < pages else None,
    }
    if filters:
        context["speaker_matches"] = store.speakers(filters["q"], limit=5) if "q" in filters else []
    else:
        context["stats"] = store.stats()
        context["top_quotes"] = store.clusters(limit=TOP_QUOTES)
    return templates.TemplateResponse(request, "search.html", context)


# -- speaker --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bar:
    month: str
    count: int
    x: float
    y: float
    height: float
    label: str | None


@dataclass(slots=True)
class Timeline:
    """A statements-per-month bar chart, laid out for an SVG ``viewBox``."""

    bars: list[Bar] = field(default_factory=list)
    width: float = 0
    height: float = 120
    top: int = 0
    bar_width: float = 0
    total: int = 0


def _months(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last``, at most the last ``MAX_MONTHS``."""
    y, m = int(first[:4]), int(first[5:7])
    y2, m2 = int(last[:4]), int(last[5:7])
    months = []
    while (y, m) <= (y2, m2):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months[-MAX_MONTHS:]


def timeline(by_month: list[tuple[str, int]]) -> Timeline:
    """The chart of ``by_month``, empty months drawn as gaps, years labelled."""
    counts = {}
    for month, n in by_month:
        try:
            date(int(month[:4]), int(month[5:7]), 1)
        except (ValueError, IndexError):
            continue  # a malformed date in the store: leave it off the chart
        counts[month[:7]] = n
    if not counts:
        return Timeline()
    months = _months(min(counts), max(counts))
    base, plot = 100.0, 86.0  # the axis, and the tallest bar (room above for its count)
    slot = max(8.0, min(28.0, 720.0 / len(months)))
    top = max(counts.get(m, 0) for m in months) or 1
    bars = []
    last_label = -1e9
    for i, month in enumerate(months):
        n = counts.get(month, 0)
        h = round(plot * n / top, 2)
        x = round(i * slot + 1, 2)
        label = None
        wanted = i == 0 or month.endswith("-01") or i == len(months) - 1
        if wanted and x - last_label >= 44:  # labels are ~40 units wide
            label, last_label = month, x
        bars.append(Bar(month, n, x, round(base - h, 2), h, label))
    return Timeline(
        bars=bars,
        width=round(len(months) * slot + 44, 2),
        height=base + 20,
        top=top,
        bar_width=round(slot * 0.8, 2),
        total=sum(counts.values()),
    )


@router.get("/speakers/{speaker_id}", response_class=HTMLResponse)
def speaker_page(request: Request, speaker_id: str) -> Response:
    sid = _number(speaker_id)
    if sid is None:
        raise NotFoundError(f"no speaker {speaker_id!r}")
    store = _reader(request)
    profile = store.speaker_profile(sid)
    latest = store.quotes(QuoteFilter(speaker=sid), limit=LATEST)
    context = {
        "profile": profile,
        "speaker": profile.speaker,
        "chart": timeline(profile.by_month),
        "latest": latest,
        "cluster_sizes": _cluster_sizes(store, latest),
        "all_url": "/?" + urlencode({"speaker": sid}),
    }
    return templates.TemplateResponse(request, "speaker.html", context)


# -- article --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of text and the statement parts covering it (none: plain text)."""

    text: str
    #: ``(part, statement key)`` of every span covering the segment.
    marks: tuple[tuple[str, int], ...] = ()

    @property
    def classes(self) -> str:
        present = {part for part, _ in self.marks}
        return " ".join(p for p in PARTS if p in present)

    @property
    def statements(self) -> str:
        return " ".join(str(k) for k in dict.fromkeys(key for _, key in self.marks))


def highlight(text: str, parts: list[tuple[int, str, tuple[tuple[int, int], ...]]]) -> list:
    """``text`` as paragraphs of segments, split at every span and paragraph boundary.

    ``parts`` are ``(statement key, part, spans)``; a segment carries every part whose
    spans cover it, so overlapping statements give it several classes and keys.
    Paragraphs are separated by line breaks (blank lines or single newlines).
    """
    n = len(text)
    spans = []
    for key, part, fragments in parts:
        for start, end in fragments:
            start, end = max(0, min(start, n)), max(0, min(end, n))
            if start < end:
                spans.append((start, end, part, key))
    paragraphs = []
    position = 0
    for match in [*_PARAGRAPH_BREAK.finditer(text), None]:
        stop = match.start() if match else n
        if stop > position:
            paragraphs.append((position, stop))
        position = match.end() if match else n
    out = []
    for p_start, p_end in paragraphs:
        cuts = {p_start, p_end}
        for start, end, _, _ in spans:
            if start < p_end and end > p_start:
                cuts.update(c for c in (start, end) if p_start < c < p_end)
        bounds = sorted(cuts)
        segments = []
        for a, b in zip(bounds, bounds[1:], strict=False):
            covering = tuple(
                (part, key) for start, end, part, key in spans if start <= a and end >= b
            )
            segments.append(Segment(text[a:b], covering))
        out.append(segments)
    return out


def _statement_parts(statements: list[Statement]) -> list:
    parts = []
    for s in statements:
        a = s.attribution
        for name, span in (("source", a.source), ("cue", a.cue), ("content", a.content)):
            if span is not None:
                parts.append((s.id, name, span.spans))
    return parts


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str) -> Response:
    store = _reader(request)
    document, statements, story_id = store.article(article_id)
    story = [row for row in store.story(story_id) if row[0] != document.id]
    context = {
        "document": document,
        "statements": statements,
        "cluster_sizes": _cluster_sizes(store, statements),
        "paragraphs": highlight(document.text, _statement_parts(statements)),
        "story": story,
    }
    return templates.TemplateResponse(request, "article.html", context)


# -- quote cluster --------------------------------------------------------------------


@router.get("/clusters/{cluster_id}", response_class=HTMLResponse)
def cluster_page(request: Request, cluster_id: str) -> Response:
    cid = _number(cluster_id)
    if cid is None:
        raise NotFoundError(f"no quote cluster {cluster_id!r}")
    cluster = _reader(request).cluster(cid)
    context = {"cluster": cluster, "first": cluster.first, "outlets": cluster.outlets}
    return templates.TemplateResponse(request, "cluster.html", context)


# -- paste ----------------------------------------------------------------------------


@router.get("/paste", response_class=HTMLResponse)
def paste(request: Request) -> Response:
    context = {"tagger": request.app.state.settings.tagger}
    return templates.TemplateResponse(request, "paste.html", context)
