"""Ingest: read articles (text, HTML, WARC, feeds, JSONL; files, directories, globs, streams)."""

from saidwhat.ingest.dates import iso_date
from saidwhat.ingest.decode import declared_charset, decode_bytes, detect_encoding, looks_like_html
from saidwhat.ingest.files import (
    DEFAULT_MAX_BYTES,
    HTML_SUFFIXES,
    STDIN,
    STDIN_LABEL,
    TEXT_SUFFIXES,
    InputFailure,
    document_from_bytes,
    format_size,
    read_path,
    read_stream,
)
from saidwhat.ingest.html import html_to_document
from saidwhat.ingest.language import detect_language, language_code
from saidwhat.ingest.sources import (
    ARTICLE_SUFFIXES,
    FEED_SUFFIXES,
    JSONL_SUFFIXES,
    WARC_SUFFIXES,
    count_articles,
    iter_articles,
    iter_inputs,
    names_nothing,
)

__all__ = [
    "ARTICLE_SUFFIXES",
    "DEFAULT_MAX_BYTES",
    "FEED_SUFFIXES",
    "HTML_SUFFIXES",
    "JSONL_SUFFIXES",
    "STDIN",
    "STDIN_LABEL",
    "TEXT_SUFFIXES",
    "WARC_SUFFIXES",
    "InputFailure",
    "count_articles",
    "declared_charset",
    "decode_bytes",
    "detect_encoding",
    "detect_language",
    "document_from_bytes",
    "format_size",
    "html_to_document",
    "iso_date",
    "iter_articles",
    "iter_inputs",
    "names_nothing",
    "language_code",
    "looks_like_html",
    "read_path",
    "read_stream",
]
