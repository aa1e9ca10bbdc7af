"""Decoding the accurate tagger's per-token scores into spans (``attribute/bio.py``)."""

from __future__ import annotations

import numpy as np
import spacy
from spacy.tokens import Doc, Span

from saidwhat.attribute.bio import LABELS, VOTE, best_labels, decode, votes


def _scores(labels: list[str], confidence: float = 5.0) -> np.ndarray:
    """Scores where each token's named label wins by ``confidence``."""
    scores = np.zeros((len(labels), len(LABELS)))
    for row, label in enumerate(labels):
        scores[row, LABELS.index(label)] = confidence
    return scores


def _doc(words: list[str], sent_starts: list[bool] | None = None) -> Doc:
    return Doc(spacy.blank("en").vocab, words=words, sent_starts=sent_starts)


def _spans(doc: Doc, labels: list[str], **kw: float) -> list[tuple[str, str]]:
    tokens = [t.i for t in doc if not t.is_space]
    return [(s.label_, s.text) for s in decode(doc, tokens, _scores(labels, **kw))]


def test_spans_are_read_from_begin_and_inside_labels() -> None:
    doc = _doc(["Critics", "said", "the", "plan", "would", "fail"])
    labels = ["B-SOURCE", "B-CUE", "B-CONTENT", "I-CONTENT", "I-CONTENT", "I-CONTENT"]
    assert _spans(doc, labels) == [
        ("SOURCE", "Critics"),
        ("CUE", "said"),
        ("CONTENT", "the plan would fail"),
    ]


def test_a_stray_outside_label_inside_a_content_does_not_cut_it_in_two() -> None:
    # Per token, "plan" prefers O a little; an I- cannot follow O, so the best
    # sequence keeps the content whole instead of leaving "would fail" as a
    # second fragment that opens with I-.
    doc = _doc(["She", "said", "the", "plan", "would", "fail"])
    scores = _scores(["B-SOURCE", "B-CUE", "B-CONTENT", "O", "I-CONTENT", "I-CONTENT"])
    scores[3, LABELS.index("I-CONTENT")] = 4.5
    spans = decode(doc, list(range(len(doc))), scores)
    assert [(s.label_, s.text) for s in spans] == [
        ("SOURCE", "She"),
        ("CUE", "said"),
        ("CONTENT", "the plan would fail"),
    ]


def test_inside_labels_never_follow_another_part_or_open_a_sentence() -> None:
    rng = np.random.default_rng(0)
    starts = [i % 7 == 0 for i in range(40)]
    log_probs = np.log(rng.dirichlet(np.ones(len(LABELS)), size=40))
    path = [LABELS[k] for k in best_labels(log_probs, starts)]
    for i, label in enumerate(path):
        if not label.startswith("I-"):
            continue
        assert i > 0 and not starts[i], f"{label} opens a sentence at {i}"
        assert path[i - 1][2:] == label[2:] and path[i - 1] != "O", path[i - 1 : i + 1]


def test_a_span_does_not_run_across_a_whitespace_token() -> None:
    doc = _doc(["He", "said", "more", "\n\n", "later"])
    tokens = [t.i for t in doc if not t.is_space]
    labels = ["B-SOURCE", "B-CUE", "B-CONTENT", "I-CONTENT"]
    spans = decode(doc, tokens, _scores(labels))
    assert [(s.label_, s.text) for s in spans][-2:] == [("CONTENT", "more"), ("CONTENT", "later")]


def test_an_empty_document_decodes_to_nothing() -> None:
    doc = _doc(["\n"])
    assert decode(doc, [], np.zeros((0, len(LABELS)))) == []


def test_another_taggers_spans_vote_for_their_labels() -> None:
    doc = _doc(["She", "said", "the", "plan", "would", "fail"])
    voter = [Span(doc, 0, 1, label="SOURCE"), Span(doc, 2, 6, label="CONTENT")]
    cast = votes(doc, list(range(len(doc))), voter)
    assert [LABELS[k] for k in cast.argmax(axis=1)] == [
        "B-SOURCE",
        "O",
        "B-CONTENT",
        "I-CONTENT",
        "I-CONTENT",
        "I-CONTENT",
    ]
    assert set(cast.sum(axis=1)) == {VOTE}


def test_a_vote_settles_a_close_call_but_not_a_clear_one() -> None:
    doc = _doc(["She", "said", "the", "plan", "would", "fail"])
    labels = ["B-SOURCE", "B-CUE", "B-CONTENT", "I-CONTENT", "I-CONTENT", "I-CONTENT"]
    scores = _scores(labels)
    scores[1, LABELS.index("O")] = 4.9  # "said": CUE by a hair
    voter = [Span(doc, 2, 6, label="CONTENT")]  # the other tagger says O for "said"
    tokens = list(range(len(doc)))
    assert ("CUE", "said") in [(s.label_, s.text) for s in decode(doc, tokens, scores)]
    voted = [(s.label_, s.text) for s in decode(doc, tokens, scores, voter)]
    # The other tagger says O for "She" too, but the source there is a clear call.
    assert ("CUE", "said") not in voted and ("SOURCE", "She") in voted
    # A tagger that found nothing still votes: O everywhere.
    assert ("CUE", "said") not in [(s.label_, s.text) for s in decode(doc, tokens, scores, [])]


def test_votes_follow_the_tokens_given_when_some_are_left_out() -> None:
    doc = _doc(["Critics", "said", "\n\n", "it", "failed"])
    tokens = [0, 1, 3, 4]  # the whitespace token is not scored
    voter = [Span(doc, 1, 2, label="CUE"), Span(doc, 3, 5, label="CONTENT")]
    cast = votes(doc, tokens, voter)
    assert [LABELS[k] for k in cast.argmax(axis=1)] == ["O", "B-CUE", "B-CONTENT", "I-CONTENT"]
