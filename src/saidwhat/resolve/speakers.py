"""Resolve sources to speakers (placeholder)."""

from __future__ import annotations

from spacy.tokens import Doc

from saidwhat.model import Attribution, Speaker


def resolve_speakers(
    doc: Doc, attributions: list[Attribution]
) -> tuple[list[Speaker], list[Attribution]]:
    """The document's speakers, and ``attributions`` with ``speaker`` and ``about`` set."""
    return [], attributions
