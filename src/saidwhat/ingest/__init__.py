"""Ingest: read articles (text and HTML files, directories, streams) into ``Document``s."""

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
    iter_inputs,
    read_path,
    read_stream,
)
from saidwhat.ingest.html import html_to_document
from saidwhat.ingest.language import detect_language

__all__ = [
    "DEFAULT_MAX_BYTES",
    "HTML_SUFFIXES",
    "STDIN",
    "STDIN_LABEL",
    "TEXT_SUFFIXES",
    "InputFailure",
    "declared_charset",
    "decode_bytes",
    "detect_encoding",
    "detect_language",
    "document_from_bytes",
    "format_size",
    "html_to_document",
    "iter_inputs",
    "looks_like_html",
    "read_path",
    "read_stream",
]
