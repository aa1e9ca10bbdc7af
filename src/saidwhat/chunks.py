"""Texts longer than spaCy's ``max_length`` are read in chunks and their results joined.

Chunks end at a paragraph break (else a line break, else a space) so no
statement is cut in the middle; offsets are shifted back into the whole text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from saidwhat.model import Attribution, EntityRef, Speaker

#: Characters per chunk: spaCy's parser needs about 1 GB per 100,000 characters.
CHUNK_CHARS = 100_000


def split_text(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """``(offset, chunk)`` pairs covering ``text``, each at most ``size`` characters."""
    chunks, start = [], 0
    while len(text) - start > size:
        window = text[start : start + size]
        end = start + size
        for separator in ("\n\n", "\n", " "):
            cut = window.rfind(separator)
            if cut > size // 2:
                end = start + cut + len(separator)
                break
        chunks.append((start, text[start:end]))
        start = end
    chunks.append((start, text[start:]))
    return chunks


def _shift_attribution(a: Attribution, offset: int, ids: dict[str, str]) -> Attribution:
    def ref(entity: EntityRef | None) -> EntityRef | None:
        if entity is None or entity.id is None:
            return entity
        return replace(entity, id=ids[entity.id])

    return replace(
        a,
        content=a.content.shifted(offset),
        cue=a.cue.shifted(offset) if a.cue else None,
        source=a.source.shifted(offset) if a.source else None,
        speaker=ref(a.speaker),
        about=[ref(e) or e for e in a.about],
    )


def join_results(
    parts: Sequence[tuple[int, list[Speaker], list[Attribution]]],
) -> tuple[list[Speaker], list[Attribution]]:
    """Speakers and attributions of a whole text from those of its chunks.

    A speaker with the same name and type in several chunks becomes one.
    """
    speakers: dict[tuple[str, str], Speaker] = {}
    attributions: list[Attribution] = []
    for offset, chunk_speakers, chunk_attributions in parts:
        ids = {}
        for speaker in chunk_speakers:
            key = (speaker.name, speaker.type)
            if key not in speakers:
                speakers[key] = Speaker(f"s{len(speakers) + 1}", speaker.name, speaker.type)
            merged = speakers[key]
            merged.roles.extend(r for r in speaker.roles if r not in merged.roles)
            merged.mentions.extend(m.shifted(offset) for m in speaker.mentions)
            ids[speaker.id] = merged.id
        attributions.extend(_shift_attribution(a, offset, ids) for a in chunk_attributions)
    return list(speakers.values()), attributions
