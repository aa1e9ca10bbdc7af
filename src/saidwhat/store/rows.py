"""Rows of the article and statement tables, for every SQL backend: the values an article
and a statement are written with (``article_values``, ``attribution_values``, by column
name), the columns a statement is read with (``STATEMENT_COLUMNS`` over
``STATEMENT_FROM``) and the functions that turn rows into ``Statement``, ``TextSpan``,
``EntityRef`` and quote variants."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from saidwhat.link import quote_words, word_diff
from saidwhat.model import (
    Attribution,
    Document,
    EntityRef,
    LinkedArticle,
    LinkedQuote,
    QuoteOccurrence,
    QuoteVariant,
    Statement,
    TextSpan,
)


def insert_sql(table: str, values: dict[str, Any], placeholder: str) -> str:
    """``INSERT INTO table (columns) VALUES (placeholders)`` for ``values``' columns."""
    columns = ", ".join(values)
    return f"INSERT INTO {table} ({columns}) VALUES ({', '.join([placeholder] * len(values))})"


def text_of(span: TextSpan | None) -> str | None:
    return span.text if span is not None else None


def spans_json(span: TextSpan | None) -> str | None:
    """A span's pieces as stored: JSON ``[[start, end], ...]`` (as ``json.dumps`` writes
    it, without its cost: every statement has three)."""
    if span is None:
        return None
    return "[" + ", ".join(f"[{int(start)}, {int(end)}]" for start, end in span.spans) + "]"


def article_values(linked: LinkedArticle) -> dict[str, Any]:
    """The ``articles`` row of a linked article, by column."""
    d = linked.document
    return {
        "id": linked.id,
        "text_key": linked.text_key,
        "url": d.url,
        "source_id": d.id,
        "path": d.path,
        "title": d.title,
        "author": d.author,
        "outlet": d.outlet,
        "published": d.published,
        "language": d.language,
        "attributed": int(linked.attributed),
        "text": d.text,
        "signature": linked.signature,
        "story_id": linked.story_id,
    }


#: The columns an article is read with (``document``); the story id comes last.
ARTICLE_COLUMNS = "id, text, path, title, url, published, outlet, author, language, story_id"


def document(row: tuple[Any, ...]) -> Document:
    """The stored article of an ``ARTICLE_COLUMNS`` row (its statements are read apart)."""
    return Document(
        id=row[0],
        text=row[1],
        path=row[2],
        title=row[3],
        url=row[4],
        published=row[5],
        outlet=row[6],
        author=row[7],
        language=row[8],
        derived_text=True,
    )


def attribution_values(
    article_id: str,
    attribution: Attribution,
    speaker_id: int | None,
    cluster_id: int | None,
    quote: LinkedQuote | None,
    published: str | None,
) -> dict[str, Any]:
    """The ``attributions`` row of one statement, by column (``published``: its article's
    date, kept on the row for the indexes that order a cluster's reports by date)."""
    ref = attribution.speaker
    return {
        "article_id": article_id,
        "kind": attribution.kind,
        "content": attribution.content.text,
        "content_spans": spans_json(attribution.content),
        "cue": text_of(attribution.cue),
        "cue_spans": spans_json(attribution.cue),
        "source": text_of(attribution.source),
        "source_spans": spans_json(attribution.source),
        "speaker_id": speaker_id,
        "speaker_name": ref.name if ref else None,
        "speaker_type": ref.type if ref else None,
        "confidence": attribution.confidence,
        "cluster_id": cluster_id,
        "quote": quote.text if quote else None,
        "published": published,
    }


STATEMENT_COLUMNS = """
    a.id, a.article_id, a.kind, a.content, a.content_spans, a.cue, a.cue_spans,
    a.source, a.source_spans, a.speaker_id, COALESCE(s.name, a.speaker_name),
    COALESCE(s.type, a.speaker_type), a.confidence, a.cluster_id,
    r.title, r.url, r.outlet, r.published
"""
STATEMENT_FROM = """
    FROM attributions a
    JOIN articles r ON r.id = a.article_id
    LEFT JOIN speakers s ON s.id = a.speaker_id
"""


def spans_of(data: str) -> tuple[tuple[int, int], ...]:
    """Spans stored as JSON (``[[start, end], ...]``)."""
    return tuple((s, e) for s, e in json.loads(data))


def part(text: str | None, spans: str | None) -> TextSpan | None:
    return TextSpan(spans_of(spans), text) if text is not None and spans else None


def speaker_ref(speaker_id: int | None, name: str | None, type_: str) -> EntityRef | None:
    """A statement's speaker: the corpus speaker (with its id) or the article's unlinked one."""
    if not name:
        return None
    return EntityRef(name, type_, str(speaker_id) if speaker_id is not None else None)


def occurrence(row: Sequence[Any]) -> QuoteOccurrence:
    """A quote cluster's report from a row of its statement id, article id, quote, outlet,
    URL, publication date and the speaker's id, name and type (``speaker_ref``)."""
    return QuoteOccurrence(
        statement_id=row[0],
        article_id=row[1],
        text=row[2],
        outlet=row[3],
        url=row[4],
        published=row[5],
        speaker=speaker_ref(row[6], row[7], row[8]),
    )


def statement(row: tuple[Any, ...], about: list[EntityRef]) -> Statement:
    (
        aid,
        article_id,
        kind,
        content,
        content_spans,
        cue,
        cue_spans,
        source,
        source_spans,
        speaker_id,
        speaker_name,
        speaker_type,
        confidence,
        cluster_id,
        title,
        url,
        outlet,
        published,
    ) = row
    attribution = Attribution(
        kind=kind,
        content=TextSpan(spans_of(content_spans), content),
        cue=part(cue, cue_spans),
        source=part(source, source_spans),
        speaker=speaker_ref(speaker_id, speaker_name, speaker_type),
        about=about,
        confidence=confidence,
    )
    return Statement(
        id=aid,
        article_id=article_id,
        attribution=attribution,
        title=title,
        url=url,
        outlet=outlet,
        published=published,
        cluster_id=cluster_id,
    )


@lru_cache(maxsize=1 << 16)
def _words(text: str) -> tuple[str, ...]:
    """``quote_words`` of a wording (cached: listings show the same clusters again)."""
    return tuple(quote_words(text))


def variants(base: str, wordings: list[tuple[str, int, str | None]]) -> list[QuoteVariant]:
    """Each distinct wording (by normalised words), earliest first, with its word diff from
    ``base``; ``wordings`` are ``(text, occurrences, outlets joined by U+001F)``."""
    grouped: dict[tuple[str, ...], list[tuple[str, int, str | None]]] = {}
    for wording in wordings:
        grouped.setdefault(_words(wording[0]), []).append(wording)
    return [
        QuoteVariant(
            text=group[0][0],
            diff=tuple(word_diff(base, group[0][0])),  # cached by word_diff
            occurrences=sum(n for _, n, _ in group),
            outlets=tuple(
                dict.fromkeys(o for _, _, outs in group for o in (outs or "").split("\x1f") if o)
            ),
        )
        for group in grouped.values()
    ]
