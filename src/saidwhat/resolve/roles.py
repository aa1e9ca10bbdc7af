"""Roles of a named mention (titles, affiliations) and the word normalisation to compare them.

A role is read, as written and without a leading determiner, from

1. the title chain before a name: "US Secretary of State Antony Blinken",
   "Kremlin spokesman Dmitri Peskov", "U.S. Sen. Chuck Schumer";
2. an apposition after it: "Jian Badrakhan, vice chairman of the Kurdish council,",
   "Peskov, the Kremlin's spokesman,";
3. an apposition it belongs to: "The Kremlin spokesman, Dmitri Peskov,";
4. a party-and-state parenthesis: "Chuck Schumer (D-N.Y.)".

Each reader looks at a few tokens around the mention, so the cost is linear in
the number of mentions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from saidwhat.resolve.lexicon import ABBREVIATIONS, HONORIFICS, PLACE_KEYS, ROLE_WORDS

#: Longest title chain read before a name, in tokens ("Deputy Foreign Minister for ...").
MAX_PREMODIFIER = 8
#: Longest apposition kept as a role, in tokens; longer ones are clauses, not titles.
MAX_APPOSITION = 14

_PREMOD_POS = frozenset({"PROPN", "NOUN", "ADJ", "NUM"})
_SKIP_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "QUANTITY", "PERCENT", "MONEY", "ORDINAL"})
_DANGLING = frozenset({"ADP", "DET", "CCONJ", "SPACE", "PART"})
_ANCHOR_ENTS = frozenset({"GPE", "NORP", "LOC", "ORG", "FAC"})
_CLAUSES = frozenset({"relcl", "acl", "advcl", "conj", "cc"})
_PARTY = re.compile(r"\s*\(\s*([DRI]-\s?[A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*)?)\s*\)")
_SPLIT = re.compile(r"[\s\-–—/]+")
_HEAD_STOPS = frozenset({"of", "for", "at", "in", "to", "with", "on", "from", "and"})
_STOP = frozenset({"the", "a", "an", "of", "for", "and", "to", "in", "on", "at", "'s", ""})


def norm_word(word: str) -> str:
    """A word lower-cased, without possessive or dots, abbreviations expanded ("Sen." → senator)."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.strip(".,;:()[]\"'").replace(".", "")
    return ABBREVIATIONS.get(w, w)


def norm_words(text: str) -> list[str]:
    """The content words of ``text``, normalised (no articles or prepositions)."""
    return [w for w in (norm_word(x) for x in _SPLIT.split(text)) if w not in _STOP]


def norm_text(text: str) -> str:
    """``text`` as normalised words, kept in order for phrase matching ("secretary state")."""
    return " ".join(norm_words(text))


def norm_phrase(phrase: str) -> str:
    """A lexicon phrase normalised like roles: "secretary of state" → "secretary state"."""
    return norm_text(phrase)


def has_phrase(text: str, phrase: str) -> bool:
    """Whether normalised ``phrase`` occurs in normalised ``text`` as whole words."""
    return f" {phrase} " in f" {text} "


def role_head(role: str) -> str | None:
    """The head word of a role, normalised: the last word before a preposition
    ("US Secretary of State" → secretary, "president's spokesman" → spokesman)."""
    head = None
    for word in _SPLIT.split(role):
        if word.lower() in _HEAD_STOPS:
            break
        head = norm_word(word) or head
    return head


def places_in(words: Iterable[str]) -> set[str]:
    """Places (country keys) named by ``words``, single words and pairs ("united states")."""
    seq = list(words)
    found = {PLACE_KEYS[w] for w in seq if w in PLACE_KEYS}
    pairs = (f"{a} {b}" for a, b in zip(seq, seq[1:], strict=False))
    found.update(PLACE_KEYS[p] for p in pairs if p in PLACE_KEYS)
    return found


def is_title(token: Token) -> bool:
    """Whether ``token`` is a title or honorific ("Sen.", "President", "Mr.")."""
    word = norm_word(token.text)
    return word in ROLE_WORDS or word in HONORIFICS


def _clean(text: str) -> str:
    return " ".join(text.split())


def _premod_token(token: Token) -> bool:
    if token.ent_type_ in _SKIP_ENTS:
        return False
    if token.pos_ in _PREMOD_POS:
        return True
    return token.tag_ in ("POS", "HYPH") or (token.pos_ == "ADP" and token.lower_ in ("of", "for"))


def _connected_from(doc: Doc, start: int, name_start: int, name_end: int) -> int:
    """The first token of the longest run before the name linked to it inside the chain."""
    region = range(start, name_end)
    seen = set(range(name_start, name_end))
    stack = list(seen)
    while stack:
        token = doc[stack.pop()]
        for other in (token.head, *token.children):
            if other.i in region and other.i not in seen:
                seen.add(other.i)
                stack.append(other.i)
    first = name_start
    while first > start and first - 1 in seen:
        first -= 1
    return first


def _trim_left(doc: Doc, start: int, end: int) -> int:
    while start < end and (doc[start].pos_ == "ADP" or doc[start].tag_ in ("POS", "HYPH")):
        start += 1
    return start


def premodifier(doc: Doc, start: int, end: int, *, person: bool) -> tuple[int, int] | None:
    """The tokens of the title before the name ``doc[start:end]``, or None without one."""
    if doc[start].is_sent_start:
        return None
    first = start
    while first > 0 and start - first < MAX_PREMODIFIER and _premod_token(doc[first - 1]):
        # "Secretary of State", but not "a victory for Gov.": "of"/"for" only after a title.
        if doc[first - 1].pos_ == "ADP" and (first < 2 or not is_title(doc[first - 2])):
            break
        first -= 1
        if doc[first].is_sent_start:
            break
    first = _trim_left(doc, _connected_from(doc, _trim_left(doc, first, start), start, end), start)
    stop = start
    while stop > first and norm_word(doc[stop - 1].text) in HONORIFICS:
        stop -= 1  # "British diplomat Sir Peter Westmacott": "Sir" is no part of the role
    if first >= stop or doc[stop - 1].pos_ == "ADP":
        return None  # "a spokesman for Holm": Holm has a spokesman, is none
    span = (first, stop)
    last = doc[stop - 1]
    # A bare common noun is a title only in the singular: "economist Jane Doe", not "ad slams".
    common = last.tag_ == "NN" and last.is_lower
    if not person:
        return span if common else None
    chain = doc[first:stop]
    titled = any(norm_word(t.text) in ROLE_WORDS for t in chain)
    # A capitalised noun after an institution or place: "UN Resident Coordinator".
    affiliated = (
        last.is_title
        and last.pos_ in ("NOUN", "PROPN")
        and not last.ent_type_
        and any(t.ent_type_ in _ANCHOR_ENTS for t in chain)
    )
    return span if titled or common or affiliated else None


def _apposition_end(token: Token) -> int:
    """End of an apposition's phrase, before any clause, list or verb inside it."""
    end = token.right_edge.i + 1
    for child in token.children:
        if child.i > token.i and child.dep_ in _CLAUSES:
            end = min(end, child.left_edge.i)
    doc = token.doc
    for i in range(token.i + 1, end):
        if doc[i].pos_ in ("VERB", "AUX"):
            # Cut before the phrase holding the verb: "pilot with a gift for making ..." → "pilot".
            branch = doc[i]
            while branch.head.i != token.i and branch.head.i != branch.i:
                branch = branch.head
            return min(i, branch.left_edge.i) if branch.head.i == token.i else i
    return end


def _role_span(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """A role's tokens without determiners and edge punctuation; None for no title at all
    (too long, no noun, a list or a broken quotation: "Bad for New Jersey, bad for you")."""
    while start < end and doc[start].pos_ in ("DET", "ADV"):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].pos_ in _DANGLING):
        end -= 1
    if start >= end or end - start > MAX_APPOSITION:
        return None
    tokens = doc[start:end]
    if not any(t.pos_ in ("NOUN", "PROPN") for t in tokens):
        return None
    text = tokens.text
    if any(mark in text for mark in ",;:") or not _balanced(text):
        return None
    return start, end


def _balanced(text: str) -> bool:
    straight = text.count('"') % 2 == 0
    return straight and text.count("“") == text.count("”") and text.count("(") == text.count(")")


def _appositive(token: Token) -> bool:
    """Whether an apposition headed by ``token`` can be a title (not a name, age or date)."""
    if token.ent_type_ == "PERSON" or token.ent_type_ in _SKIP_ENTS or token.like_num:
        return False
    return token.pos_ == "NOUN" or norm_word(token.text) in ROLE_WORDS


def appositions(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """Token spans of roles in apposition to the name ``doc[start:end]``, after or around it."""
    spans = []
    root = doc[start:end].root
    for child in root.children:
        if child.dep_ == "appos" and child.i >= end and _appositive(child):
            span = _role_span(doc, child.left_edge.i, _apposition_end(child))
            if span:
                spans.append(span)
    head = root.head
    # "A spokeswoman for the chamber, Maria Holm": the title is the phrase above "chamber".
    while head.dep_ == "pobj" and head.head.dep_ == "prep" and head.head.head.i < head.i:
        if head.head.head.tag_ not in ("NN", "NNP"):
            break
        head = head.head.head
    if (
        root.dep_ == "appos"
        and head.i < start - 1
        and doc[start - 1].text == ","
        and _appositive(head)
        and not any(t.pos_ == "VERB" for t in doc[head.i : start])
    ):
        span = _role_span(doc, head.left_edge.i, start)
        if span:
            spans.append(span)
    return spans


def party(doc: Doc, end: int) -> str | None:
    """A party-and-state affiliation right after the name ending at token ``end``: "(D-N.Y.)"."""
    if end >= len(doc) or doc[end].text != "(":
        return None
    match = _PARTY.match(doc[end : end + 8].text)
    return match.group(1) if match else None


@dataclass(slots=True)
class Roles:
    """The roles read around one name mention."""

    texts: list[str]
    #: Places, parties and organisations the roles name ("kremlin" → "russia"), to tell
    #: one "spokesman" from another.
    anchors: set[str]
    #: Where the title chain before the name starts (None without one).
    first: int | None


def anchor_words(tokens: Iterable[Token]) -> set[str]:
    """Anchors among ``tokens``: words of place, nationality or organisation names."""
    words = (norm_word(t.text) for t in tokens if t.ent_type_ in _ANCHOR_ENTS)
    return {PLACE_KEYS.get(w, w) for w in words if w and w not in _STOP}


def roles_of(doc: Doc, start: int, end: int, *, person: bool) -> Roles:
    """Roles of the name ``doc[start:end]``: title chain, appositions, party."""
    spans = []
    title = premodifier(doc, start, end, person=person)
    if title is not None:
        spans.append(title)
    spans.extend(appositions(doc, start, end))
    texts = [_clean(doc[s:e].text) for s, e in spans]
    anchors = set().union(*(anchor_words(doc[s:e]) for s, e in spans))
    if person and (affiliation := party(doc, end)):
        texts.append(affiliation)
    for text in texts:
        anchors |= places_in(norm_words(text))
    return Roles(texts, anchors, title[0] if title else None)


def add_roles(roles: list[str], new: Iterable[str]) -> None:
    """Append ``new`` roles not already in ``roles`` (compared case-insensitively)."""
    known = {r.lower() for r in roles}
    for role in new:
        if role.lower() not in known and norm_word(role) not in HONORIFICS:
            known.add(role.lower())
            roles.append(role)
