"""Hostile inputs for the fuzz tests (``test_fuzz.py``) and the long run
(``benchmarks/fuzz.py``): Hypothesis strategies and the properties every input must keep.

Texts are built from pieces news and scrapers really carry (quote marks of every family,
cue words, names, line breaks, markup) mixed with what breaks code (lone surrogates,
control characters, very long runs, deep nesting, bad URLs, huge numbers). The
properties: no exception escapes; every span of a result lies in the text and quotes
it; a record serialises to UTF-8 JSON; a failure is one line.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from saidwhat.ingest.files import InputFailure
from saidwhat.model import Document

_PIECES = [
    " ", "\n", "\n\n", "\r\n", "\t", ".", ",", ":", ";", "?", "!", "—", "-", "(", ")",
    '"', "'", "“", "”", "‘", "’", "„", "‚", "«", "»", "‹", "›", "「", "」", "``", "''",
    "said", "told", "according to", "he", "she", "they", "I", "the minister", "a spokesman",
    "Amara Okafor", "Okafor", "Viktor Hale", "the company", "Reuters", "NATO", "U.S.",
    "We will win", "denied", "accused", "that", "the report", "The Kremlin",
    "<p>", "</p>", "<script>", "&amp;", "&#0;", "http://[::1", "\ud800", "\udfff", "\x00",
    "\x0b", "\u2028", "\u200f", "\ufeff", "\U0001f600", "ﬁ", "İ", "ß", "é",
]  # fmt: skip

#: News-like text of hostile pieces, with stretches of arbitrary characters between them.
texts = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=20)), max_size=120).map(
    "".join
)

#: Long runs of one piece ("“" 20,000 times), the cheapest way to a pathological case.
runs = st.tuples(st.sampled_from(_PIECES), st.integers(1, 5_000)).map(lambda p: p[0] * p[1])

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
#: Article records: the known fields with values of any JSON type, and others.
records = st.fixed_dictionaries(
    {},
    optional={
        "text": st.one_of(texts, _json_values),
        "html": st.one_of(texts, _json_values),
        "url": st.one_of(st.sampled_from(["http://[::1", "https://x.test/a", "", "//"]), texts),
        "title": st.one_of(texts, _json_values),
        "published": st.one_of(st.sampled_from(["2025-03", "99999-1-1", "0000"]), _json_values),
        "id": st.one_of(texts, _json_values),
        "language": st.one_of(st.sampled_from(["en", "EN-us", "xx", ""]), _json_values),
        "extra": _json_values,
    },
)


def _jsonl_line(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


#: A JSONL line: a record, another JSON value, broken JSON or deep nesting.
jsonl_lines = st.one_of(
    records.map(_jsonl_line),
    _json_values.map(_jsonl_line),
    st.binary(max_size=60),
    st.integers(1, 50_000).map(lambda depth: b"[" * depth + b"]" * depth),
    texts.map(lambda t: t.encode("utf-8", "surrogatepass")),
)

#: A file to ingest: its name (the kind of file) and its bytes.
_raw = texts.map(lambda t: t.encode("utf-8", "surrogatepass"))
_lines = st.lists(jsonl_lines, max_size=6).map(b"\n".join)
files = st.one_of(
    st.tuples(st.just("a.txt"), _raw),
    st.tuples(st.just("a.html"), _raw.map(lambda b: b"<html><p>" + b + b"</p>")),
    st.tuples(st.just("a.jsonl"), _lines),
    st.tuples(st.just("a.jsonl.gz"), _lines.map(gzip.compress)),
    st.tuples(
        st.sampled_from(["a.txt.gz", "a.xml", "a.warc.gz", "a.gz", "a"]), st.binary(max_size=200)
    ),
)


def check_document(document: Document) -> None:
    """What every extraction result keeps, whatever the input."""
    text = document.text
    if document.error is not None:
        assert "\n" not in document.error, document.error
    for attribution in document.attributions:
        for part in (attribution.content, attribution.cue, attribution.source):
            if part is None:
                continue
            assert all(0 <= s < e <= len(text) for s, e in part.spans), part
            assert part.text == " ".join(text[s:e] for s, e in part.spans)
    for speaker in document.speakers:
        spans = [m.spans for m in speaker.mentions]
        assert len(spans) == len(set(spans)), (speaker.name, spans)  # a mention once
    ids = {s.id for s in document.speakers}
    assert all(a.speaker.id in ids for a in document.attributions if a.speaker and a.speaker.id)
    json.dumps(document.to_dict(), ensure_ascii=False).encode("utf-8")


def check_item(item: Document | InputFailure) -> None:
    """What every item read from a file keeps: a document that serialises, or one line."""
    if isinstance(item, InputFailure):
        assert item.message and "\n" not in item.message, item.message
    else:
        json.dumps(item.to_dict(), ensure_ascii=False).encode("utf-8")
        item.text.encode("utf-8")


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path
