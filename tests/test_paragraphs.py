"""Sentences never run over a paragraph break (``parse/paragraphs.py``)."""

from __future__ import annotations

import spacy

from saidwhat.parse.paragraphs import hard_wrapped, paragraphs

NLP = spacy.blank("en")


def _starts(text: str) -> list[str]:
    doc = paragraphs(NLP.make_doc(text))
    return [t.text for t in doc if t.is_sent_start and t.i > 0]


def test_a_paragraph_after_a_closing_quote_starts_a_sentence() -> None:
    text = "“It wears on you.”\nUPS has multiple mechanisms: the company knows when."
    assert _starts(text) == ["UPS"]


def test_every_line_of_extracted_news_starts_a_sentence() -> None:
    text = "Rebels Reject Plan\nThe rebels said no.\n\n“We will not go,” he said.\nA line."
    assert _starts(text) == ["The", "“", "A"]


def test_hard_wrapped_lines_start_a_sentence_only_after_its_end() -> None:
    text = (
        "The minister said on Tuesday that the talks with the\n"
        "rebels had failed and that Barack\n"
        "Obama would not travel to the region this year.\n"
        "Nobody in the capital expected a deal before the\n"
        "elections.\n\n"
        "A new paragraph"
    )
    assert hard_wrapped(text)
    assert _starts(text) == ["Nobody", "A"]


def test_news_paragraphs_are_not_hard_wrapped() -> None:
    text = "Headline Without A Stop\nFirst paragraph.\nSecond paragraph.\n“A quote.”\nLast one."
    assert not hard_wrapped(text)


def test_a_paragraphs_first_word_is_no_sentence_of_its_own() -> None:
    doc = paragraphs(NLP.make_doc("Desjardins\nRoyce Mendes, a director, was cautious."))
    royce = next(t for t in doc if t.text == "Royce")
    assert royce.is_sent_start
    assert doc[royce.i + 1].is_sent_start is False
