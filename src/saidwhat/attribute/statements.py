"""Is a candidate a statement? A calibrated probability, from features of the candidate.

The taggers and rules propose candidates: most are attributed statements, many are
not — acts, plans and perceptions read as cues ("agreed to inject", "footage shows"),
the author's own voice ("I think", "you should"), headline words and fragments. Each
candidate gets features (``features``): how it was found, its kind, whether it has a
cue, a source and a resolved speaker, the sense of its cue (``senses``), who its
source is, what its content looks like and where it stands (a headline-like line).
A logistic model over them, fitted on hand-annotated real news pages
(``training/train_statements.py``, ``evaluation/realnews/``), gives the probability
that the candidate is a statement of the gold; that is ``Attribution.confidence``.
The weights ship in ``statement_weights.json``.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache, lru_cache
from pathlib import Path

from spacy.tokens import Doc, Span

from saidwhat.attribute.senses import ENGLISH, CueLexicon, base_form, cue_word, phrasal
from saidwhat.model import UNNAMED_TYPES, Attribution

WEIGHTS = Path(__file__).resolve().parent / "statement_weights.json"


@cache
def _shipped() -> dict:
    return json.loads(WEIGHTS.read_text(encoding="utf-8"))


#: The threshold below which statements are left out by default, chosen for precision on
#: the real-news dev pages (``training/train_statements.py``).
DEFAULT_MIN_CONFIDENCE: float = _shipped()["threshold"]
_END_OF_SENTENCE = re.compile(r"[.!?…:;\"”’»)]\s*$")


def load_weights() -> dict[str, float]:
    """The shipped model: a weight per feature name and ``bias``."""
    return _shipped()["weights"]


def _span(doc: Doc, start: int, end: int) -> Span | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    return span if span is not None and len(span) else None


def _line(text: str, position: int) -> str:
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return text[start : end if end != -1 else len(text)]


@lru_cache(maxsize=256)  # the candidates of one paragraph share its line
def _headline_like(line: str) -> bool:
    """A line that reads as a heading: short, no closing punctuation, or in Title Case."""
    words = re.findall(r"[^\W\d_][\w'’-]*", line)
    if not words:
        return False
    capitalised = sum(w[0].isupper() for w in words)
    title_case = len(words) >= 4 and capitalised / len(words) >= 0.7
    unfinished = len(words) <= 20 and not _END_OF_SENTENCE.search(line)
    return title_case or unfinished


def _cue_features(cue: Span | None, lexicon: CueLexicon) -> dict[str, float]:
    if cue is None:
        return {"no_cue": 1.0}
    word = cue_word(cue)
    lower = {t.lower_ for t in cue}
    base = base_form(word.text, lexicon)
    found: dict[str, float] = {}
    if lower & lexicon.phrases:
        found["cue_according"] = 1.0
    elif word.pos_ in ("NOUN", "PROPN"):
        found["cue_noun"] = 1.0
    elif base in ("say", "tell") or word.text in lexicon.signatures:
        found["cue_say"] = 1.0
    elif base in lexicon.speech or phrasal(word, lexicon):
        found["cue_speech"] = 1.0
    elif base in lexicon.belief:
        found["cue_belief"] = 1.0
    elif base in lexicon.finding:
        found["cue_finding"] = 1.0
    elif base in lexicon.act:
        found["cue_act"] = 1.0
    else:
        found["cue_other"] = 1.0
    if lower & lexicon.modals or any(t.lower_ == "to" and t.i < word.i for t in cue):
        found["cue_modal"] = 1.0
    if any(t.dep_ == "neg" or t.lower_ in ("not", "n't", "never") for t in cue):
        found["cue_negated"] = 1.0
    if any(t.dep_ == "auxpass" for t in cue) or word.tag_ == "VBN" and word.dep_ == "acl":
        found["cue_passive"] = 1.0
    if len(cue) > 3:
        found["cue_long"] = 1.0
    return found


def _source_features(doc: Doc, attribution: Attribution, lexicon: CueLexicon) -> dict[str, float]:
    if attribution.source is None:
        return {"no_source": 1.0}
    span = _span(doc, attribution.source.start, attribution.source.end)
    found: dict[str, float] = {}
    words = [w.lower() for w in re.findall(r"\w+", attribution.source.text)]
    unnamed = attribution.speaker is None or attribution.speaker.type in UNNAMED_TYPES
    if words and words[0] in lexicon.personal and unnamed:
        found["source_author"] = 1.0  # "I think", "you should", not inside a quote
    if span is not None:
        root = span.root
        if root.lower_ in ("it", "this", "that", "which", "these", "those", "they"):
            found["source_thing"] = 1.0
        if base_form(root.text, lexicon) in lexicon.documents:
            found["source_document"] = 1.0
        if root.pos_ == "PRON" and "source_thing" not in found:
            found["source_pronoun"] = 1.0
    if unnamed:
        found["speaker_none"] = 1.0  # nobody named: no speaker, or only a description
    else:
        found[f"speaker_{attribution.speaker.type.lower()}"] = 1.0
    return found


def _content_features(
    doc: Doc, text: str, attribution: Attribution, signatures: frozenset[str]
) -> dict[str, float]:
    content = attribution.content
    n_words = len(content.text.split())
    found: dict[str, float] = {"content_log_words": math.log1p(n_words)}
    if n_words < 5:
        found["content_short"] = 1.0
    span = _span(doc, content.start, content.end)
    if attribution.kind == "indirect" and span is not None:
        if not any(t.pos_ in ("VERB", "AUX") for t in span):
            found["content_no_verb"] = 1.0
        first = next((t for t in span if not t.is_punct), None)
        if first is not None and first.lower_ == "to" and first.tag_ == "TO":
            found["content_infinitive"] = 1.0
    if content.text.rstrip(" ”\"’'").endswith("?"):
        found["content_question"] = 1.0
    line = _line(text, content.start)
    cue = attribution.cue
    if cue is not None and cue.text in signatures and cue.start >= content.end:
        line = line[: len(line) - len(text[cue.start :].split("\n", 1)[0])]  # “…” ― Name
    if _headline_like(line):
        found["line_headline"] = 1.0
    return found


def features(
    doc: Doc,
    attribution: Attribution,
    prior: float,
    lexicon: CueLexicon = ENGLISH,
    *,
    text: str | None = None,
) -> dict[str, float]:
    """The features of one candidate. ``prior``: the precision of how it was found on
    PolNeAR (``assemble._PRECISION``); ``text``: ``doc.text``, which spaCy builds from the
    tokens at every access (pass it when scoring many candidates of one doc)."""
    found: dict[str, float] = {"prior": prior, f"kind_{attribution.kind}": 1.0}
    cue = _span(doc, attribution.cue.start, attribution.cue.end) if attribution.cue else None
    found |= _cue_features(cue, lexicon)
    found |= _source_features(doc, attribution, lexicon)
    text = doc.text if text is None else text
    found |= _content_features(doc, text, attribution, lexicon.signatures)
    return with_interactions(found)


def with_interactions(found: dict[str, float]) -> dict[str, float]:
    """``found`` with the pairs of features that mean more together: a finding stated by a
    document, a belief held by a resolved speaker, a speech act about a noun phrase
    ("ruled out any talks", "denied the report")."""
    pairs = {
        "finding_by_document": ("cue_finding", "source_document"),
        "belief_by_speaker": ("cue_belief", "speaker_person"),
        "speech_about_noun": ("cue_speech", "content_no_verb"),
        "say_about_noun": ("cue_say", "content_no_verb"),
    }
    return found | {name: 1.0 for name, (a, b) in pairs.items() if a in found and b in found}


def probability(found: dict[str, float], weights: dict[str, float] | None = None) -> float:
    """The logistic model's probability that the candidate is a statement."""
    weights = load_weights() if weights is None else weights
    z = weights.get("bias", 0.0) + sum(weights.get(k, 0.0) * v for k, v in found.items())
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))
