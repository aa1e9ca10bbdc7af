"""The sample articles: well-formed, and every offset saidwhat reports on them indexes the text.

Structural checks only, so they keep holding as the engine improves; accuracy
is measured on PolNeAR (``saidwhat eval polnear``), not here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import saidwhat
from saidwhat import Document, TextSpan

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "articles"
ARTICLES = sorted(SAMPLES.glob("*.txt"))


def test_there_are_five_samples() -> None:
    assert len(ARTICLES) == 5


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_sample_is_a_short_article_with_both_quote_styles(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert 250 <= len(text.split()) <= 500
    assert '"' in text
    assert "“" in text and "”" in text


def assert_indexes(span: TextSpan, text: str) -> None:
    """``span``'s fragments are ordered, in bounds, non-empty, and join to ``span.text``."""
    assert span.spans, "a span needs at least one fragment"
    previous_end = 0
    for start, end in span.spans:
        assert previous_end <= start < end <= len(text)
        previous_end = end
    assert span.text == " ".join(text[s:e] for s, e in span.spans)


@pytest.fixture(scope="module")
def documents() -> dict[str, tuple[str, Document]]:
    """Every sample, extracted once (the pipeline loads once per process)."""
    texts = {p.stem: p.read_text(encoding="utf-8") for p in ARTICLES}
    return {stem: (text, saidwhat.extract(text, id=stem)) for stem, text in texts.items()}


@pytest.mark.model
@pytest.mark.parametrize("stem", [p.stem for p in ARTICLES])
def test_offsets_index_the_text(documents: dict[str, tuple[str, Document]], stem: str) -> None:
    text, document = documents[stem]
    assert document.id == stem
    assert document.text == text
    assert document.attributions, f"no attributions found in {stem}"
    for attribution in document.attributions:
        assert attribution.kind in ("direct", "indirect", "mixed")
        assert 0.0 <= attribution.confidence <= 1.0
        for part in (attribution.content, attribution.cue, attribution.source):
            if part is not None:
                assert_indexes(part, text)
    for speaker in document.speakers:
        for mention in speaker.mentions:
            assert_indexes(mention, text)


@pytest.mark.model
def test_speaker_ids_point_at_speakers(documents: dict[str, tuple[str, Document]]) -> None:
    for _, document in documents.values():
        ids = {s.id for s in document.speakers}
        for attribution in document.attributions:
            if attribution.speaker is not None and attribution.speaker.id is not None:
                assert attribution.speaker.id in ids
