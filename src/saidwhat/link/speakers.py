"""One record per real person or organisation across the corpus.

The store keeps ``KnownSpeaker`` records and indexes each by ``index_keys``; for an
article's speaker (``SpeakerEvidence``) it fetches the records sharing one of its
``lookup_keys`` and asks ``link_speaker`` which of them, if any, is the same entity.
Wrong merges are worse than missed ones (a missed one is a second record that can be
merged later; a wrong one mixes two people's statements), so the rules are conservative.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum

from saidwhat.link.names import (
    SHARED_SHORT_FORMS,
    acronyms,
    name_key,
    parse_person,
    roles_agree,
)
from saidwhat.model import UNNAMED_TYPES

#: Speaker types never linked across articles: groups ("protesters") and speakers known
#: only by a description ("a local doctor", "a study").
NEVER_LINKED = frozenset({"GROUP"}) | UNNAMED_TYPES


@dataclass(frozen=True, slots=True)
class SpeakerEvidence:
    """One article's speaker, as the within-article resolver gave it.

    ``context`` holds the name keys (``name_key``) of the other people and
    organisations named in the same article.
    """

    name: str
    type: str
    roles: frozenset[str] = frozenset()
    context: frozenset[str] = frozenset()


@dataclass(slots=True)
class KnownSpeaker:
    """A corpus speaker record so far: its names as written (``name`` and ``aliases``),
    the roles it was given and the name keys of the entities named around it."""

    id: int
    name: str
    type: str
    aliases: set[str]
    roles: set[str]
    context: set[str]


class Match(IntEnum):
    """How two names of one type correspond, best first (lower is better)."""

    EXACT = 1  # the same key
    VARIANT = 2  # a first-name initial or middle name more; an organisation's acronym
    PARTIAL = 3  # a person's surname alone against a full name: needs agreeing evidence


def lookup_keys(evidence: SpeakerEvidence) -> set[str]:
    """The keys to find candidate records by: the name key, a person's surname key and
    an organisation's acronyms; none for a GROUP or an unnamed speaker (never linked) or an
    empty name."""
    if evidence.type in NEVER_LINKED:
        return set()
    key = name_key(evidence.name, evidence.type)
    if not key:
        return set()
    if evidence.type == "PERSON":
        parts = parse_person(key)
        return {key, parts.surname}
    return {key} | acronyms(key)


def index_keys(speaker: KnownSpeaker) -> set[str]:
    """The keys to index a record by: the lookup keys of its name and every alias."""
    names = {speaker.name, *speaker.aliases}
    return set().union(*(lookup_keys(SpeakerEvidence(n, speaker.type)) for n in names))


def match_names(a: str, b: str, type: str) -> Match | None:
    """How names ``a`` and ``b`` of entities of ``type`` correspond, or None if they
    cannot be one entity."""
    key_a, key_b = name_key(a, type), name_key(b, type)
    if not key_a or not key_b:
        return None
    if key_a == key_b:
        return Match.EXACT
    if type != "PERSON":
        return Match.VARIANT if key_a in acronyms(key_b) or key_b in acronyms(key_a) else None
    pa, pb = parse_person(key_a), parse_person(key_b)
    if pa.surname != pb.surname or (pa.suffix and pb.suffix and pa.suffix != pb.suffix):
        return None
    if pa.first is None or pb.first is None:
        return Match.PARTIAL
    if _same_given(pa.first, pb.first) and _same_middle(pa.middle, pb.middle):
        return Match.VARIANT
    return None


def _same_given(a: str, b: str) -> bool:
    """Equal canonical given names, an initial and a name it starts ("a", "antony"), or a
    short form shared by two names and one of them ("sasha", "alexandra")."""
    if a == b or (min(len(a), len(b)) == 1 and a[0] == b[0]):
        return True
    return b in SHARED_SHORT_FORMS.get(a, ()) or a in SHARED_SHORT_FORMS.get(b, ())


def _same_middle(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Middle names agree when either has none, or they pair up ("George H. W." is not
    "George W.")."""
    if not a or not b:
        return True
    return len(a) == len(b) and all(_same_given(x, y) for x, y in zip(a, b, strict=True))


def agrees(evidence: SpeakerEvidence, speaker: KnownSpeaker) -> bool:
    """Whether the article's speaker and the record share a role or a context name."""
    return not evidence.context.isdisjoint(speaker.context) or _roles_agree(evidence, speaker)


def _roles_agree(evidence: SpeakerEvidence, speaker: KnownSpeaker) -> bool:
    return any(roles_agree(r, s) for r in evidence.roles for s in speaker.roles)


def link_speaker(evidence: SpeakerEvidence, candidates: Sequence[KnownSpeaker]) -> int | None:
    """The id of the candidate that is the same entity as ``evidence``, else None.

    Rules, in order:

    1. Types must be equal (a PERSON never merges with an ORG); a GROUP or an unnamed
       speaker never merges.
    2. EXACT: the same name key ("Secretary of State Antony Blinken" = "Tony Blinken")
       is the same entity; among several such records, the one with agreeing evidence
       (a shared role or context name) if exactly one agrees, else the lowest id.
    3. VARIANT: a person with the same surname and a compatible first name (an
       initial, "A. Blinken"; nicknames are already one key), no conflicting middle
       names or suffixes ("Jr." vs "III"); an organisation whose key is the other's
       acronym ("VOA" = "Voice of America"; "U.S." variants share a key). One such
       record is the entity; among several, only one with agreeing evidence is.
    4. PARTIAL: a surname alone ("Blinken") against a full name, or a full name
       against a surname-only record, merges only with agreeing evidence: a shared
       role after ``role_key`` ("US Secretary of State" = "Secretary of State"), else
       a shared context name, and only when exactly one candidate has it.

    Different first names with one surname ("Maria Lopez", "Daniel Lopez") never merge,
    not even through a record's surname-only alias, nor does a surname alone without
    evidence. The first rule with a match decides.
    """
    if evidence.type in NEVER_LINKED:
        return None
    tiers: dict[Match, list[KnownSpeaker]] = {m: [] for m in Match}
    for speaker in candidates:
        if speaker.type != evidence.type or _conflicts(evidence.name, speaker.name, speaker.type):
            continue
        matches = (match_names(evidence.name, n, evidence.type) for n in _names(speaker))
        best = min((m for m in matches if m is not None), default=None)
        if best is not None:
            tiers[best].append(speaker)
    if tiers[Match.EXACT]:
        return _pick(evidence, tiers[Match.EXACT], ambiguous=True)
    if tiers[Match.VARIANT]:
        return _pick(evidence, tiers[Match.VARIANT], ambiguous=False)
    # A shared role is stronger evidence than a shared context name (both Vargas were
    # named in stories about the same flood).
    partial = tiers[Match.PARTIAL]
    for agreeing in (
        [s for s in partial if _roles_agree(evidence, s)],
        [s for s in partial if not evidence.context.isdisjoint(s.context)],
    ):
        if agreeing:
            return agreeing[0].id if len(agreeing) == 1 else None
    return None


def _conflicts(a: str, b: str, type: str) -> bool:
    """Two full person names that cannot be one person ("Helena Brask", "Jonas Brask"):
    then no alias of the record ("Brask") may link them."""
    if type != "PERSON":
        return False
    ka, kb = name_key(a, type), name_key(b, type)
    both_full = parse_person(ka).first is not None and parse_person(kb).first is not None
    return both_full and match_names(a, b, type) is None


def _names(speaker: KnownSpeaker) -> Iterable[str]:
    yield speaker.name
    yield from sorted(speaker.aliases - {speaker.name})


def _pick(evidence: SpeakerEvidence, found: list[KnownSpeaker], *, ambiguous: bool) -> int | None:
    """The one record of ``found``, else the one with agreeing evidence, else (when
    ``ambiguous`` is allowed) the lowest id."""
    if len(found) == 1:
        return found[0].id
    agreeing = [s for s in found if agrees(evidence, s)]
    if len(agreeing) == 1:
        return agreeing[0].id
    if ambiguous:
        return min(s.id for s in agreeing or found)
    return None
