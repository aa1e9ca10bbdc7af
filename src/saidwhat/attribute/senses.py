"""The sense of a cue: is the verb reporting speech or a stated position, or something else?

News reuses reporting syntax for acts that are not statements: "SoftBank agreed to
inject $6.5bn", "footage shows", "he handed me a novel", "the company plans to". A cue
is classed by the word that carries it (its verb, or its noun for "a belief that",
its preposition phrase for "according to"); the classes are features of the
statement scorer (``attribute/statements.py``), which weighs them with the source and
the rest of the candidate.

The word lists are English news usage; another language brings its own ``CueLexicon``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from spacy.tokens import Span, Token


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True, slots=True, eq=False)
class CueLexicon:
    """The word lists that class a cue, for one language."""

    #: Verbs of saying, writing, claiming and other communicative acts.
    speech: frozenset[str]
    #: Verbs of a held position: reported as a statement when the source is a person or body.
    belief: frozenset[str]
    #: Verbs a document, poll or study states something with ("the survey found that").
    finding: frozenset[str]
    #: Verbs and nouns of acts, plans, decisions and perception: not statements by themselves.
    act: frozenset[str]
    #: Nouns of a document, poll, study or report that can be a source.
    documents: frozenset[str]
    #: Cues that are phrases: "according to", "citing".
    phrases: frozenset[str]
    #: Punctuation that stands for "said": the dash that signs a quotation (“…” ― Name).
    signatures: frozenset[str]
    #: Phrasal verbs of speech, as "verb particle" ("rule out", "call for").
    phrasal_speech: frozenset[str]
    #: Words that put a cue in the future or the conditional ("will seek", "could say").
    modals: frozenset[str]
    #: First and second person pronouns: the author's own voice outside quotes.
    personal: frozenset[str]
    #: Irregular forms to their base ("said" -> "say").
    irregular: dict[str, str]


ENGLISH = CueLexicon(
    speech=_words(
        """
        say tell add state note explain announce ask reply respond answer write tweet post declare
        claim insist argue maintain contend warn deny confirm admit acknowledge accuse urge
        describe stress emphasize emphasise recall predict promise vow pledge complain comment
        remark report testify allege assert concede disagree criticize criticise condemn praise
        blame dismiss question challenge speculate mention recount quip joke boast lament
        reiterate repeat echo underline caution advise recommend propose demand threaten inform
        notify brief counter retort disclose divulge exclaim shout scream whisper cry sing chant
        voice clarify apologize apologise hail slam blast lambast decry denounce rebuke refute
        rebut dispute contest object protest plead appeal call suggest reveal tout laud applaud
        welcome thank concur agree affirm reaffirm assure reassure swear observe opine muse
        recommend interview quote cite lecture preach tease hint signal suggest estimate forecast
        project calculate tell
        """
    ),
    belief=_words(
        """
        believe think feel hope fear worry doubt suspect reckon expect want wish consider view
        regard insist accept understand agree
        """
    ),
    finding=_words(
        """
        find show indicate suggest reveal conclude estimate report demonstrate confirm document
        state say note find project forecast predict calculate record list
        """
    ),
    act=_words(
        """
        agree plan decide intend aim seek try attempt sign order approve vote pass launch commit
        prohibit invest hand give offer provide watch hear notice discover learn witness display
        record cover look wonder know remember charge name elect appoint hire fire arrest
        sentence convict rule ban block build make take buy sell pay raise cut release publish
        open close begin start stop end lead follow join leave visit meet see spend prepare
        expect intended design develop create introduce implement enact deploy allocate
        """
    ),
    documents=_words(
        """
        report study survey poll research analysis paper data statement filing filings document
        documents letter memo memorandum review audit assessment investigation inquiry census
        index ranking figures statistics estimate estimates projection projections forecast
        model findings release communique communiqué ruling judgment judgement verdict decision
        guidance guidelines website site notice post blog book article proclamation order
        affidavit complaint lawsuit suit indictment petition manifesto budget plan transcript
        minutes record records
        """
    ),
    phrases=_words("according citing per quoting"),
    signatures=frozenset("―—–"),
    phrasal_speech=frozenset(
        {
            "rule out",
            "call for",
            "call on",
            "point out",
            "speak out",
            "lash out",
            "hit out",
            "weigh in",
            "sound off",
            "play down",
            "talk up",
            "spell out",
            "fire back",
            "push back",
        }
    ),
    modals=_words("will would could might may shall should can must 'll wo ca"),
    personal=_words("i me my we us our you your yourself yourselves myself ourselves"),
    irregular={
        "said": "say",
        "says": "say",
        "told": "tell",
        "wrote": "write",
        "written": "write",
        "thought": "think",
        "found": "find",
        "shown": "show",
        "saw": "see",
        "seen": "see",
        "knew": "know",
        "known": "know",
        "felt": "feel",
        "spoke": "speak",
        "spoken": "speak",
        "gave": "give",
        "given": "give",
        "made": "make",
        "took": "take",
        "taken": "take",
        "sought": "seek",
        "heard": "hear",
        "swore": "swear",
        "sworn": "swear",
        "sang": "sing",
        "sung": "sing",
        "began": "begin",
        "led": "lead",
        "left": "leave",
        "met": "meet",
        "paid": "pay",
        "sold": "sell",
        "bought": "buy",
        "built": "build",
        "spent": "spend",
        "understood": "understand",
        "underlined": "underline",
    },
)


@cache
def _base_forms(word: str, lexicon: CueLexicon = ENGLISH) -> tuple[str, ...]:
    """Candidate base forms of an inflected word ("warned" -> warn, "argues" -> argue)."""
    word = word.lower()
    if word in lexicon.irregular:
        return (lexicon.irregular[word],)
    forms = [word]
    for suffix, replacement in (
        ("ies", "y"),
        ("ied", "y"),
        ("es", ""),
        ("es", "e"),
        ("s", ""),
        ("ed", ""),
        ("ed", "e"),
        ("d", ""),
        ("ing", ""),
        ("ing", "e"),
    ):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)] + replacement
            forms.append(stem)
            if len(stem) > 2 and stem[-1] == stem[-2]:  # "submitted" -> submit
                forms.append(stem[:-1])
    return tuple(dict.fromkeys(forms))


def base_form(word: str, lexicon: CueLexicon = ENGLISH) -> str:
    """The base form of ``word`` that one of the lexicon's lists knows, else the word."""
    known = lexicon.speech | lexicon.belief | lexicon.finding | lexicon.act
    for form in _base_forms(word, lexicon):
        if form in known or form in lexicon.documents:
            return form
    return word.lower()


def reporting_word(word: str, lexicon: CueLexicon = ENGLISH) -> bool:
    """Whether ``word`` is an inflected verb of speech or belief ("Says", "Warns", "Slams"):
    never the end of a name. Base forms alone ("Call", "Warn") are left out: they are names
    too often."""
    lower = word.lower()
    base = base_form(lower, lexicon)
    return base != lower and (base in lexicon.speech or base in lexicon.belief)


def phrasal(word: Token, lexicon: CueLexicon = ENGLISH) -> str | None:
    """The phrasal verb ``word`` heads, when it is one of speech ("ruled out" -> rule out)."""
    for child in word.children:
        if child.dep_ in ("prt", "prep") and child.i == word.i + 1:
            for form in _base_forms(word.text, lexicon):
                if f"{form} {child.lower_}" in lexicon.phrasal_speech:
                    return f"{form} {child.lower_}"
    return None


def cue_word(cue: Span) -> Token:
    """The word that carries a cue: its last main verb, else its head ("a belief", "according")."""
    verbs = [t for t in cue if t.pos_ == "VERB"]
    return verbs[0] if verbs else cue.root
