"""Resolve one attribution's source text to an entity of the document.

``SourceResolver.resolve`` tries, for the source's head token:

1. a named mention at the head, after its title or in apposition to it ("US
   Secretary of State Antony Blinken", "The Kremlin spokesman, Dmitri Peskov");
2. a pronoun: relative ("Blinken, who said") through its antecedent, "I" inside
   a quote as that quote's speaker, personal by salience (``pronouns``);
3. a proper name the NER missed: a known surname or first name, else a new
   person (an organisation when a word of its name says so);
4. a document, poll or statement: whoever issued it, named in the source ("a survey
   from Robocorp") or as the subject that issued it before ("the label issued a
   statement" ... "the statement said");
5. a definite description matched against earlier roles (``descriptions``), a
   party or nationality noun ("the Republican") against their anchors; "the company"
   as the organisation that was the subject of the last sentences; an unnamed
   spokesperson or official as the organisation it speaks for ("a Kremlin spokesman");
6. otherwise a plural or collective description becomes a GROUP named by the
   source text ("Critics", "some Republicans", "the government").

What nothing resolves keeps its description (``SourceResolver.unnamed``): "a senior
official who spoke on condition of anonymity" is the UNNAMED speaker "a senior official",
"a study published last year" the DOCUMENT of that name, as the annotation guideline
asks ("if the text never names them, give the best description"). Neither is linked
across articles. A pronoun, or a source that is no noun phrase, stays unresolved.
"""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass

from spacy.tokens import Span, Token

from saidwhat.attribute.senses import ENGLISH, base_form
from saidwhat.model import Attribution
from saidwhat.resolve.context import Context
from saidwhat.resolve.descriptions import (
    Description,
    describe,
    match_affiliation,
    match_description,
)
from saidwhat.resolve.entities import Entity, Mention, honorific_gender, name_words
from saidwhat.resolve.lexicon import (
    COLLECTIVE,
    FEMALE_WORDS,
    MALE_WORDS,
    ORG_HEADS,
    ORG_NAME_WORDS,
    ROLE_QUALIFIERS,
    ROLE_WORDS,
    STATE_BODIES,
)
from saidwhat.resolve.pronouns import resolve_pronoun
from saidwhat.resolve.roles import is_title, norm_word

#: Entity labels of a proper-noun head that is no name of a speaker (NORP: "Republicans").
_NOT_NAMES = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
_NOT_NAMES |= {"NORP"}
#: "I said", inside a quote: the speaker of that quote.
_FIRST_PERSON = frozenset({"i", "me", "my"})
#: Nouns for a person, whose apposition names them even when the NER missed the name.
_PERSON_NOUNS = ROLE_WORDS | MALE_WORDS | FEMALE_WORDS
#: Longest group name kept with its "of" phrase, in tokens; longer ones keep the head only.
MAX_GROUP_NAME = 8
#: How many sentences back "the statement" looks for the one who issued it.
ISSUER_SENTENCES = 4
#: How many sentences back "the company" looks for the organisation the text is about.
RECENT_SENTENCES = 2
#: Heads of a source that speaks for an organisation, resolved to it when unnamed.
SPOKESPEOPLE = frozenset(
    {"spokesman", "spokeswoman", "spokesperson", "official", "representative", "source"}
)
#: Generic heads for a company ("the company", "the firm").
COMPANY_NOUNS = frozenset(
    {
        "company",
        "firm",
        "group",
        "business",
        "carmaker",
        "automaker",
        "retailer",
        "airline",
        "bank",
        "lender",
        "insurer",
        "startup",
        "manufacturer",
    }
)
#: Generic heads for a news outlet ("the paper").
MEDIA_NOUNS = frozenset({"paper", "newspaper", "outlet", "broadcaster", "magazine"})
#: Heads of a description of a person by what they are ("the expert", "the victim").
PERSON_HEADS = frozenset(
    [
        "expert",
        "victim",
        "lawyer",
        "fan",
        "mother",
        "father",
        "son",
        "daughter",
        "wife",
        "husband",
        "woman",
        "man",
        "girl",
        "boy",
        "teenager",
        "student",
        "teacher",
        "doctor",
        "nurse",
        "resident",
        "worker",
        "owner",
        "driver",
        "witness",
        "survivor",
        "founder",
        "chief",
        "executive",
        "author",
        "writer",
        "singer",
        "actor",
        "actress",
        "star",
        "player",
        "coach",
        "economist",
        "analyst",
        "official",
        "politician",
        "candidate",
        "lawmaker",
        "minister",
        "governor",
        "mayor",
        "senator",
        "veteran",
        "activist",
        "researcher",
        "scientist",
        "professor",
        "investor",
        "entrepreneur",
    ]
)


@dataclass(frozen=True, slots=True)
class Resolution:
    """The entity a source refers to, and whether the source text is a new mention of it."""

    entity: Entity | None
    linked: bool = False


def _antecedent(relative: Token) -> Token | None:
    """The noun a relative pronoun stands for: "Blinken" in "Blinken, who said"."""
    token = relative
    for _ in range(4):
        if token.dep_ in ("relcl", "acl"):
            return token.head if token.head.pos_ in ("NOUN", "PROPN") else None
        if token.head.i == token.i:
            return None
        token = token.head
    return None


def _named_before(entity: Entity, token: int) -> int:
    """How many times ``entity`` was mentioned before ``token``: in news a bare surname
    several people share ("Fischer") is the article's principal, named most, not the
    relative named last."""
    return sum(1 for m in entity.mentions if m.start < token)


def _linking(token: Token) -> bool:
    """A preposition that puts a name beside a title, not in it ("for", "to"; not "of")."""
    return token.pos_ == "ADP" and token.lower_ != "of"


def _long_name(span: Span, token: Token) -> bool:
    """Whether ``token`` ends a name of several capitalised words ("Tyrone Pike"), not a
    title in capitals ("Prime Minister")."""
    previous = token.doc[token.i - 1] if token.i > span.start else None
    return (
        previous is not None
        and previous.pos_ == "PROPN"
        and previous.is_title
        and not (_title_word(previous) and is_title(token))
    )


def _addressed(token: Token, span: Span) -> bool:
    """Whether ``token`` sits in a "to …" phrase inside ``span``: whom a document went to."""
    return any(
        t.lower_ == "to" and t.dep_ == "prep" and span.start <= t.i < span.end
        for t in token.ancestors
    )


def _owned_body(root: Token) -> bool:
    """A state body or organisation named by whose it is: "India's embassy", "Ukraine's
    state emergency service" (a country or organisation in the possessive)."""
    if norm_word(root.text) not in STATE_BODIES or root.tag_ in ("NNS", "NNPS"):
        return False
    return any(c.dep_ == "poss" and c.ent_type_ in ("GPE", "NORP", "ORG") for c in root.children)


def _title_word(token: Token) -> bool:
    """A word of a title in capitals: "Prime" or "Minister" in "Prime Minister"."""
    return is_title(token) or norm_word(token.text) in ROLE_QUALIFIERS


def _describes_person(description: Description, root: Token) -> bool:
    """Whether a singular definite description names a person by what they are ("the
    expert", "the 37-year-old", "the young lawyer", "the Republican nominee")."""
    head = description.head
    return head in PERSON_HEADS or head in ROLE_WORDS or _aged(root)


def _aged(root: Token) -> bool:
    """An age as a noun ("the 37-year-old"), one token or split at its hyphens ("37", "-",
    "year", "-", "old")."""
    if root.lower_.endswith("-old"):
        return True
    doc, i = root.doc, root.i
    if root.lower_ != "old" or i < 2 or doc[i - 1].text != "-":
        return False
    return doc[i - 2].lower_ in ("year", "years")


def _media(entity: Entity) -> bool:
    """Whether an organisation's name says it is a news outlet ("Reuters", "The Times")."""
    return any(w in ORG_HEADS["outlet"] for w in entity.name.lower().split())


def _other_gender(description: Description, entity: Entity) -> bool:
    return bool(description.gender and entity.gender and description.gender != entity.gender)


class SourceResolver:
    """Resolve sources in document order; groups are shared across the document."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.groups: dict[str, Entity] = {}
        #: The speaker of the last resolved statement, however far back (set by the caller).
        self.last_speaker: Entity | None = None
        #: The last of those speakers who is a person.
        self.last_person: Entity | None = None

    def resolve(
        self, attribution: Attribution, previous: Entity | None, enclosing: Entity | None = None
    ) -> Resolution:
        """The entity the source of ``attribution`` refers to. ``previous``: the last speaker
        nearby; ``enclosing``: the speaker of a quote this attribution sits in."""
        if attribution.source is None:
            return Resolution(None)
        for start, end in attribution.source.spans:
            span = self.ctx.span(start, end)
            if span is not None:
                found = self._span(span, attribution, previous, enclosing)
                if found.entity is not None:
                    return found
        return Resolution(None)

    def _span(
        self,
        span: Span,
        attribution: Attribution,
        previous: Entity | None,
        enclosing: Entity | None = None,
    ) -> Resolution:
        root = span.root
        # 1. a name
        named = self._named(span, root, previous)
        if named is not None:
            return Resolution(named)
        # 2. a pronoun: relative ("Blinken, who said"), first person inside a quote, or personal
        if root.tag_ in ("WP", "WDT", "WP$"):
            antecedent = _antecedent(root)
            if antecedent is None:
                return Resolution(None)
            phrase = self.ctx.doc[antecedent.left_edge.i : antecedent.i + 1]
            found = self._span(phrase, attribution, previous)
            return Resolution(found.entity, linked=found.entity is not None)
        if root.lower_ in _FIRST_PERSON:
            return Resolution(enclosing, linked=enclosing is not None)
        if root.pos_ == "PRON":
            found = resolve_pronoun(self.ctx, root, attribution, previous, self.last_speaker)
            return Resolution(found, linked=True)
        # 3. a name the NER missed (or the tagger took for a common noun: "Trump said"). A
        # plural-looking proper noun ("Democrats") is a new name only if none is known:
        # "Benes ruled out" (tagged NNPS for its -s) is Karol Benes when he was named before.
        if root.ent_type_ not in _NOT_NAMES:
            new_name = not is_title(root) or _long_name(span, root)
            if root.tag_ != "NNPS" and root.pos_ == "PROPN" and new_name:
                return Resolution(self._proper(span, root, create=True, previous=previous))
            known = root.is_title and self._proper(span, root, create=False, previous=previous)
            if known:
                return Resolution(known)
        # 4. a document, poll or statement: whoever issued it
        if root.pos_ in ("NOUN", "PROPN") and base_form(root.text) in ENGLISH.documents:
            issuer = self._issuer(span, root, attribution, previous)
            if issuer is not None:
                return Resolution(issuer)
        # 5.-6. a description, or a group
        return self._description(span, root, attribution, previous)

    def _issuer(
        self, span: Span, root: Token, attribution: Attribution, previous: Entity | None
    ) -> Entity | None:
        """Who issued the document a source names: named in the source ("a survey from
        Robocorp", "data released by the NCRB", "her research", "a Reuters report"), or, for
        "the statement", the subject that issued, released or sent that document before
        ("the ministry issued a statement", "the ministry said in a statement")."""
        index, doc = self.ctx.index, self.ctx.doc
        for mention in index.between(span.start, span.end):
            if _addressed(doc[mention.start], span):
                continue  # "the Conservatives' letter to Daniel Greenberg": not its issuer
            if index.entities[mention.entity].type in ("PERSON", "ORG"):
                return self._namesake(mention, previous)
        for child in root.children:
            if child.dep_ == "poss" and child.pos_ == "PRON":
                found = self._span(doc[child.i : child.i + 1], attribution, previous)
                return found.entity
            named = child.pos_ == "PROPN" or child.is_title and child.i > span.start
            if child.dep_ == "compound" and named and child.i >= span.start:
                return self._organisation(span, child)  # "a Pew survey"
        if not any(c.lower_ in ("the", "this", "that") for c in root.children):
            return None
        word = base_form(root.text)
        first = self.ctx.sentence_start(self.ctx.sentence(root.i) - ISSUER_SENTENCES)
        for token in reversed(doc[first : span.start]):
            if token.pos_ != "NOUN" or base_form(token.text) != word:
                continue
            verb = token.head
            if token.dep_ == "pobj" and verb.dep_ == "prep":  # "X said in a statement"
                verb = verb.head
            subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            issued = token.dep_ == "dobj" or token.head.lower_ in ("in", "through", "via")
            if issued and subject is not None and subject.pos_ != "PRON":
                phrase = doc[subject.left_edge.i : subject.i + 1]
                return self._span(phrase, attribution, previous).entity
            for mention in index.between(token.left_edge.i, token.i):
                if index.entities[mention.entity].type in ("PERSON", "ORG"):
                    return self._namesake(mention, previous)  # "a Reuters report" before
            return None
        return None

    def _named(self, span: Span, root: Token, previous: Entity | None) -> Entity | None:
        """The entity named at the head of the source, in apposition to it, or after its title
        ("Speaker of the House Rep. Paul Ryan")."""
        index = self.ctx.index
        if (titled := self._titled_at_end(span)) is not None:
            return self._namesake(titled, previous)
        if (leading := self._leading_person(span)) is not None:
            return self._namesake(leading, previous)
        mention = index.at(root.i)
        if mention is not None and index.entities[mention.entity].type != "NORP":
            named = self._namesake(mention, previous)
            if named.type != "PERSON" and (person := self._comma_person(span, mention)):
                return person  # "the Lindi Municipal Director, Jomaary Satura"
            return named
        if root.tag_ in ("NNS", "NNPS"):
            return None  # "critics, including Blinken": an example, not the source
        if is_title(root):
            for mention in index.between(root.i, span.end):
                between = self.ctx.doc[root.i + 1 : mention.start]
                if any(t.pos_ in ("VERB", "AUX") or _linking(t) for t in between):
                    break  # "A spokesman for Mr. Trump", "a reporter who worked for Bannon"
                if index.entities[mention.entity].type == "PERSON":
                    return index.entities[mention.entity]
        return self._apposed(span, root)

    def _titled_at_end(self, span: Span) -> Mention | None:
        """A person's name ending the source after a title ("Democratic Party for the People
        leader Yuichiro Tamaki"): the person, whatever the parse made the head."""
        mentions = self.ctx.index.between(span.start, span.end)
        if not mentions:
            return None
        last = mentions[-1]
        doc = self.ctx.doc
        if self.ctx.index.entities[last.entity].type != "PERSON" or last.start <= span.start:
            return None
        if not all(t.is_punct or t.is_space for t in doc[last.end : span.end]):
            return None
        before = doc[last.start - 1]
        # a preposition puts the name beside the words before it, not in them
        linking = any(_linking(t) for t in doc[span.start : last.start])
        if before.text == "," and norm_word(span.root.text) in ROLE_WORDS:
            # "the former editor of the Standard, George Osborne"; not "the lawyer for the
            # victim, Jane Doe" (the name may be the victim's)
            return None if linking else last
        if not (is_title(before) or norm_word(before.text) in ROLE_WORDS):
            # A common noun before the name describes its bearer ("next door neighbour
            # Doris Zibulka")
            described = before.pos_ == "NOUN" and before.is_lower
            if not described or linking:
                return None
        # Not someone else's aide: "a spokesman for Minister Joe Smith", "the wife of President
        # Obama" (the words before the title run end at a preposition).
        i = before.i
        while i > span.start and (doc[i].pos_ == "PROPN" or is_title(doc[i])):
            i -= 1
        return None if doc[i].pos_ == "ADP" or doc[i].tag_ == "POS" else last

    def _leading_person(self, span: Span) -> Mention | None:
        """A person's name opening the source before a comma and a description ("Chad Hawk,
        vice president of PMG, a grading company"), whatever the parse made the head; not a
        list of names ("Smith, Jones and Brown")."""
        mentions = self.ctx.index.between(span.start, span.end)
        doc = self.ctx.doc
        if not mentions or mentions[0].start != span.start or mentions[0].end + 1 >= span.end:
            return None
        first = mentions[0]
        comma, after = doc[first.end], doc[first.end + 1]
        if self.ctx.index.entities[first.entity].type != "PERSON" or comma.text != ",":
            return None
        return first if after.is_lower or after.pos_ == "DET" else None

    def _comma_person(self, span: Span, mention: Mention) -> Entity | None:
        """A person named right after ``mention`` and a comma inside the source: the title
        the NER took for an organisation, then the name ("the Lindi Municipal Director,
        Jomaary Satura")."""
        index = self.ctx.index
        for other in index.between(mention.end, span.end):
            between = self.ctx.doc[mention.end : other.start]
            if index.entities[other.entity].type == "PERSON" and all(t.is_punct for t in between):
                return index.entities[other.entity] if len(between) else None
            break
        return None

    def _apposed(self, span: Span, root: Token) -> Entity | None:
        """A name in apposition inside the source: "A spokeswoman for the chamber, Maria Holm"
        (not "a spokesman for Blinken" nor "Blinken's spokesman")."""
        index = self.ctx.index
        word = norm_word(root.text)
        # An organisation noun takes an organisation's name, another noun a person's.
        wanted = {"ORG"} if word in COLLECTIVE else {"PERSON"}
        if root.pos_ not in ("NOUN", "PROPN"):
            wanted = {"ORG", "PERSON"}  # "One of them, UnitedHealth Group"
        for mention in index.between(span.start, span.end):
            tokens = self.ctx.doc[mention.start : mention.end]
            if index.entities[mention.entity].type in wanted and any(
                t.dep_ == "appos" and not mention.start <= t.head.i < mention.end for t in tokens
            ):
                return index.entities[mention.entity]
        if "PERSON" not in wanted:
            return None
        for child in root.rights:
            # "his son, Grant", "a supporter, Tyrone Pike"; not "his book, The Art"
            named = word in _PERSON_NOUNS or _long_name(span, child)
            if child.dep_ == "appos" and child.pos_ == "PROPN" and child.i < span.end and named:
                return self._proper(span, child, create=True)
        return None

    def _namesake(self, mention: Mention, previous: Entity | None) -> Entity:
        """The entity of a name mention; a bare surname several people share ("Johnson") goes
        to the previous speaker when it is one of them, else to the one named last."""
        index = self.ctx.index
        entity = index.entities[mention.entity]
        words = name_words(self.ctx.doc[mention.start : mention.end].text)
        ids = index.surnames.get(" ".join(words), []) if entity.type == "PERSON" else []
        gender = honorific_gender(self.ctx.doc, mention.start)  # "Mrs. Obama" is no Mr. Obama
        ids = [i for i in ids if gender is None or index.entities[i].gender in (None, gender)]
        if len(ids) < 2 or len(words) != 1:
            return entity
        best = max(
            (index.entities[i] for i in ids),
            key=lambda e: (
                e is previous,
                _named_before(e, mention.start),
                e.last_before(mention.start),
            ),
        )
        if best is not entity:
            entity.mentions.remove(mention)
            mention.entity = best.id
            insort(best.mentions, mention, key=lambda m: m.start)
        return best

    def _proper(
        self, span: Span, root: Token, *, create: bool, previous: Entity | None = None
    ) -> Entity | None:
        """A known person by surname or first name; else, with ``create``, a new entity."""
        doc = self.ctx.doc
        start = root.i
        while start > span.start and doc[start - 1].pos_ == "PROPN":
            if is_title(doc[start - 1]):
                break
            start -= 1
        name = doc[start : root.i + 1]
        mention = Mention(start, root.i + 1, name.start_char, name.end_char, -1)
        organisation = any(w in ORG_NAME_WORDS for w in name_words(name.text))
        index = self.ctx.index
        known = None
        if not organisation:
            known = index.lookup_person(
                name.text, before=start, previous=previous
            ) or index.lookup_person(root.text, before=start, previous=previous)
        known = known or index.lookup_other(span.text) or index.lookup_other(name.text)
        if known is None:
            if not create:
                return None
            return index.add("ORG" if organisation else "PERSON", name.text, mention)
        mention.entity = known.id
        insort(known.mentions, mention, key=lambda m: m.start)
        return known

    def _organisation(self, span: Span, root: Token) -> Entity:
        """The organisation a proper noun names inside a source ("Pew" in "a Pew survey",
        "Kremlin" in "a Kremlin spokesman"): the known one, else a new organisation."""
        doc = self.ctx.doc
        start = root.i
        while start > span.start and doc[start - 1].pos_ == "PROPN":
            start -= 1
        name = doc[start : root.i + 1]
        index = self.ctx.index
        known = index.lookup_other(name.text)
        if known is not None:
            return known
        mention = Mention(start, root.i + 1, name.start_char, name.end_char, -1)
        return index.add("ORG", name.text, mention)

    def _behind(self, span: Span, root: Token, attribution: Attribution) -> Entity | None:
        """The organisation an unnamed spokesperson or official speaks for: named in the
        source ("a Kremlin spokesman", "a spokeswoman for the ministry", "a White House
        official")."""
        index = self.ctx.index
        for mention in index.between(span.start, span.end):
            if index.entities[mention.entity].type in ("ORG", "GPE"):
                return index.entities[mention.entity]
        for child in root.children:
            if child.dep_ == "compound" and child.pos_ == "PROPN":
                return self._organisation(span, child)
            if child.dep_ == "prep" and child.lower_ in ("for", "of", "at", "from"):
                obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if obj is not None and obj.i < span.end:
                    phrase = self.ctx.doc[obj.left_edge.i : obj.i + 1]
                    found = self._span(phrase, attribution, None).entity
                    if found is not None and found.type in ("ORG", "GPE", "GROUP"):
                        return found
        return None

    def _recent_company(
        self, span: Span, *, any_role: bool = False, media: bool = False
    ) -> Entity | None:
        """The organisation the text was just about: "the company" after "Globex opened a
        plant" is Globex, not another company named further back. With ``any_role``, the
        last organisation named in those sentences when none was a subject; a news outlet
        only for ``media`` ("the paper"): "the airline" is not the Reuters it "told"."""
        index = self.ctx.index
        sentence = self.ctx.sentence(span.start)
        first = self.ctx.sentence_start(sentence - RECENT_SENTENCES)
        named = [index.entities[m.entity] for m in index.between(first, span.start)]
        for mention in reversed(index.between(first, span.start)):
            entity = index.entities[mention.entity]
            token = self.ctx.doc[mention.end - 1]
            if entity.type == "ORG" and token.dep_ in ("nsubj", "nsubjpass"):
                return entity
        if any_role:
            return next(
                (e for e in reversed(named) if e.type == "ORG" and (media or not _media(e))),
                None,
            )
        return None

    def _description(
        self, span: Span, root: Token, attribution: Attribution, previous: Entity | None
    ) -> Resolution:
        if root.pos_ not in ("NOUN", "PROPN") and not _aged(root):
            return Resolution(None)
        description = describe(span, root)
        if description.plural:
            return Resolution(self._group(span, root), linked=True)
        spokesperson = description.head in SPOKESPEOPLE
        if description.indefinite:
            return Resolution(self._behind(span, root, attribution) if spokesperson else None)
        if description.head in COMPANY_NOUNS and (recent := self._recent_company(span)):
            return Resolution(recent, linked=True)
        if root.ent_type_ == "NORP":
            entity = match_affiliation(self.ctx, description, span.start)
            return Resolution(entity, linked=entity is not None)
        entity = match_description(self.ctx, description, span.start)
        if entity is not None:
            return Resolution(entity, linked=True)
        if spokesperson and (behind := self._behind(span, root, attribution)) is not None:
            return Resolution(behind)
        if description.organisation and description.head in COMPANY_NOUNS | MEDIA_NOUNS:
            media = description.head in MEDIA_NOUNS
            recent = self._recent_company(span, any_role=True, media=media)
            return Resolution(recent, linked=recent is not None)
        floor = previous if previous is not None and previous.type == "PERSON" else None
        if floor is None and self.last_person is not None:
            # no person spoke nearby ("the experts advise" between): the last person who
            # spoke, unless a role of theirs says otherwise ("the teacher" is no mayor)
            roles = self.last_person.bag  # the words of their roles
            floor = self.last_person if not roles or description.head in roles else None
        if (
            _describes_person(description, root)
            and floor is not None
            and floor.type == "PERSON"
            and not _other_gender(description, floor)
        ):
            # "the 37-year-old", "the expert", "the lawyer": the person who has the floor,
            # or who spoke last when nobody spoke nearby
            return Resolution(floor, linked=True)
        if _owned_body(root):
            return Resolution(self._body(span, root), linked=True)
        if description.organisation:
            return Resolution(self._group(span, root), linked=True)
        return Resolution(None)

    def _body(self, span: Span, root: Token) -> Entity:
        """The organisation a source names by its owner and kind ("India's embassy in
        Washington", "Ukraine's state emergency service"): one ORG by that name."""
        end = root.i + 1
        for child in root.rights:
            if child.dep_ == "prep" and child.lower_ in ("in", "of") and child.i == end:
                end = min(child.right_edge.i + 1, span.end)
        start = span.start + (self.ctx.doc[span.start].lower_ == "the")
        name = " ".join(self.ctx.doc[start:end].text.split()).strip(" ,;:")
        found = self.ctx.index.lookup_other(name)
        return found if found is not None else self.ctx.index.add("ORG", name)

    def unnamed(self, attribution: Attribution) -> Entity | None:
        """The description a source nothing resolved gives of its speaker: an UNNAMED
        speaker ("a local doctor"), or a DOCUMENT ("a study published last year"); None
        when the source is no noun phrase ("he", "by Jeffrey Epstein")."""
        if attribution.source is None:
            return None
        start, end = attribution.source.spans[0]
        span = self.ctx.span(start, end)
        if span is None:
            return None
        root = span.root
        if root.pos_ != "NOUN" or span[0].pos_ in ("ADP", "PRON", "VERB", "AUX", "CCONJ"):
            return None
        if any(t.pos_ == "DET" for t in span[1 : root.i - span.start]):
            return None  # "Tessa the best time": words run together, no description
        if base_form(root.text) in ENGLISH.documents:
            return self._group(span, root, "DOCUMENT")
        entity = self._group(span, root, "UNNAMED")
        description = describe(span, root)
        if description.gender or _describes_person(description, root):
            entity.label = "PERSON"  # a person ("the woman", "a local doctor"), not a thing
            entity.gender = entity.gender or description.gender
        return entity

    def _group(self, span: Span, root: Token, type_: str = "GROUP") -> Entity:
        """The GROUP named by a source: its text up to the head noun and an "of" phrase after
        it ("dozens of papers", "Critics of the plan"), without clauses that follow; an
        UNNAMED speaker or DOCUMENT also keeps a "for" phrase ("a spokesman for the
        ministry")."""
        doc = self.ctx.doc
        end = root.i + 1
        while end < span.end and (doc[end].text == "-" or doc[end - 1].text == "-"):
            end += 1  # "Ex-friends", parsed as three words
        if end < span.end and doc[end].dep_ == "nummod" and doc[end].head.i == root.i:
            end += 1  # "Number 10"
        phrases = ("of",) if type_ == "GROUP" else ("of", "for")
        for child in root.rights:
            if child.dep_ == "prep" and child.lower_ in phrases and child.i == end:
                objects = [c.i for c in child.children if c.dep_ == "pobj" and c.i < span.end]
                end = objects[0] + 1 if objects else end
        if end - span.start > MAX_GROUP_NAME:
            end = root.i + 1
        name = " ".join(doc[span.start : end].text.split()).strip(" ,;:")
        key = f"{type_} {name.lower()}"
        if key not in self.groups:
            self.groups[key] = self.ctx.index.add(type_, name)
        return self.groups[key]
