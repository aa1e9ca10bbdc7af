"""The JSON API under ``/api``: thin routes over the store and the extractor.

A route reads its parameters, calls the store (or the extractor) and returns the
record of the dataclass it gets, the same records as ``saidwhat quotes --format
jsonl``, ``speakers``, ``show --format json``, ``clusters`` and ``extract``. Every
error has the shape ``{"error": {"status": N, "message": "..."}}`` (``errors.py``).

Reads use this thread's read-only store. ``POST /api/articles`` is off unless the
server was started with a write token; it writes through the single writer.
"""

from __future__ import annotations

import hmac
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from saidwhat.corpus import STORED, ingest_documents
from saidwhat.errors import TooLargeError
from saidwhat.ingest.dates import iso_date
from saidwhat.ingest.files import attempt
from saidwhat.ingest.jsonl import document_from_record
from saidwhat.model import Document
from saidwhat.pipeline import extract_document
from saidwhat.serve.settings import MAX_PAGE_SIZE, MAX_TEXT_CHARS, SERVE_PIECE_CHARS
from saidwhat.serve.turns import budgeted
from saidwhat.store import KINDS, QuoteFilter, Store
from saidwhat.store.filters import MAX_QUERY_CHARS

router = APIRouter(prefix="/api", tags=["api"])

#: Deepest page offset: deeper pages cost a scan; narrow the search instead.
MAX_OFFSET = 100_000
#: Most articles one ``POST /api/articles`` may add.
MAX_ARTICLES = 100
#: Longest id (of an article, or given to a text to extract).
MAX_ID_CHARS = 200
#: Statements listed with a speaker's profile.
LATEST = 10
#: Largest id SQLite stores; a larger one in a path would overflow rather than be missing.
_MAX_ROWID = 2**63 - 1


class ErrorMessage(BaseModel):
    status: int
    message: str


class ErrorBody(BaseModel):
    """Every error: ``{"error": {"status": 404, "message": "no article 'x'"}}``."""

    error: ErrorMessage


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` of a route's errors (this also replaces FastAPI's 422 shape)."""
    return {code: {"model": ErrorBody, "description": "Error"} for code in codes}


def reader(request: Request) -> Store:
    """This thread's read-only store."""
    return request.app.state.stores.reader()


def _page(
    request: Request, items: list[dict[str, Any]], *, total: int, limit: int, offset: int
) -> dict[str, Any]:
    """A page of results; ``next`` is the root-relative URL of the next page, or None."""
    after = offset + limit
    following = None
    if after < total and after <= MAX_OFFSET:
        url = request.url.include_query_params(limit=limit, offset=after)
        following = f"{url.path}?{url.query}"
    return {"total": total, "limit": limit, "offset": offset, "next": following, "items": items}


def _text_param(description: str) -> Any:
    return Query(max_length=MAX_QUERY_CHARS, description=description)


Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Results per page.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Results to skip.")]
SpeakerId = Annotated[int, Path(ge=1, le=_MAX_ROWID, description="A corpus speaker id.")]
ClusterId = Annotated[int, Path(ge=1, le=_MAX_ROWID, description="A quote cluster id.")]


def quote_filter(
    speaker: Annotated[
        str | None, _text_param("A speaker's name (any alias) or corpus id.")
    ] = None,
    about: Annotated[
        str | None, _text_param("Someone or something the statement is about.")
    ] = None,
    q: Annotated[
        str | None, _text_param("Words in the statement (full-text; end with * for a prefix).")
    ] = None,
    kind: Annotated[
        str | None, Query(max_length=20, description=f"One of: {', '.join(KINDS)}.")
    ] = None,
    outlet: Annotated[
        str | None, _text_param("The outlet that published it (part of its name).")
    ] = None,
    since: Annotated[
        str | None, Query(max_length=40, description="Published on or after (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, Query(max_length=40, description="Published on or before (YYYY-MM-DD).")
    ] = None,
    article: Annotated[str | None, _text_param("Only the statements of this article id.")] = None,
    cluster: Annotated[
        int | None, Query(ge=1, le=_MAX_ROWID, description="Only this quote cluster.")
    ] = None,
    min_confidence: Annotated[
        float | None,
        Query(ge=0.0, le=1.0, description="Only statements at least this likely to be right."),
    ] = None,
) -> QuoteFilter:
    """The statement filters of ``saidwhat quotes``; a bad value raises ``InputError`` (400)."""
    return QuoteFilter(
        speaker=speaker,
        about=about,
        q=q,
        kind=kind,
        outlet=outlet,
        since=since,
        until=until,
        article=article,
        cluster=cluster,
        min_confidence=min_confidence,
    )


@router.get("/quotes", summary="Search statements, newest first", responses=_errors(400, 422))
def quotes(
    request: Request,
    where: Annotated[QuoteFilter, Depends(quote_filter)],
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Statements matching every given filter, newest first (undated last).

    ``{"total", "limit", "offset", "next", "items"}``: ``items`` are the records of
    ``saidwhat quotes --format jsonl`` (id, kind, content/cue/source with offsets into
    the article's text, speaker, about, confidence, article_id, title, url, outlet,
    published, cluster_id); ``next`` is the URL of the next page, null on the last.
    """
    store = reader(request)
    items = [s.to_dict() for s in store.quotes(where, limit=limit, offset=offset)]
    return _page(request, items, total=store.count_quotes(where), limit=limit, offset=offset)


@router.get("/speakers", summary="Speakers, most quoted first", responses=_errors(422))
def speakers(
    request: Request,
    q: Annotated[str | None, _text_param("Part of a name or alias.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Corpus speakers (whose name or an alias contains ``q``), most quoted first.

    ``{"total", "limit", "offset", "next", "items"}``; each item: id, name, type,
    aliases, roles (role, count, first_seen, last_seen), statements, articles,
    first_seen, last_seen.
    """
    store = reader(request)
    items = [s.to_dict() for s in store.speakers(q, limit=limit, offset=offset)]
    return _page(request, items, total=store.count_speakers(q), limit=limit, offset=offset)


@router.get("/speakers/{speaker_id}", summary="One speaker's profile", responses=_errors(404, 422))
def speaker(request: Request, speaker_id: SpeakerId) -> dict[str, Any]:
    """A speaker as in ``/api/speakers``, with ``by_month`` (statements per month),
    ``outlets`` (the outlets quoting them), ``about`` (their topics) and ``latest``
    (their 10 latest statements, records as in ``/api/quotes``)."""
    store = reader(request)
    record = store.speaker_profile(speaker_id).to_dict()
    latest = store.quotes(QuoteFilter(speaker=speaker_id), limit=LATEST)
    record["latest"] = [s.to_dict() for s in latest]
    return record


@router.get(
    "/articles/{article_id}", summary="One article and its statements", responses=_errors(404, 422)
)
def article(
    request: Request,
    article_id: Annotated[str, Path(max_length=MAX_ID_CHARS, description="An article id.")],
) -> dict[str, Any]:
    """The record of ``saidwhat show --format json``: the article's metadata and ``text``,
    ``speakers`` (with their mentions), ``attributions`` (records as in ``/api/quotes``,
    offsets into ``text``), ``story_id`` and ``story`` (the story's other articles:
    id, outlet, published, title; earliest first)."""
    store = reader(request)
    document, statements, story_id = store.article(article_id)
    record = document.to_dict(include_text=True)
    del record["path"]  # where the server read it from: not the client's business
    record["attributions"] = [s.to_dict() for s in statements]
    record["story_id"] = story_id
    record["story"] = [
        dict(zip(("id", "outlet", "published", "title"), other, strict=True))
        for other in store.story(story_id)
        if other[0] != article_id
    ]
    return record


@router.get("/clusters", summary="The most reported quotes", responses=_errors(422))
def clusters(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="At most N clusters.")] = 20,
) -> dict[str, Any]:
    """Quotes reported by more than one article, by number of articles, then outlets.

    ``{"limit", "items"}``; each item as ``/api/clusters/{cluster_id}``.
    """
    return {"limit": limit, "items": [c.to_dict() for c in reader(request).clusters(limit=limit)]}


@router.get("/clusters/{cluster_id}", summary="One quote cluster", responses=_errors(404, 422))
def cluster(request: Request, cluster_id: ClusterId) -> dict[str, Any]:
    """A quote: id, text, size, outlets, ``first`` (its first appearance), ``occurrences``
    (first appearance first) and ``variants`` (each wording, with its word ``diff``
    from the first: ``[op, words]`` pieces, op one of equal, delete, insert)."""
    return reader(request).cluster(cluster_id).to_dict()


@router.get("/stats", summary="What the store holds", responses=_errors(503))
def stats(request: Request) -> dict[str, Any]:
    """Counts of articles, languages, outlets, stories, statements, kinds, speakers and
    quote clusters, and the first and last publication dates."""
    return reader(request).stats()


# -- extraction and writing -------------------------------------------------------------


class ExtractRequest(BaseModel):
    """An article as text or as HTML (exactly one)."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="The article's text.")
    html: str | None = Field(None, description="The article's HTML page; its main text is used.")
    id: str | None = Field(
        None,
        min_length=1,
        max_length=MAX_ID_CHARS,
        description="The document id (default: a hash of the text).",
    )

    @model_validator(mode="after")
    def _one_input(self) -> ExtractRequest:
        if (self.text is None) == (self.html is None):
            raise ValueError('give exactly one of "text" or "html"')
        if not (self.text if self.text is not None else self.html or "").strip():
            raise ValueError(f'"{"text" if self.text is not None else "html"}" is empty')
        return self


class ArticleIn(ExtractRequest):
    """An article to store, with the metadata its text or HTML does not give."""

    url: str | None = Field(None, max_length=2000)
    title: str | None = Field(None, max_length=2000)
    published: str | None = Field(
        None, max_length=40, description="ISO 8601 or RFC 2822; stored as ISO 8601 in UTC."
    )
    outlet: str | None = Field(None, max_length=200, description="Default: the URL's site.")
    author: str | None = Field(None, max_length=500)
    language: str | None = Field(
        None, max_length=16, description="ISO 639-1 code (default: detected)."
    )

    @field_validator("published")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if (found := iso_date(value)) is None:
            raise ValueError(f"{value!r} is not a date (ISO 8601 or RFC 2822)")
        return found


class ArticlesRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    articles: list[ArticleIn] = Field(min_length=1, max_length=MAX_ARTICLES)


def _document(given: ExtractRequest) -> Document:
    """The document of a request's text or HTML (and metadata); raises ``InputError``
    (``TooLargeError`` for a text over ``MAX_TEXT_CHARS``)."""
    document = document_from_record(given.model_dump(exclude_none=True), id=given.id, path=None)
    if len(document.text) > MAX_TEXT_CHARS:
        raise TooLargeError(
            f"the article's text has {len(document.text)} characters, more than the "
            f"{MAX_TEXT_CHARS} this server extracts at once (saidwhat ingest takes longer ones)"
        )
    return document


@router.post(
    "/extract",
    summary="Find who said what in one article",
    responses=_errors(400, 413, 422, 500, 503),
)
def extract(request: Request, body: ExtractRequest) -> dict[str, Any]:
    """The record of ``saidwhat extract`` (nothing is stored): id, metadata, text_sha256,
    ``text`` (when derived from HTML: the offsets point into it), ``speakers`` and
    ``attributions``, found with the server's tagger (``saidwhat serve --tagger``).

    Requests take turns a piece of text at a time; one that runs out of the server's
    time budget (``saidwhat serve --extract-timeout``) is answered 503, saying so."""
    document = _document(body)
    settings = request.app.state.settings
    done = extract_document(
        document,
        tagger=settings.tagger,
        min_confidence=settings.min_confidence,
        gate=budgeted(request.app.state.turns, settings.extract_seconds),
        piece_chars=SERVE_PIECE_CHARS,
    )
    if done.error:
        raise HTTPException(500, done.error)
    return done.to_dict()


_bearer = HTTPBearer(
    auto_error=False, description="The server's write token (saidwhat serve --write-token)."
)


def require_write_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> None:
    """Refuse unless the server has a write token (403) and the request carries it (401)."""
    token: str | None = request.app.state.settings.write_token
    if not token:
        raise HTTPException(
            403,
            "writing is disabled on this server: start it with --write-token"
            " (or $SAIDWHAT_WRITE_TOKEN)",
        )
    given = credentials.credentials if credentials is not None else ""
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise HTTPException(
            401,
            "a valid write token is required: send the header Authorization: Bearer <token>",
            headers={"WWW-Authenticate": "Bearer"},
        )


@router.post(
    "/articles",
    summary="Add articles to the store",
    status_code=201,
    dependencies=[Depends(require_write_token)],
    responses={
        200: {"description": "Nothing new was stored (every article a duplicate or failed)."},
        **_errors(401, 403, 413, 422, 503),
    },
)
def add_articles(request: Request, response: Response, body: ArticlesRequest) -> dict[str, Any]:
    """Extract and store articles, as ``saidwhat ingest`` does; needs the write token.

    ``{"stored": [article ids], "duplicates": n, "failed": [{"id", "reason"}],
    "statements": n}``. An article already stored (same URL or same text) is a
    duplicate; one that cannot be read (e.g. HTML without main text) is failed,
    named by its ``id`` or ``articles[i]``. 201 when something was stored, else 200.
    """
    items = [
        attempt(given.id or f"articles[{i}]", partial(_document, given))
        for i, given in enumerate(body.articles)
    ]
    stored: list[str] = []

    def heard(outcome: str, key: str) -> None:
        if outcome == STORED:
            stored.append(key)

    turns = request.app.state.turns.turn()
    with request.app.state.stores.writer() as (store, linker), turns:
        summary = ingest_documents(
            items,
            store,
            tagger=request.app.state.settings.tagger,
            min_confidence=request.app.state.settings.min_confidence,
            on_article=heard,
            linker=linker,
        )
    response.status_code = 201 if stored else 200
    return {
        "stored": stored,
        "duplicates": summary.duplicates,
        "failed": [{"id": where, "reason": reason} for where, reason in summary.failures],
        "statements": summary.statements,
    }
