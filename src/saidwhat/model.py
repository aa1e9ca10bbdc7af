"""The data model every stage shares: documents, attributions, speakers.

Offsets are Python string indices into ``Document.text``. A part of an
attribution (content, cue, source) may have several fragments, e.g. a quote
split around "he said".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["direct", "indirect", "mixed"]
EntityType = Literal["PERSON", "ORG", "GPE", "NORP", "GROUP", "LOC", "OTHER"]


@dataclass(frozen=True, slots=True)
class TextSpan:
    """One or more character fragments of a document and the text they cover."""

    spans: tuple[tuple[int, int], ...]
    text: str

    @classmethod
    def of(cls, text: str, fragments: list[tuple[int, int]]) -> TextSpan:
        """The span of ``text`` covering ``fragments`` (sorted, joined by a space)."""
        ordered = tuple(sorted((int(s), int(e)) for s, e in fragments))
        return cls(ordered, " ".join(text[s:e] for s, e in ordered))

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]

    def shifted(self, offset: int) -> TextSpan:
        """The same span in a text where this one starts at ``offset``."""
        return TextSpan(tuple((s + offset, e + offset) for s, e in self.spans), self.text)

    def to_dict(self) -> dict[str, Any]:
        return {"spans": [list(s) for s in self.spans], "text": self.text}


@dataclass(frozen=True, slots=True)
class EntityRef:
    """A pointer to an entity: a speaker (with its id) or something a statement is about."""

    name: str
    type: str
    id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.id is None:
            return {"name": self.name, "type": self.type}
        return {"id": self.id, "name": self.name, "type": self.type}


@dataclass(slots=True)
class Speaker:
    """An entity of the document that is the source of at least one attribution."""

    id: str
    name: str
    type: str
    roles: list[str] = field(default_factory=list)
    mentions: list[TextSpan] = field(default_factory=list)

    def ref(self) -> EntityRef:
        return EntityRef(name=self.name, type=self.type, id=self.id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "roles": list(self.roles),
            "mentions": [m.to_dict() for m in self.mentions],
        }


@dataclass(slots=True)
class Attribution:
    """Who (source, resolved to speaker) said (cue) what (content)."""

    kind: Kind
    content: TextSpan
    cue: TextSpan | None = None
    source: TextSpan | None = None
    speaker: EntityRef | None = None
    about: list[EntityRef] = field(default_factory=list)
    confidence: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "content": self.content.to_dict(),
            "cue": self.cue.to_dict() if self.cue else None,
            "source": self.source.to_dict() if self.source else None,
            "speaker": self.speaker.to_dict() if self.speaker else None,
            "about": [a.to_dict() for a in self.about],
            "confidence": round(self.confidence, 3),
        }


@dataclass(slots=True)
class Document:
    """An article and the statements found in it."""

    id: str
    text: str
    path: str | None = None
    title: str | None = None
    url: str | None = None
    published: str | None = None
    #: The outlet (site or publication) that published it, e.g. "voanews.com" or "VOA".
    outlet: str | None = None
    author: str | None = None
    #: ISO 639-1 code; None until ``extract`` detects it.
    language: str | None = None
    speakers: list[Speaker] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    #: True when ``text`` was derived (e.g. extracted from HTML), so callers need it to use offsets.
    derived_text: bool = False

    @property
    def text_sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def to_dict(self, *, include_text: bool | None = None) -> dict[str, Any]:
        """The JSON record of ``saidwhat extract``; ``text`` is included for derived text."""
        record: dict[str, Any] = {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "url": self.url,
            "published": self.published,
            "outlet": self.outlet,
            "author": self.author,
            "language": self.language,
            "text_sha256": self.text_sha256,
        }
        if self.derived_text if include_text is None else include_text:
            record["text"] = self.text
        record["speakers"] = [s.to_dict() for s in self.speakers]
        record["attributions"] = [a.to_dict() for a in self.attributions]
        return record
