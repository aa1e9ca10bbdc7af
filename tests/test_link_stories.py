"""Near-duplicate stories (saidwhat.link.stories) on short fictional articles."""

from __future__ import annotations

import pytest

from saidwhat.link.stories import (
    NUM_PERM,
    STORY_THRESHOLD,
    StoryIndex,
    normalise_text,
    signature_bytes,
    signature_from_bytes,
    story_signature,
    text_key,
)

BOILERPLATE = "Reporting by Ana Ruiz; Editing by Tom Hale. Follow the Harbor Post on social media."

ORIGINAL = (
    "Harbor Post: Port strike talks collapse\n\n"
    "PORTVILLE, May 3 (Harbor Post) - Talks to end the strike at the Portville container "
    "terminal collapsed on Tuesday after the union rejected a revised pay offer, leaving "
    "hundreds of ships waiting outside the harbor. Union leader Clara Mendes told reporters "
    "that the offer did not cover the rising cost of housing in the city and that members "
    "would stay on the picket lines until the port authority returned with a serious plan. "
    "The authority said it had offered a raise of six percent over two years and accused "
    "the union of moving the goalposts. Shipping companies have begun diverting cargo to "
    "Eastbay, where unloading times have doubled. Mayor Victor Lang urged both sides to "
    "return to the table before the holiday season, warning that shops across the region "
    "could face empty shelves. A mediator appointed by the labor ministry is expected to "
    "meet both teams on Friday, officials said.\n\n" + BOILERPLATE
)

# The same story from a wire: another headline, dateline and boilerplate, two words edited
# ("rejected" -> "turned down" is one word replaced by two; "hundreds" -> "dozens").
WIRE_COPY = (
    "Portville dock strike drags on as talks fail\n\n"
    "PORTVILLE (Coastal Wire) - Talks to end the strike at the Portville container "
    "terminal collapsed on Tuesday after the union turned down a revised pay offer, leaving "
    "dozens of ships waiting outside the harbor. Union leader Clara Mendes told reporters "
    "that the offer did not cover the rising cost of housing in the city and that members "
    "would stay on the picket lines until the port authority returned with a serious plan. "
    "The authority said it had offered a raise of six percent over two years and accused "
    "the union of moving the goalposts. Shipping companies have begun diverting cargo to "
    "Eastbay, where unloading times have doubled. Mayor Victor Lang urged both sides to "
    "return to the table before the holiday season, warning that shops across the region "
    "could face empty shelves. A mediator appointed by the labor ministry is expected to "
    "meet both teams on Friday, officials said.\n\n"
    "(c) Coastal Wire 2024. All rights reserved. Do not redistribute."
)

# Another story on the same topic by the same outlet, with the same boilerplate.
SAME_TOPIC = (
    "Harbor Post: Port strike enters second week\n\n"
    "PORTVILLE, May 10 (Harbor Post) - The strike at the Portville container terminal "
    "entered its second week on Tuesday, with no new talks scheduled and the queue of "
    "waiting ships growing longer every day. Union leader Clara Mendes said her members "
    "were ready to hold out through the summer and called on the port authority to stop "
    "hiding behind consultants. The authority replied that its pay offer remained on the "
    "table and that the union was welcome to discuss it at any time. Farmers in the valley "
    "warned that fruit exports were rotting in refrigerated containers, and two retailers "
    "said they would fly in stock for the holiday season at a much higher cost. Mayor "
    "Victor Lang said the city would open a hardship fund for dock workers' families, "
    "paid for by a local business council, on Monday.\n\n" + BOILERPLATE
)


def test_normalise_text_unifies_quotes_dashes_case_and_spaces() -> None:
    assert normalise_text("“Don’t”\u00a0 GO \u2014 now\n") == '"don\'t" go - now'


def test_text_key_equal_for_textual_duplicates_only() -> None:
    assert text_key("He said “yes”.\n") == text_key('he   said "YES".')
    assert text_key("He said yes.") != text_key("He said no.")
    assert len(text_key("x")) == 64


def test_wire_copy_joins_the_original() -> None:
    index = StoryIndex()
    index.add("original", story_signature(ORIGINAL))
    similarity = story_signature(WIRE_COPY).jaccard(story_signature(ORIGINAL))
    assert 0.55 <= similarity < 0.9  # near, not identical: the margin the threshold relies on
    assert index.find(story_signature(WIRE_COPY)) == "original"


def test_same_topic_story_by_same_outlet_does_not_join() -> None:
    index = StoryIndex()
    index.add("original", story_signature(ORIGINAL))
    similarity = story_signature(SAME_TOPIC).jaccard(story_signature(ORIGINAL))
    assert similarity < 0.2
    assert index.find(story_signature(SAME_TOPIC)) is None


def test_find_prefers_the_most_similar_story() -> None:
    index = StoryIndex()
    index.add("topic", story_signature(SAME_TOPIC))
    index.add("wire", story_signature(WIRE_COPY))
    index.add("original", story_signature(ORIGINAL))
    assert len(index) == 3
    assert index.find(story_signature(ORIGINAL)) == "original"
    assert index.find(story_signature(ORIGINAL.replace("Friday", "Thursday"))) == "original"


def test_empty_index_and_empty_text() -> None:
    index = StoryIndex()
    assert index.find(story_signature(ORIGINAL)) is None
    index.add("empty", story_signature("  ...  "))
    assert len(index) == 0
    assert index.find(story_signature("")) is None


def test_duplicate_key_is_an_error() -> None:
    index = StoryIndex()
    index.add("a", story_signature(ORIGINAL))
    with pytest.raises(ValueError, match="already"):
        index.add("a", story_signature(WIRE_COPY))


def test_signature_round_trips_through_bytes() -> None:
    signature = story_signature(ORIGINAL)
    data = signature_bytes(signature)
    assert len(data) == NUM_PERM * 8
    restored = signature_from_bytes(data)
    assert restored.jaccard(signature) == 1.0
    assert restored.jaccard(story_signature(WIRE_COPY)) == signature.jaccard(
        story_signature(WIRE_COPY)
    )
    index = StoryIndex()
    index.add("stored", restored)
    assert index.find(story_signature(WIRE_COPY)) == "stored"
    with pytest.raises(ValueError, match="bytes"):
        signature_from_bytes(data[:-8])


def test_threshold_is_validated_and_used() -> None:
    with pytest.raises(ValueError):
        StoryIndex(threshold=0)
    strict = StoryIndex(threshold=0.99)
    strict.add("original", story_signature(ORIGINAL))
    assert strict.find(story_signature(WIRE_COPY)) is None
    assert StoryIndex().threshold == STORY_THRESHOLD
