"""saidwhat: who said what, about whom, where and when, from news."""

import logging

from saidwhat.errors import InputError, ModelError, SaidwhatError, TooLargeError
from saidwhat.model import Attribution, Document, EntityRef, Speaker, TextSpan
from saidwhat.parse import load_pipeline
from saidwhat.pipeline import extract, extract_many

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "Attribution",
    "Document",
    "EntityRef",
    "InputError",
    "ModelError",
    "SaidwhatError",
    "Speaker",
    "TextSpan",
    "TooLargeError",
    "extract",
    "extract_many",
    "load_pipeline",
]
