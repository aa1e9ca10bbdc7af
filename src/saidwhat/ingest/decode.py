"""Bytes to text: byte-order mark, strict UTF-8, declared charset, then detection.

Decoding never guesses silently: bytes that are neither UTF-8 nor plausibly a
legacy encoding raise ``InputError`` instead of turning into mojibake.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from saidwhat.errors import InputError

# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([a-z0-9_.:-]+)", re.IGNORECASE)
#: How far to look for <meta charset>; browsers look at 1024 bytes, some pages need more.
_META_WINDOW = 4096
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HIGH_BYTES = bytes(range(0x80, 0x100))
# C0 controls other than tab, newlines and form feed, and the C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
#: Share of control characters above which decoded "text" is treated as binary. Real
#: articles have none; 1% tolerates a stray escape or EOF marker in an old file.
_MAX_CONTROL_SHARE = 0.01
_HTML_MARKERS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<meta",
    b"<title",
    b"<article",
    b"<div",
    b"<p>",
    b"<p ",
)


def decode_bytes(data: bytes, *, declared: str | None = None) -> str:
    """Decode ``data`` exactly, or raise ``InputError`` saying why it is not text.

    Stages:
    1. a byte-order mark decides (UTF-8, UTF-16 or UTF-32; the mark is dropped);
    2. NUL bytes mean binary data;
    3. strict UTF-8;
    4. the ``declared`` charset (HTTP header or ``<meta charset>``), if it decodes;
    5. charset-normalizer, unless the bytes look like damaged UTF-8.

    Newlines and every other character are kept as they are: offsets index the result.
    """
    # 1.
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(_decode_strict(data[len(bom) :], encoding, "after its byte-order mark"))
    # 2.
    if b"\x00" in data:
        raise InputError("binary file (contains NUL bytes)")
    # 3.
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        utf8_error = exc
    # 4.
    encoding = _codec_name(declared) if declared else None
    if encoding:
        try:
            return _checked(data.decode(encoding))
        except UnicodeDecodeError:
            pass  # a wrong declaration is common; detection below decides
    # 5.
    if not _looks_like_damaged_utf8(data):
        encoding = detect_encoding(data)
        if encoding:
            return _checked(_decode_strict(data, encoding, f"as detected {encoding}"))
    raise InputError(
        f"not valid UTF-8 (byte 0x{data[utf8_error.start]:02x} at offset {utf8_error.start}) "
        "and not a plausible legacy encoding; convert it to UTF-8"
    )


def detect_encoding(data: bytes) -> str | None:
    """The legacy encoding charset-normalizer finds for ``data``, or None.

    Short Western texts often tie between windows-1250 and windows-1252; the tie
    goes to windows-1252, the most common legacy encoding of English news.
    """
    results = from_bytes(data)
    best = results.best()
    if best is None:
        return None
    tied = [r for r in results if (r.chaos, r.coherence) == (best.chaos, best.coherence)]
    if any("cp1252" in r.could_be_from_charset for r in tied):
        return "cp1252"
    return best.encoding


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML document declares in ``<meta>``, if Python knows it."""
    match = _META_CHARSET.search(data[:_META_WINDOW])
    if match is None:
        return None
    return _codec_name(match.group(1).decode("ascii"))


def looks_like_html(data: bytes) -> bool:
    """Whether ``data`` starts like an HTML document (rather than plain text)."""
    head = data[:1024]
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            head = head.decode(encoding, errors="ignore").encode("ascii", errors="ignore")
            break
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n\f").lower()
    return head.startswith(b"<") and any(marker in head for marker in _HTML_MARKERS)


def _codec_name(label: str) -> str | None:
    """Python's codec for a charset label, following browsers (latin-1 means windows-1252)."""
    try:
        name = codecs.lookup(label.strip()).name
        b"a".decode(name, errors="ignore")  # rejects bytes-to-bytes codecs such as base64
    except LookupError:
        return None
    if name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    # A page readable enough to declare UTF-16 in ASCII is not UTF-16 (WHATWG does the same).
    if name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return name


def _decode_strict(data: bytes, encoding: str, context: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"invalid {encoding} at offset {exc.start} {context}") from None


def _looks_like_damaged_utf8(data: bytes) -> bool:
    """Mostly well-formed UTF-8 sequences: a legacy decoding would be mojibake."""
    sequences = _UTF8_SEQUENCE.findall(data)
    if not sequences:
        return False
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    stray = high - sum(len(s) for s in sequences)
    return len(sequences) >= stray


def _checked(text: str) -> str:
    """``text``, unless it is mostly control characters, i.e. binary data."""
    controls = len(_CONTROL.findall(text))
    if controls and controls > _MAX_CONTROL_SHARE * len(text):
        raise InputError("binary file (contains control characters)")
    return text
