"""Quote clusters across articles and word diffs (saidwhat.link.quotes)."""

from __future__ import annotations

import pytest

from saidwhat.link.quotes import (
    MIN_WORDS,
    NEAR_RATIO,
    QuoteIndex,
    format_diff,
    quote_words,
    word_diff,
)

PORT = "We will not go back to work until the port authority puts a serious offer on the table."
FLOOD = "The water came up so fast that we had no time to save anything from the house."
BUDGET = "This budget is a betrayal of every family that trusted us with their vote."
OPENING = "We will not back down, and we will win this fight for our members."
OTHER_ENDING = "We will not back down, and we will never forgive what they did here."


@pytest.fixture
def index() -> QuoteIndex:
    quotes = QuoteIndex()
    quotes.add(10, PORT)
    quotes.add(11, FLOOD)
    quotes.add(12, BUDGET)
    return quotes


def test_quote_words_normalise_marks_case_and_numbers() -> None:
    assert quote_words("“It’s a WELL-KNOWN fact — 1,000 jobs, not 3.5!” he said") == [
        "it's",
        "a",
        "well",
        "known",
        "fact",
        "1000",
        "jobs",
        "not",
        "3.5",
        "he",
        "said",
    ]
    assert quote_words("'Don't'") == ["don't"]


def test_identical_quote(index: QuoteIndex) -> None:
    assert index.find(PORT) == 10
    assert index.find(FLOOD) == 11


def test_punctuation_quote_marks_and_case_do_not_matter(index: QuoteIndex) -> None:
    variant = (
        "“we will NOT go back to work until the port authority puts a serious offer on the table”"
    )
    assert index.find(variant) == 10
    assert (
        index.find(
            "The water came up so fast - that we had no time to save anything, from the house!"
        )
        == 11
    )


def test_one_word_changed(index: QuoteIndex) -> None:
    assert index.find(PORT.replace("serious", "real")) == 10
    assert index.find(FLOOD.replace("fast", "quickly")) == 11


def test_two_words_changed_in_a_longer_quote(index: QuoteIndex) -> None:
    edited = BUDGET.replace("betrayal", "slap in the face").replace("trusted", "believed")
    assert index.find(BUDGET.replace("every family", "all the families")) == 12
    assert index.find(edited) is None  # five words of 14 changed is another quote


def test_one_word_changed_in_a_short_quote() -> None:
    quotes = QuoteIndex()
    quotes.add(3, "we are ready to fight")
    assert quotes.find("we are ready to win") == 3  # ratio 0.8, the floor
    assert quotes.find("they are not ready to talk") is None


def test_truncated_quote(index: QuoteIndex) -> None:
    assert index.find("until the port authority puts a serious offer on the table") == 10
    assert index.find("We will not go back to work") == 10  # six words, the minimum
    assert index.find("We will not go back") is None  # five words: too short to match a part


def test_joined_quote_contains_a_cluster_quote(index: QuoteIndex) -> None:
    joined = PORT + " And we will stay here all winter if we must, whatever the mayor says."
    assert index.find(joined) == 10


def test_a_cluster_with_a_joined_variant_matches_its_parts() -> None:
    quotes = QuoteIndex()
    quotes.add(
        1, "Prices are rising every week. Families cannot keep up with their bills any more."
    )
    assert quotes.find("Families cannot keep up with their bills any more") == 1
    assert quotes.find("Prices are rising every week") is None  # five words


def test_exact_beats_near_and_contained() -> None:
    quotes = QuoteIndex()
    quotes.add(1, "we will rebuild every home that the storm destroyed in this town")
    quotes.add(2, "we will rebuild every home that the storm destroyed")
    quotes.add(3, "we will rebuild every house that the storm destroyed")
    assert quotes.find("We will rebuild every home that the storm destroyed.") == 2
    assert quotes.find("We will rebuild every house that the storm destroyed.") == 3
    # near (one word changed from 2 and from 3: a tie, the lower id) beats contained (in 1)
    assert quotes.find("we will rebuild every shop that the storm destroyed") == 2


def test_best_scoring_cluster_wins() -> None:
    quotes = QuoteIndex()
    quotes.add(1, "the river rose overnight and flooded the lower town and the old bridge")
    quotes.add(2, "the river rose overnight and flooded the lower town")
    # contained in both; cluster 2 covers more of it
    assert quotes.find("the river rose overnight and flooded the lower") == 2


def test_variants_of_one_cluster() -> None:
    quotes = QuoteIndex()
    quotes.add(7, FLOOD)
    quotes.add(7, FLOOD.replace("fast", "quickly"))
    quotes.add(7, FLOOD)  # a repeat is not a new variant
    assert len(quotes) == 2
    assert quotes.find(FLOOD.replace("fast", "quickly").replace("house", "home")) == 7


def test_short_quotes_are_never_clustered() -> None:
    quotes = QuoteIndex()
    quotes.add(1, "No comment at this time")  # five words: clustered
    quotes.add(2, "Fake news!")
    quotes.add(3, "“No comment,” ")
    assert len(quotes) == 1
    assert MIN_WORDS == 5
    assert quotes.find("Fake news") is None
    assert quotes.find("no comment") is None
    assert quotes.find("no comment at this time") == 1


def test_unrelated_quotes_do_not_join(index: QuoteIndex) -> None:
    assert index.find("The council will vote on the new stadium plan next month.") is None
    assert index.find("We will not go along with any plan that cuts hospital funding.") is None


def test_shared_opening_with_another_ending_does_not_join() -> None:
    quotes = QuoteIndex()
    quotes.add(1, OPENING)
    assert quotes.find(OTHER_ENDING) is None
    assert NEAR_RATIO == 0.8


def test_cluster_zero_is_found() -> None:
    quotes = QuoteIndex()
    quotes.add(0, PORT)
    assert quotes.find(PORT.replace("serious", "real")) == 0
    assert quotes.find(PORT + " Not one day sooner, believe me.") == 0


def test_word_diff_keeps_original_words() -> None:
    base = "“We will not go back to work,” until the Port Authority pays."
    variant = '"we will NOT return to work" until the port authority pays up.'
    assert word_diff(base, variant) == [
        ("equal", "“We will not"),
        ("delete", "go back"),
        ("insert", "return"),
        ("equal", "to work,” until the Port Authority pays."),
        ("insert", "up."),
    ]


def test_word_diff_of_equal_quotes_is_one_piece() -> None:
    assert word_diff("Yes, we can.", "yes we can") == [("equal", "Yes, we can.")]
    assert word_diff("", "") == []


def test_format_diff_like_git_word_diff() -> None:
    pieces = word_diff("we will rebuild every home", "we will rebuild each home today")
    assert format_diff(pieces) == "we will rebuild [-every-]{+each+} home {+today+}"
    assert format_diff([("delete", "old")]) == "[-old-]"
    with pytest.raises(ValueError, match="unknown"):
        format_diff([("replace", "x")])
