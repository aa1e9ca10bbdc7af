"""What a statement is about: the named entities inside its content, resolved."""

from __future__ import annotations

from saidwhat.model import Attribution, EntityRef
from saidwhat.resolve.context import Context
from saidwhat.resolve.entities import Entity


def about(
    ctx: Context, attribution: Attribution, speaker: Entity | None, ids: dict[int, str]
) -> list[EntityRef]:
    """Entities named in the content of ``attribution``, by their fullest name, in order.

    Each entity appears once; the speaker is left out, and so are words of a
    person's title ("Democratic" in "Democratic nominee Hillary Clinton"); ``ids``
    maps the entities that are speakers to their speaker id.
    """
    refs: list[EntityRef] = []
    seen = {speaker.id} if speaker is not None else set()
    for start, end in attribution.content.spans:
        span = ctx.span(start, end)
        if span is None:
            continue
        for mention in ctx.index.between(span.start, span.end):
            entity = ctx.index.entities[mention.entity]
            if entity.id in seen or mention.end > span.end or mention.in_title:
                continue
            seen.add(entity.id)
            speaker_id = ids.get(entity.id)
            kind = entity.speaker_type if speaker_id else entity.type
            refs.append(EntityRef(name=entity.name, type=kind, id=speaker_id))
    return refs
