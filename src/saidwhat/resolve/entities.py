"""Index a parsed document's named entities once: mentions clustered into entities.

``build_index`` runs, in document order:

1. Each NER span of a kept label is trimmed (determiners, possessives; titles and
   honorifics off a person's name) and typed; names the small model mislabels
   (an ORG "Olaf Scholz" after "Chancellor", a GPE that is a known surname)
   become PERSON.
2. Roles are read around every PERSON and ORG mention (``roles.roles_of``); a
   one-word ORG inside a title ("Secretary of State") is no mention of its own.
3. A PERSON mention joins the entity with its surname and a compatible first name
   ("Joe" fits "Joseph", not "Hunter"), completes a surname-only entity, or,
   alone, takes the most recently mentioned entity with that surname (failing
   that, with that first or middle name).
4. Other mentions join by normalised text, country variants ("U.S." = "United
   States"), the tail of a longer name ("the Times"), the name without its company
   suffix ("Acme" = "Acme Corp.") or an acronym.
5. Each entity is named by its fullest mention; role and name words are indexed
   for description matching.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from saidwhat.attribute.senses import reporting_word
from saidwhat.resolve.lexicon import (
    COUNTRY_VARIANTS,
    FEMALE_NAMES,
    FEMALE_WORDS,
    HONORIFICS,
    MALE_NAMES,
    MALE_WORDS,
    NAME_PARTICLES,
    NAME_SUFFIXES,
    NICKNAMES,
    ORG_HEADS,
    ORG_NAME_WORDS,
    PRESS_ARTICLES,
    ROLE_WORDS,
    STATE_BODIES,
)
from saidwhat.resolve.roles import (
    add_roles,
    is_title,
    norm_text,
    norm_word,
    places_in,
    role_head,
    roles_of,
)

#: NER labels kept, and the entity type each becomes (buildings count as places).
KEPT = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "NORP": "NORP", "LOC": "LOC", "FAC": "LOC"}
_MEDIA = ORG_HEADS["newspaper"]
_POSSESSIVE = re.compile(r"['’]s$")
#: Words a company's name may drop ("Acme" = "Acme Corp.").
_COMPANY = ORG_HEADS["company"] - {"company", "group"}


@dataclass(slots=True)
class Mention:
    """Where an entity is named: tokens ``start:end`` and their characters."""

    start: int
    end: int
    start_char: int
    end_char: int
    entity: int
    #: Part of a person's title ("US" in "US Secretary of State Antony Blinken").
    in_title: bool = False


@dataclass(slots=True, eq=False)
class Entity:
    """One person, organisation, place or group of the document."""

    id: int
    type: str
    name: str
    label: str = ""
    first: str | None = None
    surname: str | None = None
    words: tuple[str, ...] = ()
    gender: str | None = None
    roles: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    #: Normalised roles (and, for organisations, name) for description matching, each with
    #: its head word ("us secretary state", "secretary"); None for a name (any word fits).
    role_norms: list[tuple[str, str | None]] = field(default_factory=list)
    bag: frozenset[str] = frozenset()
    #: Places, parties and organisations its roles (or, for organisations, name) point at.
    anchors: set[str] = field(default_factory=set)

    def last_before(self, token: int) -> int:
        """Start of the last mention before ``token``, or -1."""
        i = bisect_left(self.mentions, token, key=lambda m: m.start)
        return self.mentions[i - 1].start if i else -1

    @property
    def speaker_type(self) -> str:
        """The type as a speaker: a building that speaks is its institution ("the White House")."""
        return "ORG" if self.type == "LOC" and self.label == "FAC" else self.type

    def index_roles(self) -> None:
        """Fill ``role_norms``, ``bag`` and ``anchors`` from the roles and the name."""
        norms: list[tuple[str, str | None]] = [(norm_text(r), role_head(r)) for r in self.roles]
        if self.type != "PERSON":
            norms.append((norm_text(self.name), None))
            self.anchors |= places_in(norm_text(self.name).split())
        self.role_norms = norms
        self.bag = frozenset(w for n, _ in norms for w in n.split())


@dataclass(slots=True)
class EntityIndex:
    """The entities of a document and their mentions, sorted by position."""

    entities: list[Entity]
    mentions: list[Mention]
    #: Normalised role/name word → ids of the entities whose roles or name contain it.
    words: dict[str, set[int]]
    surnames: dict[str, list[int]]
    given: dict[str, list[int]]
    #: "TYPE:normalised name" → id, for organisations, places and nationalities.
    names: dict[str, int]
    _starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._starts = [m.start for m in self.mentions]

    def at(self, token: int) -> Mention | None:
        """The mention covering token ``token``."""
        i = bisect_left(self._starts, token + 1) - 1
        if i >= 0 and self.mentions[i].start <= token < self.mentions[i].end:
            return self.mentions[i]
        return None

    def between(self, start: int, end: int) -> list[Mention]:
        """Mentions that start in tokens ``start:end``."""
        return self.mentions[bisect_left(self._starts, start) : bisect_left(self._starts, end)]

    def lookup_person(
        self, text: str, *, before: int | None = None, previous: Entity | None = None
    ) -> Entity | None:
        """The person with surname (else first or middle name) ``text``. Where several share
        it, seen from token ``before``: the ``previous`` speaker if one of them, else the one
        named most so far (in news a bare surname is the article's principal, not a relative
        named once), then the latest; without ``before``, the most recently named."""
        key = " ".join(name_words(text))
        ids = self.surnames.get(key) or self.given.get(key)
        if not ids:
            return None
        if before is None or len(ids) == 1:
            return _most_recent(self.entities, ids)
        named = [self.entities[i] for i in ids if self.entities[i].last_before(before) >= 0]
        if not named:
            return _most_recent(self.entities, ids)
        return max(
            named,
            key=lambda e: (
                e is previous,
                sum(1 for m in e.mentions if m.start < before),
                e.last_before(before),
            ),
        )

    def lookup_other(self, text: str) -> Entity | None:
        """The organisation or place named ``text`` ("Wealth-X", "the U.S.")."""
        key = " ".join(_key_words(text))
        for kind in ("ORG", "GPE", "LOC"):
            found = self.names.get(f"{kind}:{COUNTRY_VARIANTS.get(key, key)}")
            if found is not None:
                return self.entities[found]
        return None

    def add(self, type_: str, name: str, mention: Mention | None = None) -> Entity:
        """A new entity found outside the NER spans (a group, an untagged name).

        A new organisation is registered by name, so that ``lookup_other`` finds it the
        next time: two sources "a Pew survey" are one speaker Pew, not two."""
        entity = Entity(id=len(self.entities), type=type_, name=name, words=size_words(name))
        if mention is not None:
            mention.entity = entity.id
            entity.mentions.append(mention)
        if type_ == "PERSON":
            words = name_words(name)
            _register_person(self.surnames, self.given, entity, words)
        elif type_ in ("ORG", "GPE", "LOC") and (key := " ".join(_key_words(name))):
            self.names.setdefault(f"{type_}:{COUNTRY_VARIANTS.get(key, key)}", entity.id)
        entity.index_roles()
        self.entities.append(entity)
        return entity


def size_words(name: str) -> tuple[str, ...]:
    """The words of a name, lower-case (how full a name is)."""
    return tuple(name.lower().split())


def name_words(text: str) -> list[str]:
    """The words of a person's name, lower-case, without possessive or trailing commas."""
    words = [w.lower().replace("’", "'").rstrip(",") for w in text.split()]
    if words and words[-1].endswith("'s"):
        words[-1] = words[-1][:-2]
    return [w for w in words if w]


def split_name(words: list[str]) -> tuple[str | None, str]:
    """First name (None for one word) and surname ("von der leyen") of a person's name."""
    core = list(words)
    while len(core) > 1 and core[-1] in NAME_SUFFIXES:
        core.pop()
    i = len(core) - 1
    while i > 0 and core[i - 1] in NAME_PARTICLES:
        i -= 1
    first = core[0] if i > 0 else None
    return first, " ".join(core[i:])


def _extends(entity: Entity, words: tuple[str, ...]) -> bool:
    """Whether ``words`` is a fuller name of ``entity``: a person's must keep the first name
    ("Antony J. Blinken" for "Antony Blinken", not "Crooked Hillary Clinton")."""
    if entity.type != "PERSON" or not entity.words or len(entity.words) == 1:
        return True
    return words[0] == entity.words[0]


def _key_words(text: str) -> list[str]:
    """Words of an organisation or place name for matching: lower-case, no dots or article."""
    words = [w.lower().replace("’", "'").replace(".", "") for w in text.split()]
    words = [w[:-2] if w.endswith("'s") else w for w in words]
    return [w for w in words if w and w != "the"]


def _same_first(a: str, b: str) -> bool:
    """Whether two first names can be one person's: equal, a short form ("Joe"), an initial."""
    a, b = a.rstrip("."), b.rstrip(".")
    a, b = NICKNAMES.get(a, a), NICKNAMES.get(b, b)
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    return min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a))


def _most_recent(entities: list[Entity], ids: list[int]) -> Entity:
    return max((entities[i] for i in ids), key=lambda e: e.mentions[-1].start if e.mentions else -1)


def _name_gender(given: list[str]) -> str | None:
    """The gender of the first given name found in the name lists."""
    for word in given:
        if word in MALE_NAMES:
            return "m"
        if word in FEMALE_NAMES:
            return "f"
    return None


def _register_person(
    surnames: dict[str, list[int]], given: dict[str, list[int]], entity: Entity, words: list[str]
) -> None:
    first, surname = split_name(words)
    entity.first = entity.first or first
    entity.surname = entity.surname or surname
    # a double-barrelled surname is also found by its last part ("Zuma-Sambudla": Sambudla)
    keys = [surname, surname.rsplit("-", 1)[-1]] if "-" in surname else [surname]
    for key in keys:
        if entity.id not in surnames.setdefault(key, []):
            surnames[key].append(entity.id)
    for word in words[: len(words) - len(surname.split())]:
        ids = given.setdefault(word, [])
        if len(word.rstrip(".")) > 1 and word not in NAME_SUFFIXES and entity.id not in ids:
            ids.append(entity.id)
    if entity.gender is None:
        entity.gender = _name_gender(words[: len(words) - len(surname.split())] or words)


@dataclass(slots=True)
class _Raw:
    start: int
    end: int
    type: str
    label: str
    roles: list[str] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)
    gender: str | None = None
    in_title: bool = False
    #: Where the place or people an organisation belongs to starts: "Russia" in "Russia's
    #: Defense Ministry", "Russian" in "the Russian Defense Ministry" (the NER tags them apart).
    qualifier: int | None = None


def _trim(doc: Doc, start: int, end: int, label: str) -> tuple[int, int]:
    """Tokens of an entity span without leading articles or trailing possessives and marks."""
    keep_the = (
        label == "ORG"
        and doc[start].text == "The"
        and (not doc[start].is_sent_start or doc[end - 1].lower_ in _MEDIA)
    )
    if not keep_the:
        while start < end and doc[start].pos_ == "DET":
            start += 1
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct):
        end -= 1
    return start, end


def _looks_like_person(doc: Doc, start: int, end: int) -> bool:
    """Whether a non-PERSON span of several words is a person's name the NER mislabelled."""
    tokens = doc[start:end]
    if any(not t.is_title or t.pos_ != "PROPN" or not t.is_alpha for t in tokens):
        return False
    words = [t.lower_ for t in tokens]
    if len(words) > 3:
        return False
    if _role_after(doc, end):
        return True  # whatever its words: "Serhii Radio, a chemistry researcher"
    if any(w in ORG_NAME_WORDS for w in words):
        return False
    titled = start > 0 and is_title(doc[start - 1])
    return titled or words[0] in MALE_NAMES or words[0] in FEMALE_NAMES


def _role_after(doc: Doc, end: int) -> bool:
    """Whether an apposition right after a name gives a person's role: "Serhii Radio, a
    chemistry researcher at DonNU," (the NER took "Radio" for an organisation)."""
    if end + 2 >= len(doc) or doc[end].text != "," or doc[end + 1].lower_ not in ("a", "an"):
        return False
    head = doc[end + 1].head
    return head.i > end + 1 and head.dep_ == "appos" and head.lower_ in ROLE_WORDS


def honorific_gender(doc: Doc, start: int) -> str | None:
    """The gender the honorific before token ``start`` gives ("Mrs." f), if any."""
    if start > 0 and (word := norm_word(doc[start - 1].text)) in HONORIFICS:
        return HONORIFICS[word]
    return None


def _person_gender(doc: Doc, start: int, roles: list[str]) -> str | None:
    if (gender := honorific_gender(doc, start)) is not None:
        return gender
    words = {w for r in roles for w in norm_text(r).split()}
    if words & MALE_WORDS and not words & FEMALE_WORDS:
        return "m"
    if words & FEMALE_WORDS and not words & MALE_WORDS:
        return "f"
    return None


def _particle(token: Token) -> bool:
    """A name particle where it can only be one: lowercase, or opening a sentence."""
    if token.lower_ not in NAME_PARTICLES:
        return False
    return token.is_lower or (token.is_sent_start and token.lower_ not in PRESS_ARTICLES)


def _entity_spans(doc: Doc) -> list[tuple[int, int, str]]:
    """``(start, end, label)`` of the NER spans, with names cut at a particle made whole.

    The English model tags "Ursula von der" + "Leyen" (GPE), "von der" + "Leyen",
    "Von der Leyen" (ORG): each is the person "[Ursula] von der Leyen" here.
    """
    spans: list[tuple[int, int, str]] = []
    for ent in doc.ents:
        if spans and spans[-1][1] > ent.start:
            continue  # taken into the name before it
        start, end, label = ent.start, ent.end, ent.label_
        while start > 0 and _particle(doc[start - 1]):
            start -= 1
        if label == "PERSON" or _particle(doc[start]):
            while end < len(doc) and doc[end - 1].lower_ in NAME_PARTICLES:
                if not (doc[end].is_title or doc[end].lower_ in NAME_PARTICLES):
                    break
                end += 1
        if _particle(doc[start]):
            words = [t for t in doc[start:end] if t.lower_ not in NAME_PARTICLES]
            if len(words) == 1 and words[0].is_title:
                label = "PERSON"  # particles and one capitalised word: a surname, whatever its tag
        spans.append((start, end, label))
    return spans


def _without_headline_verbs(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """A name without the capitalised verbs a headline runs into it: "Obama Says" is Obama,
    "Hosting Cook" is Cook (a reporting or action verb in Title Case at either end). For
    people only: the names of places and organisations end in such words ("United States",
    "Consumer Reports", "Organization of American States")."""
    while end - start > 1 and doc[end - 1].is_title and reporting_word(doc[end - 1].text):
        end -= 1
    while (
        end - start > 1
        and doc[start].is_title
        and (doc[start].tag_ == "VBG" or reporting_word(doc[start].text))
    ):
        start += 1
    return start, end


def _typed_mentions(doc: Doc) -> list[_Raw]:
    """Step 1: the kept NER spans, trimmed and typed."""
    raws: list[_Raw] = []
    for ent_start, ent_end, label in _entity_spans(doc):
        if label not in KEPT:
            continue
        start, end = _trim(doc, ent_start, ent_end, label)
        if KEPT[label] == "PERSON":
            start, end = _without_headline_verbs(doc, start, end)
        name_start = start
        while end - name_start > 1 and is_title(doc[name_start]):
            name_start += 1
        kind = KEPT[label]
        if kind != "PERSON" and end - name_start > 1 and _looks_like_person(doc, name_start, end):
            kind = "PERSON"
        elif kind == "PERSON" and doc[end - 1].lower_.rstrip(".") in _COMPANY:
            kind = "ORG"  # "Globex Inc" tagged PERSON: a company by its last word
        if kind == "PERSON":
            start = name_start
        if start < end:
            raws.append(_Raw(start, end, kind, label))
    _qualify(doc, raws)
    # A one-word span is a person's surname once a person of that name is known.
    known = {name_words(doc[r.start : r.end].text)[-1] for r in raws if r.type == "PERSON"}
    for raw in raws:
        token = doc[raw.start]
        if raw.type != "PERSON" and raw.end - raw.start == 2 and _acronym(token):
            last = doc[raw.start + 1]
            if last.lower_ in known and last.is_title:
                raw.start += 1  # "MEC Mamabolo", "MP Okafor": a title in capitals, a surname
                token = last
        alone = raw.type != "PERSON" and raw.end - raw.start == 1
        if alone and token.lower_ in known and token.is_title:
            raw.type = "PERSON"  # whatever its tag: "Trump" is often a NOUN or VERB here
    return _missed_surnames(doc, _missed_names(doc, raws))


def _missed_names(doc: Doc, raws: list[_Raw]) -> list[_Raw]:
    """A person's name the NER missed, known by the office in apposition to it: "Royce
    Mendes, Desjardins Economics managing director, was more cautious" (two or more
    capitalised proper nouns, the subject of their clause)."""
    covered = {i for r in raws for i in range(r.start, r.end)}
    missed = []
    for token in doc:
        if token.dep_ not in ("nsubj", "nsubjpass") or token.pos_ != "PROPN" or token.i in covered:
            continue
        start = token.i
        while start > 0 and doc[start - 1].dep_ == "compound" and doc[start - 1].pos_ == "PROPN":
            start -= 1
        name = doc[start : token.i + 1]
        if len(name) < 2 or not all(t.is_title and t.i not in covered for t in name):
            continue
        if any(norm_word(t.text) in ORG_NAME_WORDS or is_title(t) for t in name):
            continue
        offices = [c for c in token.rights if c.dep_ == "appos"]
        if any(role_head(doc[c.left_edge.i : c.i + 1].text) in ROLE_WORDS for c in offices):
            missed.append(_Raw(start, token.i + 1, "PERSON", "PERSON"))
    return sorted(raws + missed, key=lambda r: r.start) if missed else raws


def _missed_surnames(doc: Doc, raws: list[_Raw]) -> list[_Raw]:
    """The surname of a person the text named in full, where the NER tagged nothing
    ("Katjavivi, one of Geingob's close friends, …" after "Peter Katjavivi")."""
    full = [r for r in raws if r.type == "PERSON" and r.end - r.start > 1]
    surnames = {doc[r.end - 1].lower_ for r in full if doc[r.end - 1].is_title}
    if not surnames:
        return raws
    covered = {i for r in raws for i in range(r.start, r.end)}
    first = min(r.start for r in full)
    missed = [
        _Raw(t.i, t.i + 1, "PERSON", "PERSON")
        for t in doc[first:]
        if t.lower_ in surnames
        and t.i not in covered
        and t.is_title
        and t.pos_ == "PROPN"
        and not t.ent_type_
        and not (t.i + 1 < len(doc) and doc[t.i + 1].pos_ == "PROPN")
    ]
    return sorted(raws + missed, key=lambda r: r.start) if missed else raws


def _qualify(doc: Doc, raws: list[_Raw]) -> None:
    """Give a state body the place or people right before it ("Russia's" or "Russian"
    + "Defense Ministry"), so that Russia's and Ukraine's defence ministries stay two."""
    for before, raw in zip(raws, raws[1:], strict=False):
        if raw.type != "ORG" or before.type not in ("GPE", "NORP"):
            continue
        if doc[raw.end - 1].lower_ not in STATE_BODIES:
            continue
        gap = doc[before.end : raw.start]
        if not len(gap) or (len(gap) == 1 and gap[0].tag_ == "POS"):
            raw.qualifier = before.start


def acronym_definitions(doc: Doc, raws: list[_Raw]) -> dict[str, str]:
    """Acronyms the text defines: "Immigration, Refugees and Citizenship Canada (IRCC)",
    "The Times of India (TOI)" — the lower-case acronym and the organisation's name. The
    acronym's letters are the name's initials, in order, starting with its first."""
    found: dict[str, str] = {}
    for raw in raws:
        if raw.type != "ORG" or raw.end + 2 >= len(doc) or doc[raw.end].text != "(":
            continue
        short, close = doc[raw.end + 1], doc[raw.end + 2]
        letters = short.text.lower()
        if close.text != ")" or not (short.is_alpha and short.text[:2].isupper()):
            continue
        name = _POSSESSIVE.sub("", " ".join(doc[raw.start : raw.end].text.split()))
        words = name.replace(",", " ").split()
        initials = "".join(w[0].lower() for w in words if w.lower() != "the")
        if (
            2 <= len(letters) <= 8
            and initials[:1] == letters[:1]
            and _subsequence(letters, initials)
        ):
            found.setdefault(letters, name)  # as ``_Builder.add`` names it
    return found


def _subsequence(short: str, long: str) -> bool:
    rest = iter(long)
    return all(c in rest for c in short)


def _acronym(token: Token) -> bool:
    """A word in capitals that may be a title before a name ("MEC", "MP", "CEO")."""
    return token.is_upper and token.is_alpha and 2 <= len(token) <= 5


def _raw_mentions(doc: Doc) -> list[_Raw]:
    """Steps 1-2: the kept NER spans, trimmed, typed and with their roles."""
    raws = _typed_mentions(doc)
    titles: set[int] = set()
    for raw in raws:
        if raw.type in ("PERSON", "ORG"):
            roles = roles_of(doc, raw.start, raw.end, person=raw.type == "PERSON")
            raw.roles, raw.anchors = roles.texts, roles.anchors
            if raw.type == "ORG" and _person_by_role(doc, raw):
                raw.type = "PERSON"  # "the company's CEO, Abdulaziz Jaafar" tagged ORG
            if raw.type == "PERSON" and roles.first is not None:
                titles.update(range(roles.first, raw.start))
        if raw.type == "PERSON":
            raw.gender = _person_gender(doc, raw.start, raw.roles)
    retyped = {doc[r.end - 1].lower_ for r in raws if r.type == "PERSON" and r.label == "ORG"}
    for raw in raws:
        alone = raw.type == "ORG" and raw.end - raw.start == 1
        if alone and retyped and doc[raw.start].lower_ in retyped:
            raw.type = "PERSON"  # the surname of a person the role showed ("Jaafar")
    kept = [r for r in raws if not _inside_title(doc, r, titles)]
    for raw in kept:
        raw.in_title = raw.start in titles
    return kept


def _person_by_role(doc: Doc, raw: _Raw) -> bool:
    """Whether an ORG span is a person's name by its role: two or more capitalised words,
    none an organisation's, with a person's office beside them ("CEO", "minister")."""
    words = doc[raw.start : raw.end]
    if len(words) < 2 or not all(t.is_title for t in words):
        return False
    if any(norm_word(t.text) in ORG_NAME_WORDS for t in words):
        return False
    return any(role_head(role) in ROLE_WORDS for role in raw.roles)


def _inside_title(doc: Doc, raw: _Raw, titles: set[int]) -> bool:
    """An ORG word that is part of a person's title: "State" in "Secretary of State"."""
    return (
        raw.type == "ORG"
        and raw.start in titles
        and raw.end - raw.start == 1
        and doc[raw.start - 1].lower_ in ("of", "for")
    )


class _Builder:
    """Steps 3-4: cluster mentions into entities, in document order."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.entities: list[Entity] = []
        self.mentions: list[Mention] = []
        self.surnames: dict[str, list[int]] = {}
        self.given: dict[str, list[int]] = {}
        self.keys: dict[str, int] = {}
        self.tails: dict[str, list[int]] = {}
        self.heads: dict[str, list[int]] = {}
        self.acronyms: dict[str, int] = {}
        #: Acronyms the text defines, to their names (``acronym_definitions``).
        self.definitions: dict[str, str] = {}

    def add(self, raw: _Raw) -> None:
        span = self.doc[raw.start : raw.end]
        named = span if raw.qualifier is None else self.doc[raw.qualifier : raw.end]
        text = _POSSESSIVE.sub("", " ".join(named.text.split()))
        entity = self._person(raw, text) if raw.type == "PERSON" else self._other(raw, text)
        mention = Mention(
            raw.start, raw.end, span.start_char, span.end_char, entity.id, raw.in_title
        )
        entity.mentions.append(mention)
        self.mentions.append(mention)
        add_roles(entity.roles, raw.roles)
        entity.anchors |= raw.anchors
        entity.gender = entity.gender or raw.gender
        words = size_words(text)
        if len(words) > len(entity.words) and _extends(entity, words):
            entity.name, entity.words = text, words

    def _new(self, raw: _Raw, name: str) -> Entity:
        entity = Entity(id=len(self.entities), type=raw.type, name=name, label=raw.label)
        entity.words = size_words(name)
        self.entities.append(entity)
        return entity

    def _person(self, raw: _Raw, text: str) -> Entity:
        """The person a name mention is: an earlier one with that surname (or given name),
        unless their genders differ ("Mr. Obama" is not Michelle Obama), else a new one."""
        words = name_words(text)
        key = " ".join(words)
        first, surname = split_name(words)
        gender = raw.gender or (_name_gender(words[:-1]) if len(words) > 1 else None)
        ids = self.surnames.get(key) or (self.given.get(key) if len(words) == 1 else None)
        ids = [i for i in ids or () if self._same_gender(i, gender)]
        if ids:
            return _most_recent(self.entities, ids)
        if len(words) == 1:
            entity = self._new(raw, text)
            _register_person(self.surnames, self.given, entity, words)
            return entity
        fits = [
            i
            for i in self.surnames.get(surname, [])
            if (self.entities[i].first is None or _same_first(self.entities[i].first, first or ""))
            and self._same_gender(i, gender)
        ]
        entity = _most_recent(self.entities, fits) if fits else self._new(raw, text)
        _register_person(self.surnames, self.given, entity, words)
        return entity

    def _same_gender(self, entity: int, gender: str | None) -> bool:
        other = self.entities[entity].gender
        return gender is None or other is None or other == gender

    def _other(self, raw: _Raw, text: str) -> Entity:
        words = _key_words(text)
        if len(words) == 1 and words[0] in self.definitions:
            text = self.definitions[words[0]]  # "IRCC", even before the text defines it
            words = _key_words(text)
        key = " ".join(words)
        key = f"{raw.type}:{COUNTRY_VARIANTS.get(key, key)}"
        if key in self.keys:
            return self.entities[self.keys[key]]
        entity = self._alias(raw, words)
        if entity is None:
            entity = self._new(raw, text)
            if raw.type == "ORG":
                self.tails.setdefault(words[-1], []).append(entity.id)
                self.heads.setdefault(words[0], []).append(entity.id)
                initials = "".join(w[0] for w in text.split() if w[:1].isupper())
                if len(initials) > 1 and len(words) > 1:
                    self.acronyms.setdefault(initials.lower(), entity.id)
        self.keys[key] = entity.id
        return entity

    def _alias(self, raw: _Raw, words: list[str]) -> Entity | None:
        """An earlier ORG this one abbreviates ("NATO"), ends ("the Times") or extends."""
        if raw.type != "ORG" or not words:
            return None
        if len(words) == 1 and words[0] in self.acronyms:
            return self.entities[self.acronyms[words[0]]]
        fits = []
        for i in {*self.tails.get(words[-1], []), *self.heads.get(words[0], [])}:
            known = _key_words(" ".join(self.entities[i].words))
            shorter, longer = sorted((known, words), key=len)
            tail = longer[len(longer) - len(shorter) :] == shorter
            head = longer[: len(shorter)] == shorter
            if tail or (head and set(longer[len(shorter) :]) <= _COMPANY):
                fits.append(i)
        return _most_recent(self.entities, fits) if fits else None


def build_index(doc: Doc) -> EntityIndex:
    """Every PERSON, ORG, GPE, NORP and LOC entity of ``doc``, with mentions and roles."""
    builder = _Builder(doc)
    raws = _raw_mentions(doc)
    builder.definitions = acronym_definitions(doc, raws)
    for raw in raws:
        if raw.end - raw.start == 1 and doc[raw.start].lower_ in builder.definitions:
            raw.type = "ORG"  # "PSPC" tagged PERSON
        builder.add(raw)
    words: dict[str, set[int]] = {}
    for entity in builder.entities:
        entity.index_roles()
        for word in entity.bag:
            words.setdefault(word, set()).add(entity.id)
    return EntityIndex(
        builder.entities, builder.mentions, words, builder.surnames, builder.given, builder.keys
    )
