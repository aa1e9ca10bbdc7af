"""Resolve each attribution's source to a speaker and fill in what it is about.

``resolve_speakers`` runs, in document order:

1. index the document's entities once (``entities.build_index``): mentions
   clustered by name, roles from titles and appositions;
2. resolve each source (``sources.SourceResolver``): names, surnames, pronouns,
   descriptions, groups;
3. carry the previous speaker over to a direct quote with no source of its own
   in the same or the next paragraph;
4. number the speakers ``s1``, ``s2``... in order of first statement, with
   every linked mention;
5. list the entities each content names (``about.about``).
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc

from saidwhat.model import UNNAMED_TYPES, Attribution, EntityRef, Speaker, TextSpan
from saidwhat.resolve.about import about
from saidwhat.resolve.context import Context, first_char, last_char
from saidwhat.resolve.entities import Entity
from saidwhat.resolve.sources import SourceResolver

#: How many paragraphs a speaker carries over (to a sourceless quote) or keeps
#: the floor (for a pronoun): the same paragraph or the next one.
CARRY_PARAGRAPHS = 1
#: How many resolved attributions back a quote holding a source ("I said") is looked for.
ENCLOSING_LOOKBACK = 5
#: A quote with no source and nobody speaking nearby goes to the person who says at least
#: this many, and this share, of the article's attributed statements (an interview's subject).
PRINCIPAL_STATEMENTS = 4
PRINCIPAL_SHARE = 0.5


def resolve_speakers(
    doc: Doc, attributions: list[Attribution]
) -> tuple[list[Speaker], list[Attribution]]:
    """The document's speakers, and ``attributions`` with ``speaker`` and ``about`` set.

    ``doc`` is the parsed document (tags, dependencies, entities, sentences) whose
    text the attributions' offsets point into. The attributions come back in the
    given order as new objects (``dataclasses.replace``); a speaker is an
    ``EntityRef`` whose id ("s1", "s2"...) names one of the returned speakers,
    numbered in order of first statement. Sources that name nobody in particular
    stay unresolved (``speaker`` None) or, when plural or collective, become a
    GROUP speaker named by the source text. Work is linear in the document: the
    entities are indexed once and each source looks at a few sentences.
    """
    if not attributions:
        return [], attributions
    ctx = Context.of(doc)  # 1.
    order = sorted(range(len(attributions)), key=lambda i: first_char(attributions[i]))
    referents, linked = _resolve_all(ctx, attributions, order)  # 2.-3.
    speakers, ids = _speakers(ctx, attributions, order, referents, linked)  # 4.
    resolved = []
    for attribution, entity in zip(attributions, referents, strict=True):
        speaker = None
        if entity is not None:
            speaker = EntityRef(entity.name, entity.speaker_type, ids[entity.id])
        topics = about(ctx, attribution, entity, ids)  # 5.
        resolved.append(replace(attribution, speaker=speaker, about=topics))
    return speakers, resolved


#: Personal pronouns that may mean an unnamed person just described, with their gender.
_PRONOUN_GENDER = {"he": "m", "she": "f"}


def _near(ctx: Context, earlier: Attribution, later: Attribution) -> bool:
    distance = ctx.paragraph(first_char(later)) - ctx.paragraph(last_char(earlier))
    return distance <= CARRY_PARAGRAPHS


def _resolve_all(
    ctx: Context, attributions: list[Attribution], order: list[int]
) -> tuple[list[Entity | None], dict[int, list[TextSpan]]]:
    """Steps 2-3: the entity of each attribution, and the sources linked to each entity."""
    resolver = SourceResolver(ctx)
    referents: list[Entity | None] = [None] * len(attributions)
    linked: dict[int, list[TextSpan]] = {}
    previous: tuple[Attribution, Entity | None] | None = None
    recent: list[tuple[Attribution, Entity]] = []
    for i in order:
        attribution = attributions[i]
        entity: Entity | None = None
        if attribution.source is not None:
            # "A local doctor said … “…,” she added": the doctor
            entity, named = _described(ctx, previous, attribution), True
            if entity is None:
                last = recent[-1] if recent else None
                floor = last[1] if last and _near(ctx, last[0], attribution) else None
                enclosing = _enclosing(recent, attribution.source)
                found = resolver.resolve(attribution, floor, enclosing)
                entity, named = found.entity, found.linked
            if entity is None:
                entity = resolver.unnamed(attribution)  # "a local doctor": its description
                named = entity is not None
            if entity is not None and named:
                linked.setdefault(entity.id, []).append(attribution.source)
        elif attribution.kind == "direct" and previous and _near(ctx, previous[0], attribution):
            entity = previous[1]
        referents[i] = entity
        previous = (attribution, entity)
        if entity is not None and entity.type not in UNNAMED_TYPES:
            # a description ("a local doctor") carries to the quotes after it, but is
            # nobody a later pronoun or description could mean
            recent = [*recent[-(ENCLOSING_LOOKBACK - 1) :], (attribution, entity)]
            resolver.last_speaker = entity
            if entity.type == "PERSON":
                resolver.last_person = entity
    if (principal := _principal(attributions, referents)) is not None:
        for i, attribution in enumerate(attributions):
            if referents[i] is None and attribution.source is None and attribution.kind == "direct":
                referents[i] = principal  # an interview's unattributed answers
    return referents, linked


def _described(
    ctx: Context, previous: tuple[Attribution, Entity | None] | None, attribution: Attribution
) -> Entity | None:
    """The unnamed person ("a local doctor") who made the statement just before, when this
    one's source is "he" or "she" of a gender that fits and in the same or next paragraph."""
    if previous is None or previous[1] is None or previous[1].type != "UNNAMED":
        return None
    if previous[1].label != "PERSON":
        return None  # "the national UPS contract": no "he"
    source = attribution.source
    gender = _PRONOUN_GENDER.get(source.text.lower()) if source is not None else None
    if gender is None or not _near(ctx, previous[0], attribution):
        return None
    return previous[1] if previous[1].gender in (None, gender) else None


def _principal(attributions: list[Attribution], referents: list[Entity | None]) -> Entity | None:
    """The person who says most of an article (an interview's subject): at least
    ``PRINCIPAL_STATEMENTS`` of the attributed statements and ``PRINCIPAL_SHARE`` of them."""
    counts: dict[int, int] = {}
    people: dict[int, Entity] = {}
    for attribution, entity in zip(attributions, referents, strict=True):
        if entity is not None and attribution.source is not None:
            counts[entity.id] = counts.get(entity.id, 0) + 1
            people[entity.id] = entity
    if not counts:
        return None
    best = max(counts, key=lambda k: counts[k])
    enough = counts[best] >= PRINCIPAL_STATEMENTS
    if not enough or counts[best] < PRINCIPAL_SHARE * sum(counts.values()):
        return None
    return people[best] if people[best].speaker_type == "PERSON" else None


def _enclosing(recent: list[tuple[Attribution, Entity]], source: TextSpan) -> Entity | None:
    """The speaker of a recent quote whose content holds ``source`` ("I told him", she said)."""
    for attribution, entity in reversed(recent):
        if any(s <= source.start < e for s, e in attribution.content.spans):
            return entity
    return None


def _speakers(
    ctx: Context,
    attributions: list[Attribution],
    order: list[int],
    referents: list[Entity | None],
    linked: dict[int, list[TextSpan]],
) -> tuple[list[Speaker], dict[int, str]]:
    """Step 4: one speaker per entity that said something, numbered in order of first statement."""
    speakers: list[Speaker] = []
    ids: dict[int, str] = {}
    text = ctx.doc.text
    for i in order:
        entity = referents[i]
        if entity is None or entity.id in ids:
            continue
        ids[entity.id] = f"s{len(speakers) + 1}"
        spans = {(m.start_char, m.end_char): m for m in entity.mentions}
        mentions = [TextSpan.of(text, [key]) for key in spans]
        mentions += [s for s in linked.get(entity.id, []) if s.spans[0] not in spans]
        mentions.sort(key=lambda s: s.spans)
        speakers.append(
            Speaker(
                id=ids[entity.id],
                name=entity.name,
                type=entity.speaker_type,
                roles=list(entity.roles),
                mentions=mentions,
            )
        )
    return speakers, ids
