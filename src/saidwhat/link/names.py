"""Name and role keys for comparing speakers across articles.

A key is a plain string: "Secretary of State Antony Blinken", "Tony Blinken" and
"antony blinken" share the key "antony blinken"; "U.S. State Department" and
"US State Department" share "us state department". The word lists come from the
within-article resolver (``saidwhat.resolve.lexicon``) so both stages read names alike.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple

from saidwhat.link.stories import normalise_text
from saidwhat.resolve.entities import split_name
from saidwhat.resolve.lexicon import (
    ABBREVIATIONS,
    COUNTRY_VARIANTS,
    HONORIFICS,
    NICKNAMES,
    ROLE_WORDS,
)
from saidwhat.resolve.roles import norm_words, places_in

#: Short forms shared by a man's and a woman's name: kept as written in keys (so "Alex
#: Kessel" is not keyed as either), and a variant of each full form when names are matched.
SHARED_SHORT_FORMS = {
    "alex": frozenset({"alexander", "alexandra"}),
    "sasha": frozenset({"alexander", "alexandra"}),
    "sam": frozenset({"samuel", "samantha"}),
    "chris": frozenset({"christopher", "christine", "christina"}),
    "pat": frozenset({"patrick", "patricia"}),
    "jo": frozenset({"joanna", "josephine", "joseph"}),
}


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Short and variant forms of first names -> one canonical form. The resolver's table plus
#: forms it leaves to its prefix rule, which is too loose across a corpus ("Daniel" is a
#: prefix of "Danielle"). Antony/Anthony are one name spelled two ways. Every value maps to
#: itself (is no key), so applying the table twice changes nothing.
FIRST_NAMES = {
    **NICKNAMES,
    "tony": "antony",
    "anthony": "antony",
    "dan": "daniel",
    "danny": "daniel",
    "dave": "david",
    "chris": "christopher",
    "nick": "nicholas",
    "ben": "benjamin",
    "matt": "matthew",
    "greg": "gregory",
    "steve": "steven",
    "jake": "jacob",
    "pete": "peter",
    "josh": "joshua",
    "andy": "andrew",
    "ron": "ronald",
    "don": "donald",
    "rick": "richard",
    "ed": "edward",
    "eddie": "edward",
    "larry": "lawrence",
    "jerry": "gerald",
    "bernie": "bernard",
    "mitch": "mitchell",
    "jen": "jennifer",
    "jenny": "jennifer",
    "vlad": "vladimir",
    "mohamed": "mohammed",
    "mohammad": "mohammed",
    "muhammad": "mohammed",
}

#: Country names and adjectives: dropped from roles ("US Secretary of State" = "Secretary of
#: State") and, as leading words, from people's names ("U.S. Sen. Chuck Schumer").
COUNTRY_WORDS = _word_set(
    """
    us usa america american uk britain british england english russia russian ukraine
    ukrainian china chinese france french germany german israel israeli iran iranian japan
    japanese india indian turkey turkish syria syrian canada canadian mexico mexican italy
    italian spain spanish eu european palestinian
    """
)
_COUNTRY_PAIRS = frozenset({("united", "states"), ("united", "kingdom"), ("great", "britain")})

#: Leading words of a person's name that are a title, not the name: honorifics, role words,
#: abbreviations, countries and the glue of title chains ("Secretary of State", "White House
#: press secretary"). "dean" and "major" are also first names, so they stay.
TITLE_WORDS = (
    frozenset(HONORIFICS)
    | frozenset(ABBREVIATIONS)
    | frozenset(ABBREVIATIONS.values())
    | ROLE_WORDS
    | COUNTRY_WORDS
    | _word_set(
        """
        of the for state foreign prime defense defence home interior finance treasury health
        former acting senior top press white house department ministry affairs national
        security homeland attorney first lady supreme court assistant under kremlin un rev
        reverend
        """
    )
) - {"dean", "major"}

#: Name suffixes kept in the key ("Jr." and "III" are different people) but not a surname.
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
#: Words an acronym may skip ("FBI" = Federal Bureau of Investigation).
_FUNCTION_WORDS = frozenset({"of", "the", "and", "for", "on", "in", "at", "to", "de", "du"})
_COUNTRY_KEYS = frozenset(COUNTRY_VARIANTS.values())

_PAREN = re.compile(r"\([^)]*\)")
_SEPARATORS = re.compile(r"[^\w'.&-]+")
_INITIALS = re.compile(r"(?:[a-z]\.)+[a-z]?")
_UNDECOMPOSED = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "æ": "ae", "œ": "oe", "ı": "i"})


class PersonName(NamedTuple):
    """A person's name key in parts; ``first`` is None for a surname alone ("blinken")."""

    first: str | None
    middle: tuple[str, ...]
    surname: str
    suffix: str | None


def _plain(name: str) -> str:
    """``name`` without parentheses or diacritics, case-folded, quotes and dashes unified."""
    decomposed = unicodedata.normalize("NFKD", _PAREN.sub(" ", name))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return normalise_text(bare).translate(_UNDECOMPOSED)


def _token_words(token: str, *, person: bool) -> list[str]:
    """The key words of one token: no possessive, apostrophes or dots; a person's dotted
    initials split ("j.k." -> j k) unless they spell a country ("u.s." -> us, kept whole)."""
    if token.endswith("'s"):
        token = token[:-2]
    token = token.strip("'-.") if not _INITIALS.fullmatch(token) else token
    joined = token.replace(".", "").replace("'", "")
    if person and _INITIALS.fullmatch(token) and joined not in COUNTRY_VARIANTS:
        return list(joined)
    if joined == "&":
        return ["and"]
    return [joined] if joined else []


def _words(name: str, *, person: bool) -> list[str]:
    return [w for t in _SEPARATORS.split(_plain(name)) for w in _token_words(t, person=person)]


def _unify_countries(words: list[str]) -> list[str]:
    """Multi-word country names as their key ("united states" -> us)."""
    out: list[str] = []
    i = 0
    while i < len(words):
        for size in (4, 3, 2):
            phrase = " ".join(words[i : i + size])
            if len(words) - i >= size and phrase in COUNTRY_VARIANTS:
                out.append(COUNTRY_VARIANTS[phrase])
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out


@functools.lru_cache(maxsize=1 << 16)
def name_key(name: str, type: str = "PERSON") -> str:
    """The comparison key of a speaker's name.

    All names: case-folded, no diacritics, parentheses ("(D-N.Y.)"), possessive 's,
    punctuation or dots. A person's name also loses its leading titles ("Mr.", "Sen.",
    "US Secretary of State") and gets a canonical first name ("Tony" -> antony); another
    entity's loses a leading "the" and writes countries one way ("U.S.", "United States"
    -> us).
    """
    person = type == "PERSON"
    words = _words(name, person=person)
    if not person:
        words = _unify_countries(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)
        return " ".join(words)
    start = 0
    while start < len(words) - 1 and words[start] in TITLE_WORDS:
        start += 1
    words = words[start:]
    if len(words) > 1:
        words[0] = FIRST_NAMES.get(words[0], words[0])
    return " ".join(words)


@functools.lru_cache(maxsize=1 << 16)
def parse_person(key: str) -> PersonName:
    """The parts of a person's name key ("joseph r biden jr")."""
    words = key.split()
    suffix = words.pop() if len(words) > 1 and words[-1] in SUFFIXES else None
    first, surname = split_name(words)
    middle = tuple(words[1 : len(words) - len(surname.split())]) if first else ()
    return PersonName(first, middle, surname, suffix)


def surname_key(name: str) -> str | None:
    """The surname of a person's name with a first name ("von der leyen", "biden" of
    "Joseph R. Biden Jr."); None for a surname alone or a one-word name."""
    parts = parse_person(name_key(name))
    return parts.surname if parts.first else None


def acronyms(key: str) -> set[str]:
    """Acronyms an organisation's name key may be written as: the initials of all words
    ("voa" of "voice of america") and, if 3 letters or more, of the words other than "of",
    "the"... ("fbi"); a country key counts whole ("usaid"). None for one word."""
    words = key.split()
    if len(words) < 2:
        return set()

    def initials(ws: list[str]) -> str:
        return "".join(w if w in _COUNTRY_KEYS else w[0] for w in ws)

    found = {initials(words)}
    content = initials([w for w in words if w not in _FUNCTION_WORDS])
    if len(content) >= 3:
        found.add(content)
    return {a for a in found if len(a) >= 2}


def role_key(role: str) -> str:
    """A role for comparison: normalised words (abbreviations expanded, no articles or
    prepositions) without country names ("US Secretary of State" -> "secretary state")."""
    words = norm_words(role)
    kept: list[str] = []
    i = 0
    while i < len(words):
        if tuple(words[i : i + 2]) in _COUNTRY_PAIRS:
            i += 2
            continue
        if words[i] not in COUNTRY_WORDS:
            kept.append(words[i])
        i += 1
    return " ".join(kept)


def roles_agree(a: str, b: str) -> bool:
    """Whether two roles are the same post: equal keys, and no different places named
    ("US ambassador" and "Russian ambassador" do not agree)."""
    key = role_key(a)
    if not key or key != role_key(b):
        return False
    places_a, places_b = places_in(norm_words(a)), places_in(norm_words(b))
    return not (places_a and places_b and places_a.isdisjoint(places_b))
