"""Ingest: read articles (text, HTML, WARC, feeds, JSONL; files, directories, globs, streams)."""

from saidwhat.ingest.dates import iso_date
from saidwhat.ingest.decode import declared_charset, decode_bytes, detect_encoding, looks_like_html
from saidwhat.ingest.files import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_FILE_ARTICLES,
    DEFAULT_MAX_FILE_BYTES,
    HTML_SUFFIXES,
    MAX_MAX_BYTES,
    MAX_MAX_FILE_ARTICLES,
    MAX_MAX_FILE_BYTES,
    STDIN,
    STDIN_LABEL,
    TEXT_SUFFIXES,
    InputFailure,
    ReadLimits,
    document_from_bytes,
    format_size,
    read_path,
    read_stream,
)
from saidwhat.ingest.html import html_to_document
from saidwhat.ingest.language import detect_language, language_code
from saidwhat.ingest.normalise import encodable, normalised
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
    "DEFAULT_MAX_FILE_ARTICLES",
    "DEFAULT_MAX_FILE_BYTES",
    "FEED_SUFFIXES",
    "HTML_SUFFIXES",
    "JSONL_SUFFIXES",
    "MAX_MAX_BYTES",
    "MAX_MAX_FILE_ARTICLES",
    "MAX_MAX_FILE_BYTES",
    "STDIN",
    "STDIN_LABEL",
    "TEXT_SUFFIXES",
    "WARC_SUFFIXES",
    "InputFailure",
    "ReadLimits",
    "count_articles",
    "declared_charset",
    "decode_bytes",
    "detect_encoding",
    "detect_language",
    "encodable",
    "document_from_bytes",
    "format_size",
    "html_to_document",
    "iso_date",
    "iter_articles",
    "iter_inputs",
    "names_nothing",
    "normalised",
    "language_code",
    "looks_like_html",
    "read_path",
    "read_stream",
]
