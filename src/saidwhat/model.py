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
EntityType = Literal["PERSON", "ORG", "GPE", "NORP", "GROUP", "UNNAMED", "DOCUMENT", "LOC", "OTHER"]
#: Speakers the text never names, known by their description only ("a local doctor",
#: "a study published last year"): kept per article, never linked across articles.
UNNAMED_TYPES = frozenset({"UNNAMED", "DOCUMENT"})


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
    #: Why extraction failed on this document (then it has no statements); None when it ran.
    error: str | None = None
    #: What was changed while reading it, so nothing given is lost silently (e.g. characters
    #: UTF-8 cannot encode, replaced with U+FFFD).
    notes: list[str] = field(default_factory=list)
    #: The corpus linker's keys of this article (``saidwhat.link.LinkKeys``), computed where
    #: it was extracted (a worker) so that the one writer only looks up and decides; not part
    #: of the record (``to_dict`` leaves it out). None: the linker computes them.
    link_keys: Any = field(default=None, repr=False, compare=False)

    @property
    def text_sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def to_dict(self, *, include_text: bool | None = None) -> dict[str, Any]:
        """The JSON record of ``saidwhat extract``; ``text`` is included for derived text,
        ``notes`` when there are any."""
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
        if self.notes:
            record["notes"] = list(self.notes)
        return record


# The corpus: statements, speakers and quote clusters as the store returns them.


@dataclass(slots=True)
class Statement:
    """A stored attribution and where and when it was reported.

    ``attribution.speaker.id`` is the corpus-wide speaker id (as a string).
    """

    id: int
    article_id: str
    attribution: Attribution
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    cluster_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            **self.attribution.to_dict(),
            "article_id": self.article_id,
            "title": self.title,
            "url": self.url,
            "outlet": self.outlet,
            "published": self.published,
            "cluster_id": self.cluster_id,
        }


@dataclass(frozen=True, slots=True)
class RoleSeen:
    """A role a speaker was given, with the first and last publication date it was seen."""

    role: str
    count: int
    first_seen: str | None = None
    last_seen: str | None = None


@dataclass(slots=True)
class CorpusSpeaker:
    """One real person or organisation across the corpus, with every name it was given."""

    id: int
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    roles: list[RoleSeen] = field(default_factory=list)
    statements: int = 0
    articles: int = 0
    first_seen: str | None = None
    last_seen: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "aliases": list(self.aliases),
            "roles": [
                {
                    "role": r.role,
                    "count": r.count,
                    "first_seen": r.first_seen,
                    "last_seen": r.last_seen,
                }
                for r in self.roles
            ],
            "statements": self.statements,
            "articles": self.articles,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
        }


@dataclass(frozen=True, slots=True)
class QuoteOccurrence:
    """One article reporting a clustered quote."""

    statement_id: int
    article_id: str
    text: str
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    speaker: EntityRef | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "statement_id": self.statement_id,
            "article_id": self.article_id,
            "text": self.text,
            "outlet": self.outlet,
            "url": self.url,
            "published": self.published,
            "speaker": self.speaker.to_dict() if self.speaker else None,
        }


@dataclass(frozen=True, slots=True)
class QuoteVariant:
    """A wording of a clustered quote: its word diff from the first appearance's wording."""

    text: str
    #: ``(op, text)`` pieces, op one of "equal", "delete", "insert".
    diff: tuple[tuple[str, str], ...]
    occurrences: int
    outlets: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "diff": [list(piece) for piece in self.diff],
            "occurrences": self.occurrences,
            "outlets": list(self.outlets),
        }


@dataclass(slots=True)
class QuoteCluster:
    """The same quoted words reported by several articles, first appearance first."""

    id: int
    text: str
    #: First appearance first; possibly only the first few of ``size``.
    occurrences: list[QuoteOccurrence] = field(default_factory=list)
    variants: list[QuoteVariant] = field(default_factory=list)
    #: How many statements report it, and in how many outlets.
    size: int = 0
    outlets: int = 0

    @property
    def first(self) -> QuoteOccurrence | None:
        return self.occurrences[0] if self.occurrences else None

    def to_dict(self) -> dict[str, Any]:
        first = self.first
        return {
            "id": self.id,
            "text": self.text,
            "size": self.size,
            "outlets": self.outlets,
            "first": first.to_dict() if first else None,
            "occurrences": [o.to_dict() for o in self.occurrences],
            "variants": [v.to_dict() for v in self.variants],
        }


# What the corpus linker hands the store for one article.


@dataclass(slots=True)
class LinkedSpeaker:
    """An article's speaker and the corpus speaker it is (None: a new one)."""

    speaker: Speaker
    corpus_id: int | None
    #: Lookup keys (name key, surname key, acronym) to index the corpus speaker by.
    keys: frozenset[str] = frozenset()
    #: Name keys of the other entities of the article: evidence for later linking.
    context: frozenset[str] = frozenset()
    #: The names this article gives the speaker ("Antony Blinken", "Blinken").
    aliases: tuple[str, ...] = ()


@dataclass(slots=True)
class LinkedQuote:
    """The quoted words of one attribution and their quote cluster (None: a new one)."""

    text: str
    cluster_id: int | None
    #: The normalised words (``quote_words``) joined by spaces: the variant of the cluster.
    words: str = ""
    #: ``(namespace, key)`` postings of the variant, stored with it when it is new.
    keys: tuple[tuple[int, int], ...] = ()
    #: For a new cluster: the index of an earlier attribution of the same article quoting
    #: the same words, whose new cluster this one joins (None: it opens its own).
    same_as: int | None = None


@dataclass(slots=True)
class LinkedArticle:
    """One article ready to store: its identity, story, speakers and quote clusters."""

    id: str
    text_key: str
    signature: bytes
    #: The id of the story's first stored article (``id`` itself for a new story).
    story_id: str
    document: Document
    attributed: bool
    #: ``(namespace, key)`` postings of the story signature (its LSH band keys).
    story_keys: list[tuple[int, int]] = field(default_factory=list)
    speakers: list[LinkedSpeaker] = field(default_factory=list)
    #: Per attribution, in order: its clustered quote, or None when it has none.
    quotes: list[LinkedQuote | None] = field(default_factory=list)
    #: Per attribution, in order: the name keys of its ``about`` entities.
    about_keys: list[list[str]] = field(default_factory=list)


@dataclass(slots=True)
class SpeakerProfile:
    """A speaker's activity: statements per month, the outlets quoting them, their topics."""

    speaker: CorpusSpeaker
    #: ``(YYYY-MM, statements)``, oldest first; undated statements are not counted.
    by_month: list[tuple[str, int]] = field(default_factory=list)
    #: ``(outlet, statements)``, most first.
    outlets: list[tuple[str, int]] = field(default_factory=list)
    #: ``(name, type, statements)`` of what their statements are about, most first.
    about: list[tuple[str, str, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.speaker.to_dict(),
            "by_month": [{"month": m, "statements": n} for m, n in self.by_month],
            "outlets": [{"outlet": o, "statements": n} for o, n in self.outlets],
            "about": [{"name": a, "type": t, "statements": n} for a, t, n in self.about],
        }
