"""Text as it enters saidwhat: every string one UTF-8 can encode, and a note when one was not.

A Python string can hold code points UTF-8 cannot encode: the surrogates U+D800 to
U+DFFF, which come from lenient decoding (JSON's ``"\\ud800"``, raw ``ED A0 80`` bytes in
a JSON line, file names read with ``surrogateescape``). Such a string fails when it is
written out or stored, far from where it came in. So every reader, the library entry
points and the API pass what they are given through ``encodable``: each such code point
becomes U+FFFD, one for one (offsets into the given text still index the result), and
the replacement is noted on the document, never dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from saidwhat.model import Document

REPLACEMENT = "\ufffd"
_UNENCODABLE = re.compile("[\ud800-\udfff]")
#: The string fields of a ``Document`` read from the input.
_FIELDS = ("id", "text", "path", "title", "url", "published", "outlet", "author", "language")


def encodable(value: str, name: str, notes: list[str]) -> str:
    """``value`` with each code point UTF-8 cannot encode replaced by U+FFFD.

    A replacement adds a note to ``notes``, naming the field ``name`` (and, for the
    text, the offset of the first one).
    """
    found = _UNENCODABLE.search(value)
    if found is None:
        return value
    fixed, count = _UNENCODABLE.subn(REPLACEMENT, value)
    plural = "s" if count > 1 else ""
    where = f", the first at offset {found.start()}" if name == "text" else ""
    notes.append(
        f"{count} character{plural} UTF-8 cannot encode (surrogate code points) "
        f"in the {name} replaced with U+FFFD{where}"
    )
    return fixed


def normalised(document: Document) -> Document:
    """``document`` with every string field made ``encodable``; each change is in ``notes``."""
    notes: list[str] = []
    changes = {}
    for name in _FIELDS:
        value = getattr(document, name)
        if isinstance(value, str) and (fixed := encodable(value, name, notes)) is not value:
            changes[name] = fixed
    if not changes:
        return document
    return replace(document, **changes, notes=[*document.notes, *notes])


def normalised_record(record: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """An export record (a JSONL line, an API body) with its strings made ``encodable``:
    its values, and the strings in its lists and objects one level down (authors, a
    source's name). Changes are noted in ``notes``."""
    return {key: _encodable_value(value, key, notes) for key, value in record.items()}


def _encodable_value(value: Any, name: str, notes: list[str]) -> Any:
    if isinstance(value, str):
        return encodable(value, f'"{name}"' if name != "text" else name, notes)
    if isinstance(value, list):
        return [encodable(v, f'"{name}"', notes) if isinstance(v, str) else v for v in value]
    if isinstance(value, dict):
        return {
            k: encodable(v, f'"{name}.{k}"', notes) if isinstance(v, str) else v
            for k, v in value.items()
        }
    return value
