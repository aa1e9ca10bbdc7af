"""Resolve a pronoun source ("he said", "they said") by salience in a small window.

Candidates are the entities named in the sentence of the pronoun (or of the quote
it closes) and the two before it, plus the previous attribution's speaker. Each
scores (constants chosen by hand on typical news paragraphs, see tests):

- ``PREVIOUS`` for the previous attribution's speaker (speakers keep the floor);
- ``SUBJECT`` for the subject of this or the previous sentence;
- ``RECENT`` for the last one named;
- ``QUOTED`` (negative) when it is only named inside the very quote being attributed,
  as in '"We will not let Putin win," he said'.

He/she take PERSON entities of a compatible gender (from first names, honorifics,
gendered roles, confidently resolved earlier pronouns); "they" takes organisations
and groups, "it" organisations and places.
"""

from __future__ import annotations

from spacy.tokens import Token

from saidwhat.model import Attribution
from saidwhat.resolve.context import Context
from saidwhat.resolve.entities import Entity, Mention

PERSONAL = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}
_GROUPS = ("ORG", "GROUP")
COLLECTIVE = {"they": _GROUPS, "them": _GROUPS, "their": _GROUPS, "it": ("ORG", "GPE")}
COLLECTIVE["its"] = COLLECTIVE["it"]

#: Sentences looked back from the pronoun's (or the quote's) sentence; the wider window
#: is tried when the first holds no candidate at all.
WINDOW = 2
WIDE_WINDOW = 6
PREVIOUS = 3.0
SUBJECT = 2.0
RECENT = 1.0
QUOTED = -4.0
#: Organisations are likelier than places to be "it" or "they".
ORG_BONUS = 0.5

_SUBJECTS = frozenset({"nsubj", "nsubjpass"})


def _is_subject(ctx: Context, mention: Mention) -> bool:
    doc = ctx.doc
    for token in doc[mention.start : mention.end]:
        if not mention.start <= token.head.i < mention.end or token.head.i == token.i:
            if token.dep_ == "appos":
                token = token.head
            if token.dep_ == "attr" and any(c.dep_ == "relcl" for c in token.children):
                return True  # a cleft: "it was Katie Boulter who got the ball rolling"
            return token.dep_ in _SUBJECTS
    return False


def _inside(char: int, attribution: Attribution) -> bool:
    return any(s <= char < e for s, e in attribution.content.spans)


def _fits(entity: Entity, types: tuple[str, ...], gender: str | None) -> bool:
    if entity.speaker_type not in types:
        return False
    return gender is None or entity.gender in (None, gender)


def _candidates(
    ctx: Context,
    pronoun: Token,
    attribution: Attribution,
    types: tuple[str, ...],
    gender: str | None,
    window: int,
) -> dict[int, list[float]]:
    """Entity id → [bonus, start of last mention, only named inside this quote (1/0)]."""
    first = min(pronoun.i, ctx.token_at(attribution.content.start))
    here = ctx.sentence(pronoun.i)
    scores: dict[int, list[float]] = {}
    for mention in ctx.index.between(ctx.sentence_start(ctx.sentence(first) - window), pronoun.i):
        entity = ctx.index.entities[mention.entity]
        if not _fits(entity, types, gender):
            continue
        quoted = _inside(mention.start_char, attribution)
        entry = scores.setdefault(entity.id, [0.0, -1, 1.0])
        entry[1] = mention.start
        if not quoted:
            entry[2] = 0.0
            if here - ctx.sentence(mention.start) <= 1 and _is_subject(ctx, mention):
                entry[0] = SUBJECT
    return scores


def resolve_pronoun(
    ctx: Context,
    pronoun: Token,
    attribution: Attribution,
    previous: Entity | None,
    last_speaker: Entity | None = None,
) -> Entity | None:
    """The entity ``pronoun`` (the source of ``attribution``) most likely stands for;
    ``last_speaker``, the speaker of the last statement however far back, when nobody
    fitting is named nearby (a feature's principal, quoted paragraphs apart)."""
    word = pronoun.lower_
    gender = PERSONAL.get(word)
    types = ("PERSON",) if gender else COLLECTIVE.get(word)
    if types is None:
        return None
    scores = _candidates(ctx, pronoun, attribution, types, gender, WINDOW)
    if not scores and previous is None:
        scores = _candidates(ctx, pronoun, attribution, types, gender, WIDE_WINDOW)
    if previous is not None and _fits(previous, types, gender):
        entry = scores.setdefault(previous.id, [0.0, -1, 0.0])
        entry[0] += PREVIOUS
    if not scores:
        if last_speaker is not None and _fits(last_speaker, types, gender):
            return last_speaker
        return None
    latest = max(entry[1] for entry in scores.values())

    def total(item: tuple[int, list[float]]) -> tuple[float, float]:
        entity_id, (bonus, last, quoted) = item
        score = bonus + (RECENT if last == latest else 0.0) + QUOTED * quoted
        if ctx.index.entities[entity_id].speaker_type == "ORG":
            score += ORG_BONUS
        return score, last

    best_id, (bonus, _, _) = max(scores.items(), key=total)
    best = ctx.index.entities[best_id]
    if gender and best.gender is None and bonus >= SUBJECT:
        best.gender = gender  # learnt only from a confident choice
    return best
