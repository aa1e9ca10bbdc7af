"""Token features for the attribution tagger, beyond what a word window shows.

The tagger (a spaCy ``ner`` over SOURCE/CUE/CONTENT) sees each token through a
CNN with a window of a few tokens. Attribution spans are long, so three
features carry the wider context:

1. quote state: outside a quotation, inside it, or the mark itself;
2. cue prior: how often the word is part of a cue in PolNeAR train (bucketed);
3. cue path: on the way up the dependency tree to the nearest likely cue word,
   the relation under which the token hangs from it (``nsubj`` for a source,
   ``ccomp`` for a content clause), or that the token is such a word itself.

Registered as ``saidwhat.AttributionEmbed.v1`` so the shipped tagger loads
wherever saidwhat is imported.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy
from spacy.ml.models import MultiHashEmbed
from spacy.strings import hash_string
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import HashEmbed, Maxout, Model, chain, concatenate, with_array
from thinc.types import Floats2d, Ints2d

from saidwhat.attribute.quotes import find_quotes

N_FEATURES = 3
#: Words at least this likely to be part of a cue anchor the cue-path feature.
PATH_PRIOR = 0.3
MAX_PATH = 8


@cache
def cue_priors() -> dict[str, float]:
    """Word → P(word is part of a cue), from ``cue_words.tsv``."""
    table = resources.files("saidwhat.attribute").joinpath("cue_words.tsv").read_text("utf-8")
    rows = (line.split("\t") for line in table.splitlines() if not line.startswith("#"))
    return {word: float(prior) for word, prior in rows}


def _prior_bucket(prior: float) -> str:
    for bound, name in ((0.05, "p0"), (0.15, "p1"), (0.4, "p2"), (0.7, "p3")):
        if prior < bound:
            return name
    return "p4"


def quote_states(doc: Doc) -> list[str]:
    """``out``, ``in`` or ``mark`` for each token."""
    states = ["out"] * len(doc)
    for quote in find_quotes(doc.text):
        span = doc.char_span(quote.start, quote.end, alignment_mode="expand")
        if span is None:
            continue
        for i in range(span.start, span.end):
            states[i] = "in"
        states[span.start] = states[span.end - 1] = "mark"
    return states


def cue_paths(doc: Doc, token_priors: list[float]) -> list[str]:
    """For each token, the relation it hangs under from the nearest likely cue word."""
    anchors = [prior >= PATH_PRIOR for prior in token_priors]
    paths = []
    for token in doc:
        if anchors[token.i]:
            paths.append("self")
            continue
        node, feature = token, "none"
        for _ in range(MAX_PATH):
            head = node.head
            if head.i == node.i:
                break
            if anchors[head.i]:
                feature = node.dep_
                break
            node = head
        paths.append(feature)
    return paths


def doc_features(doc: Doc) -> list[tuple[str, str, str]]:
    """The three feature strings of each token."""
    priors = cue_priors()
    token_priors = [priors.get(t.lower_, 0.0) for t in doc]
    buckets = [_prior_bucket(prior) for prior in token_priors]
    return list(zip(quote_states(doc), buckets, cue_paths(doc, token_priors), strict=True))


@cache
def _feature_hash(column: int, value: str) -> int:
    return hash_string(f"{column}={value}")


def _extract_forward(model: Model, docs: list[Doc], is_train: bool):
    arrays = []
    for doc in docs:
        rows = [
            [_feature_hash(k, v) for k, v in enumerate(features)] for features in doc_features(doc)
        ]
        array = numpy.asarray(rows, dtype="uint64").reshape((len(doc), N_FEATURES))
        arrays.append(model.ops.asarray(array, dtype="uint64"))
    return arrays, lambda d_arrays: []


def feature_extractor() -> Model[list[Doc], list[Ints2d]]:
    """The three features of each token, hashed for ``HashEmbed``."""
    return Model("attribution_features", _extract_forward)


@registry.architectures("saidwhat.AttributionEmbed.v1")
def attribution_embed(
    width: int, attrs: list[str], rows: list[int], feature_rows: int
) -> Model[list[Doc], list[Floats2d]]:
    """spaCy's ``MultiHashEmbed`` over ``attrs``, plus the attribution features above."""
    lexical = MultiHashEmbed(width=width, attrs=attrs, rows=rows, include_static_vectors=False)
    embeds = [HashEmbed(width, feature_rows, column=i, seed=101 + i) for i in range(N_FEATURES)]
    contextual = chain(
        feature_extractor(),
        with_array(chain(concatenate(*embeds), Maxout(width, width * N_FEATURES, nP=3))),
    )
    return chain(
        concatenate(lexical, contextual),
        with_array(Maxout(width, width * 2, nP=3, normalize=True)),
    )
