"""Long texts are read in pieces of bounded size and their results joined.

Memory and time per article stay bounded whatever its length: spaCy's parser needs
about 1 GB per 100,000 characters of one doc, and the linker's lookups grow with the
doc. A piece is about ``CHUNK_CHARS`` characters:

1. it ends at a paragraph break (else a line break, else a space), not where a
   quotation runs over paragraphs ("“…we will win.¶“And then…”": the first paragraph
   leaves the quotation open, the next opens with a mark), so it stays in one piece;
2. it is read with up to ``CONTEXT_CHARS`` of the text before it (from a line break) and
   after it: names, titles and pronouns before resolve the piece's first speakers, and a
   cue after a cut ("“…,” | said X") still reaches its quotation; a statement belongs to
   the piece whose own part its content starts in, and so do speakers' mentions;
3. offsets are shifted back into the whole text, and speakers of the same name and
   type in several pieces are one speaker (a surname alone joins the one full name
   that ends with it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from saidwhat.model import Attribution, EntityRef, Speaker

#: Characters per piece: a long-form article (8,000 words) is one piece; peak memory stays
#: near the model's own (about 1 GB with the accurate tagger) whatever the text's length.
CHUNK_CHARS = 50_000
#: Characters of the text before a piece read with it, for its names and pronouns.
CONTEXT_CHARS = 2_000
#: Marks a paragraph that continues a quotation opens with.
_OPENING_MARKS = frozenset("\"“‘'«»„‚‹›「『")


@dataclass(frozen=True, slots=True)
class Piece:
    """``text`` starts at ``offset`` of the whole; its own part is ``text[own:own_end]``
    (``own_end`` None: to the end). Around it is context, owned by the pieces on either
    side: a statement belongs to the piece whose own part its content starts in."""

    offset: int
    text: str
    own: int = 0
    own_end: int | None = None

    def owns(self, start: int) -> bool:
        """Whether a statement whose content starts at ``start`` (in ``text``) is this one's."""
        return self.own <= start and (self.own_end is None or start < self.own_end)


def _goes_on(text: str, cut: int) -> bool:
    """Whether a quotation runs over the line break right before ``cut``: the line before
    leaves a quotation open and the next opens with a quote mark (the news convention)."""
    if text[cut : cut + 1] not in _OPENING_MARKS:
        return False
    end = cut
    while end > 0 and text[end - 1] in "\r\n":
        end -= 1
    line = text[text.rfind("\n", 0, end) + 1 : end]
    curly = line.count("“") > line.count("”") or line.count("«") > line.count("»")
    return curly or line.count('"') % 2 == 1 or line.count("„") > line.count("“")


def _cut(text: str, start: int, size: int) -> int:
    """Where a piece starting at ``start`` ends: after the last paragraph break, else line
    break, else space in its second half, not inside a quotation over paragraphs."""
    window = text[start : start + size]
    for separator in ("\n\n", "\n"):
        cut = window.rfind(separator)
        while cut > size // 2:
            end = start + cut + len(separator)
            if not _goes_on(text, end):
                return end
            cut = window.rfind(separator, 0, cut)
    cut = window.rfind(" ")
    return start + cut + 1 if cut > size // 2 else start + size


def split_text(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """``(offset, chunk)`` pairs covering ``text``, each at most ``size`` characters."""
    chunks, start = [], 0
    while len(text) - start > size:
        end = _cut(text, start, size)
        chunks.append((start, text[start:end]))
        start = end
    chunks.append((start, text[start:]))
    return chunks


def pieces(text: str, size: int = CHUNK_CHARS, context: int = CONTEXT_CHARS) -> list[Piece]:
    """The pieces ``text`` is read in: ``split_text`` chunks, each with up to ``context``
    characters of the text before it (from a line break when there is one) and after it
    (a cut at a space may fall between a quotation and its "said X")."""
    found = []
    chunks = split_text(text, size)
    for offset, chunk in chunks:
        begin = max(offset - context, 0)
        if begin:
            line = text.find("\n", begin, offset)
            begin = line + 1 if line != -1 else begin
        end = offset + len(chunk)
        after = min(end + context, len(text)) if len(chunks) > 1 else end
        own_end = end - begin if after > end else None
        found.append(Piece(begin, text[begin:after], offset - begin, own_end))
    return found


def _shift_attribution(a: Attribution, offset: int, merged: dict[str, Speaker]) -> Attribution:
    """``a`` in the whole text, its speaker ids (of its chunk) those of ``merged``."""

    def ref(entity: EntityRef | None) -> EntityRef | None:
        if entity is None or entity.id is None:
            return entity
        speaker = merged[entity.id]
        return replace(entity, id=speaker.id, name=speaker.name)

    return replace(
        a,
        content=a.content.shifted(offset),
        cue=a.cue.shifted(offset) if a.cue else None,
        source=a.source.shifted(offset) if a.source else None,
        speaker=ref(a.speaker),
        about=[ref(e) or e for e in a.about],
    )


Key = tuple[str, str]  # a speaker's name and type


def _surname_aliases(keys: Sequence[Key]) -> dict[Key, Key]:
    """A person named by one word -> the one person of several words whose name ends with
    it ("Okafor" -> "Amara Okafor"), whichever chunk named either first."""
    full: dict[str, list[Key]] = {}
    for name, type_ in keys:
        if type_ == "PERSON" and " " in name:
            full.setdefault(name.rsplit(" ", 1)[-1].lower(), []).append((name, type_))
    aliases = {}
    for name, type_ in keys:
        if type_ == "PERSON" and " " not in name and len(found := full.get(name.lower(), [])) == 1:
            aliases[name, type_] = found[0]
    return aliases


def join_results(
    parts: Sequence[tuple[int, list[Speaker], list[Attribution]]],
) -> tuple[list[Speaker], list[Attribution]]:
    """Speakers and attributions of a whole text from those of its chunks.

    A speaker with the same name and type in several chunks becomes one, and so does a
    person named by one word with the one person whose full name ends with it ("Okafor"
    and "Amara Okafor"). Speakers are numbered in order of appearance.
    """
    seen: dict[Key, None] = {}
    for _, chunk_speakers, _ in parts:
        seen.update(((s.name, s.type), None) for s in chunk_speakers)
    aliases = _surname_aliases(list(seen))
    speakers: dict[Key, Speaker] = {}
    attributions: list[Attribution] = []
    for offset, chunk_speakers, chunk_attributions in parts:
        merged_as: dict[str, Speaker] = {}
        for speaker in chunk_speakers:
            key = aliases.get((speaker.name, speaker.type), (speaker.name, speaker.type))
            if key not in speakers:
                speakers[key] = Speaker(f"s{len(speakers) + 1}", *key)
            merged = speakers[key]
            merged.roles.extend(r for r in speaker.roles if r not in merged.roles)
            merged.mentions.extend(m.shifted(offset) for m in speaker.mentions)
            merged_as[speaker.id] = merged
        attributions.extend(_shift_attribution(a, offset, merged_as) for a in chunk_attributions)
    for speaker in speakers.values():
        speaker.mentions.sort(key=lambda m: m.start)
    return list(speakers.values()), attributions
