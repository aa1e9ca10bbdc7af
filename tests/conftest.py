"""Fixtures several test modules share."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from saidwhat import pipeline

#: A text containing this makes extraction fail under ``boom_breaks_extraction``.
BOOM = "BOOM"


@pytest.fixture
def boom_breaks_extraction(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Extraction raises ``ValueError("kaboom")`` on any batch holding a text with BOOM;
    the fixture's value undoes that."""
    real = pipeline._annotate

    def flaky(nlp, documents, batch_size):
        if any(BOOM in d.text for d in documents):
            raise ValueError("kaboom")
        return real(nlp, documents, batch_size)

    monkeypatch.setattr(pipeline, "_annotate", flaky)
    return lambda: monkeypatch.setattr(pipeline, "_annotate", real)
