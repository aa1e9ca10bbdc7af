"""Parse: the spaCy pipeline that every later stage reads."""

from saidwhat.parse.nlp import DEFAULT_MODEL, load_pipeline

__all__ = ["DEFAULT_MODEL", "load_pipeline"]
