"""Resolve a description source ("the Kremlin spokesman", "the newspaper") to an entity.

A description is read from the parse (head noun, modifiers, determiner, number)
and matched against the roles the document gave its entities earlier:

1. the head noun, or a news alias of it (``lexicon.DESCRIPTION_ALIASES``: "top
   diplomat" ↔ "Secretary of State"), must occur in one of the entity's roles;
   for an organisation noun ("the ministry") the organisation's name may hold it
   or a word of its kind (``lexicon.ORG_HEADS``: "newspaper" ↔ "Times");
2. places, parties and organisations named on both sides must share one ("the
   Kremlin spokesman" is no State Department spokesman, "the Vermont senator" no
   Arizona senator);
3. among the fitting entities named before, the one sharing the most modifier words
   and anchors wins, then the most recently named.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from saidwhat.resolve.context import Context
from saidwhat.resolve.entities import Entity
from saidwhat.resolve.lexicon import (
    COLLECTIVE,
    DESCRIPTION_ALIASES,
    FEMALE_WORDS,
    INDEFINITE,
    MALE_WORDS,
    ORG_HEADS,
    PLACE_KEYS,
    ROLE_QUALIFIERS,
)
from saidwhat.resolve.roles import anchor_words, has_phrase, norm_phrase, norm_word, places_in

_CLAUSES = frozenset({"relcl", "acl", "advcl"})
_MODIFIER_POS = frozenset({"NOUN", "PROPN", "ADJ"})
_GENDER_SUFFIXES = ("woman", "person", "man")


@dataclass(frozen=True, slots=True)
class Description:
    """What a description says of its referent."""

    head: str
    modifiers: frozenset[str]
    #: Places, parties, organisations it names ("the Kremlin spokesman" → russia).
    anchors: frozenset[str]
    plural: bool
    indefinite: bool
    gender: str | None

    @property
    def organisation(self) -> bool:
        """Whether it describes an organisation or a collective ("the ministry", "the police")."""
        return self.head in COLLECTIVE


def describe(span: Span, root: Token) -> Description:
    """The description ``span`` headed by ``root``."""
    skipped: set[int] = set()
    for child in root.children:
        if child.dep_ in _CLAUSES:
            skipped.update(t.i for t in child.subtree)
    tokens = [t for t in span if t.i != root.i and t.i not in skipped]
    modifiers = frozenset(norm_word(t.text) for t in tokens if t.pos_ in _MODIFIER_POS)
    head = norm_word(root.text)
    dets = [c.lower_ for c in root.children if c.dep_ in ("det", "nummod", "quantmod")]
    gender = "m" if head in MALE_WORDS else "f" if head in FEMALE_WORDS else None
    return Description(
        head=head,
        modifiers=modifiers,
        anchors=frozenset(places_in(modifiers) | anchor_words(tokens)),
        plural=root.tag_ in ("NNS", "NNPS"),
        indefinite=any(d in INDEFINITE or d.isdigit() for d in dets),
        gender=gender,
    )


def _terms(description: Description) -> list[str]:
    """Normalised phrases that, in a role or name, fit the description's head."""
    head = description.head
    if description.organisation:
        terms = [head, *ORG_HEADS.get(head, ())]
        return [t for t in (norm_phrase(t) for t in terms) if t]
    compound = [f"{m} {head}" for m in description.modifiers]
    compound = [c for c in compound if c in DESCRIPTION_ALIASES]
    if compound:
        return [t for t in (norm_phrase(t) for t in DESCRIPTION_ALIASES[compound[0]]) if t]
    terms = [head, *DESCRIPTION_ALIASES.get(head, ())]
    for suffix in _GENDER_SUFFIXES:
        if head.endswith(suffix) and len(head) > len(suffix):
            stem = head[: -len(suffix)]
            terms.extend(stem + s for s in _GENDER_SUFFIXES)
            break
    return [t for t in (norm_phrase(t) for t in terms) if t]


def _fits(role: tuple[str, str | None], term: str) -> bool:
    """Whether ``term`` names the role: it occurs in it and holds the role's head word, so
    "president" fits "US President" but not "president's spokesman"."""
    text, head = role
    return has_phrase(text, term) and (head is None or head in term.split())


def _score(entity: Entity, description: Description) -> float | None:
    """How well ``entity`` fits beyond the head; None when their anchors disagree."""
    shared = description.anchors & entity.anchors
    if description.anchors and entity.anchors and not shared:
        return None
    if (description.modifiers & ROLE_QUALIFIERS) - entity.bag:
        return None  # "the interior minister" is not the prime minister
    score = float(len(description.modifiers & entity.bag) + len(shared))
    if description.gender and entity.gender and description.gender != entity.gender:
        score -= 1.0
    return score


def match_affiliation(ctx: Context, description: Description, before: int) -> Entity | None:
    """The person named before token ``before`` whom a party or nationality noun describes
    ("the Republican", "the Arizona Democrat"): the latest whose roles share the anchors of
    its modifiers ("Arizona") or, without any, the noun's own ("republicans")."""
    noun = PLACE_KEYS.get(description.head, description.head)
    wanted = {noun} | description.anchors
    best: Entity | None = None
    best_key = (0, -1)
    for entity in ctx.index.entities:
        if entity.type != "PERSON" or not (description.anchors or {noun}) & entity.anchors:
            continue
        key = (len(wanted & entity.anchors), entity.last_before(before))
        if key[1] >= 0 and key > best_key:
            best, best_key = entity, key
    return best


def match_description(ctx: Context, description: Description, before: int) -> Entity | None:
    """The entity named before token ``before`` that ``description`` most likely refers to."""
    terms = _terms(description)
    candidates: set[int] = set()
    for term in terms:
        candidates |= ctx.index.words.get(term.split()[0], set())
    best: Entity | None = None
    best_key = (float("-inf"), -1)
    for entity_id in candidates:
        entity = ctx.index.entities[entity_id]
        if description.organisation != (entity.speaker_type == "ORG"):
            continue
        last = entity.last_before(before)
        if last < 0 or not any(_fits(role, t) for role in entity.role_norms for t in terms):
            continue
        score = _score(entity, description)
        if score is not None and (score, last) > best_key:
            best, best_key = entity, (score, last)
    return best
