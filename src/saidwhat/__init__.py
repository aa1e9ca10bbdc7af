"""saidwhat: who said what, about whom, where and when, from news."""

import logging

from saidwhat.errors import InputError, ModelError, SaidwhatError, TooLargeError
from saidwhat.model import (
    Attribution,
    CorpusSpeaker,
    Document,
    EntityRef,
    QuoteCluster,
    Speaker,
    Statement,
    TextSpan,
)
from saidwhat.notebook import Corpus, open
from saidwhat.parse import load_pipeline
from saidwhat.pipeline import extract, extract_many

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "Attribution",
    "Corpus",
    "CorpusSpeaker",
    "Document",
    "EntityRef",
    "InputError",
    "ModelError",
    "QuoteCluster",
    "SaidwhatError",
    "Speaker",
    "Statement",
    "TextSpan",
    "TooLargeError",
    "extract",
    "extract_many",
    "load_pipeline",
    "open",
]
