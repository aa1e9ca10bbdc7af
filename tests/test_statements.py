"""Statements you can cite: what is kept (issue 11, "only statements are reported") and who
said it ("the right speaker"), end to end through ``saidwhat.extract`` with its defaults.

Each text is our own; each case is one of the false-statement classes or speaker errors
found on real news pages.
"""

from __future__ import annotations

import pytest

import saidwhat
from saidwhat.attribute.component import spoken
from saidwhat.attribute.senses import base_form
from saidwhat.attribute.statements import DEFAULT_MIN_CONFIDENCE, probability
from saidwhat.chunks import join_results
from saidwhat.model import Attribution, EntityRef, Speaker, TextSpan

pytestmark = pytest.mark.model


def _statements(text: str) -> list[saidwhat.Attribution]:
    document = saidwhat.extract(text)
    assert document.error is None, document.error
    return document.attributions


@pytest.mark.parametrize(
    "text",
    [
        # acts and decisions read as cues
        "SoftBank agreed to inject $6.5bn into the venture on Tuesday, its filings show.",
        "She handed me a novel and left the room without a word.",
        "NASA plans to launch the probe in 2027, three years later than first hoped.",
        # perception and evidence by things
        "Footage shows the car swerving across two lanes before the crash.",
        "Tests showed traces of lead in the water supply of the town.",
        "The excavation revealed a Roman villa under the car park in the town centre.",
        # the author's own voice
        "I've realized that the best tents are the lightest ones on the market.",
        "You should always pack a spare stove when you camp in the mountains.",
        # a headline run into the text
        "Obama Calls For Calm After Night Of Riots\n"
        "The streets of the city were quiet on Sunday morning after a night of rioting.",
    ],
)
def test_what_is_not_a_statement_is_not_reported(text: str) -> None:
    assert [a.content.text for a in _statements(text)] == []


def test_candidates_below_the_threshold_are_kept_when_asked() -> None:
    text = "NASA plans to launch the probe in 2027, three years later than first hoped."
    (candidate,) = saidwhat.extract(text, min_confidence=0.0).attributions
    assert candidate.confidence < DEFAULT_MIN_CONFIDENCE


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        (
            "Blinken told reporters on Monday that the talks had failed.",
            "the talks had failed",
            "Blinken",
        ),
        (
            "A Pew survey found that most voters oppose the new tax on fuel.",
            "most voters oppose the new tax on fuel",
            "Pew",
        ),
    ],
)
def test_statements_are_kept_with_a_confidence(text: str, content: str, speaker: str) -> None:
    (statement,) = _statements(text)
    assert content in statement.content.text
    assert statement.speaker is not None and statement.speaker.name == speaker
    assert DEFAULT_MIN_CONFIDENCE <= statement.confidence < 1.0


@pytest.mark.parametrize(
    ("text", "source", "speaker"),
    [
        # a source after the cue
        (
            "“We will win this market,” said Marcelo Claure, the chief executive of the firm.",
            "Marcelo Claure, the chief executive of the firm",
            "Marcelo Claure",
        ),
        # an apposition
        (
            "Debra Steger, a former negotiator at the WTO, said the rules were badly outdated.",
            "Debra Steger, a former negotiator at the WTO,",
            "Debra Steger",
        ),
        # a title the NER takes for an organisation, then the name
        (
            "The Lindi Municipal Director, Jomaary Satura, says the lights have cut crime.",
            "The Lindi Municipal Director, Jomaary Satura,",
            "Jomaary Satura",
        ),
        # a statement resolved to who issued it
        (
            "Big Machine Records issued a statement on Friday. The statement said the label "
            "had acted within its rights to release the album.",
            "The statement",
            "Big Machine Records",
        ),
        # an unnamed spokesman: the organisation behind him
        (
            "A Kremlin spokesman said the talks had failed and would not resume this year.",
            "A Kremlin spokesman",
            "Kremlin",
        ),
        # "the company": the one the text is about, not another named further back
        (
            "Acme Corp and Globex Inc both make rockets. On Monday, Globex Inc opened a new "
            "plant in Texas. The company said it would hire 500 workers.",
            "The company",
            "Globex Inc",
        ),
        # a pronoun: the subject of the previous clause, not the most frequent person
        (
            "Maria Lopez runs the bakery. Maria Lopez bought it in 2010 and Maria Lopez still "
            "opens it every day. Her new partner, Tom Baker, joined in May. He said the shop "
            "would expand next year.",
            "He",
            "Tom Baker",
        ),
        # no speaker made of headline-cased words
        (
            "Apple unveiled its new phone on Tuesday. Tim Cook praised the design. Hosting the "
            "event in Cupertino, Cook said the phone was the best the company had ever made.",
            "Cook",
            "Tim Cook",
        ),
        # a title abbreviation before a surname
        (
            "Mokitimi Tšosane grew up in Maseru. Adv Tšosane says the law must change to "
            "protect children.",
            "Adv Tšosane",
            "Mokitimi Tšosane",
        ),
    ],
)
def test_the_right_speaker(text: str, source: str, speaker: str) -> None:
    (statement,) = _statements(text)
    assert statement.source is not None and statement.source.text == source
    assert statement.speaker is not None and statement.speaker.name == speaker


def test_a_source_nothing_resolves_is_its_description_not_a_guess() -> None:
    text = (
        "Antony Blinken arrived in Kyiv on Monday. A source said the talks had failed and "
        "would not resume. A study published last year found that most voters disagree with "
        "the plan."
    )
    source, study = _statements(text)
    assert source.source is not None and source.source.text == "A source"
    assert source.speaker is not None
    assert (source.speaker.name, source.speaker.type) == ("A source", "UNNAMED")
    assert study.speaker is not None
    assert (study.speaker.name, study.speaker.type) == ("A study", "DOCUMENT")


@pytest.mark.parametrize("text", ["He said the talks had failed and would not resume."])
def test_a_pronoun_nothing_resolves_has_no_speaker(text: str) -> None:
    (statement,) = _statements(text)
    assert statement.source is not None and statement.speaker is None


def test_a_source_never_runs_over_a_line_break() -> None:
    text = "ADAMS\nThe lawmakers wrote that the police stations must be closed at once."
    (statement,) = saidwhat.extract(text, min_confidence=0.0).attributions
    assert statement.source is not None and statement.source.text == "The lawmakers"


def test_a_quote_over_paragraphs_is_one_statement() -> None:
    text = (
        "“We have listened to the fishermen and we will build the harbour,” said Dana "
        "Whitcombe, the mayor. “It will take three years.\n"
        "“The first boats will dock in 2029. Nobody will lose a mooring.”\n"
        "The council meets again in June."
    )
    statements = _statements(text)
    assert len(statements) == 1
    assert "Nobody will lose a mooring" in statements[0].content.text
    assert statements[0].speaker is not None
    assert statements[0].speaker.name == "Dana Whitcombe"


@pytest.mark.parametrize(
    ("word", "base"),
    [("said", "say"), ("warned", "warn"), ("argues", "argue"), ("denied", "deny")],
)
def test_cue_words_are_reduced_to_the_lexicon_forms(word: str, base: str) -> None:
    assert base_form(word) == base


def test_the_probability_is_a_logistic_of_the_features() -> None:
    assert probability({}, {"bias": 0.0}) == 0.5
    assert probability({"cue_say": 1.0}, {"bias": -1.0, "cue_say": 1.0}) == 0.5
    assert probability({"x": 1.0}, {"x": 100.0}) == pytest.approx(1.0)


def test_about_names_only_speakers_of_the_kept_statements() -> None:
    # NASA and Bill Nelson speak only in left-out candidates (a plan, an act): Maria
    # Lopez's statement is about them, and must not point at her id or at a missing one.
    text = (
        "NASA plans to launch the probe in 2027, three years later than first hoped. "
        "Bill Nelson agreed to inject $6.5bn into the venture on Tuesday. "
        "Maria Lopez said that NASA and Bill Nelson were wrong about the probe."
    )
    document = saidwhat.extract(text)
    names = {s.id: s.name for s in document.speakers}
    (statement,) = document.attributions
    assert [e.name for e in statement.about] == ["NASA", "Bill Nelson"]
    for entity in statement.about:
        assert entity.id is None or names[entity.id] == entity.name


def test_left_out_speakers_leave_no_ids_behind() -> None:
    speakers = [Speaker("s1", "Ann Lee", "PERSON"), Speaker("s2", "Bob Roe", "PERSON")]
    text = "Ann Lee said Bob Roe was wrong."
    kept = Attribution(
        "indirect",
        TextSpan.of(text, [(13, 30)]),
        speaker=EntityRef("Ann Lee", "PERSON", "s1"),
        about=[EntityRef("Bob Roe", "PERSON", "s2")],
    )
    found, (statement,) = spoken(speakers, [kept])
    assert [s.name for s in found] == ["Ann Lee"]
    assert statement.about == [EntityRef("Bob Roe", "PERSON", None)]
    # the chunks of a long text are joined by speaker id: a stale one failed the document
    _, joined = join_results([(0, found, [statement]), (100, [], [])])
    assert joined[0].about == [EntityRef("Bob Roe", "PERSON", None)]


def test_an_organisation_named_only_in_sources_is_one_speaker() -> None:
    text = (
        "A Zorbex survey found that most voters oppose the new tax on fuel. The weather was "
        "mild. A Zorbex survey found that most drivers want cheaper fuel."
    )
    document = saidwhat.extract(text, min_confidence=0.0)
    assert [(s.id, s.name) for s in document.speakers] == [("s1", "Zorbex")]
    assert [a.speaker.id for a in document.attributions if a.speaker] == ["s1", "s1"]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("The United States said on Monday that the talks had failed.", "United States"),
        ("Consumer Reports said the car was unsafe and should be recalled.", "Consumer Reports"),
        (
            "The Organization of American States said the election had been fair.",
            "Organization of American States",
        ),
    ],
)
def test_a_place_or_organisation_keeps_the_verb_like_end_of_its_name(
    text: str, speaker: str
) -> None:
    # "Obama Says" in a headline is Obama; "States" and "Reports" are part of these names.
    (statement,) = saidwhat.extract(text, min_confidence=0.0).attributions
    assert statement.speaker is not None and statement.speaker.name == speaker


@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        (
            "“He makes blanket statements about people he knows nothing about.”― Pamela Padilla",
            "Pamela Padilla",
        ),
        ("“I am so ashamed to be an American today, honestly.” ― Jacklyn Ashley", "Jacklyn Ashley"),
        ("“We will win this fight in the end,” — John Smith, a teacher in Ohio", "John Smith"),
    ],
)
def test_a_quotation_signed_after_a_dash_is_the_signers(line: str, speaker: str) -> None:
    text = f"Voters share their thoughts on the race.\n\n{line}\n"
    (statement,) = _statements(text)
    assert statement.kind == "direct"
    assert statement.cue is not None and statement.cue.text in "―—"
    assert statement.source is not None and statement.source.text == speaker
    assert statement.speaker is not None and statement.speaker.name == speaker


def test_a_dash_after_a_quotation_without_a_name_signs_nothing() -> None:
    text = "Voters share their thoughts.\n\n“We will win this fight in the end” — and they did.\n"
    for statement in saidwhat.extract(text, min_confidence=0.0).attributions:
        assert statement.cue is None or statement.cue.text != "—"


def test_a_pronoun_right_after_an_unnamed_person_is_that_person() -> None:
    text = (
        "Maria Lopez, the mayor, said the town would rebuild.\n\n"
        'A local doctor told reporters that three people had died. "It was chaos," she said.\n\n'
        'The woman said the roads were closed. "We had no warning," he said.\n\n'
        'The new contract says workers get more pay. "It is fair," he said.'
    )
    by_content = {
        s.content.text.strip('"'): s for s in saidwhat.extract(text, min_confidence=0).attributions
    }
    chaos = by_content["It was chaos,"]
    assert chaos.speaker is not None and chaos.speaker.name == "A local doctor"
    assert by_content["We had no warning,"].speaker is None  # "he" is not the woman
    assert by_content["It is fair,"].speaker is None  # nor a contract


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("The couple split. Ex-friends claimed that she was rude to the staff.", "Ex-friends"),
        ("The row grew. Number 10 said the letter was wrong about the budget.", "Number 10"),
    ],
)
def test_an_unnamed_speaker_is_named_by_its_whole_description(text: str, speaker: str) -> None:
    (statement,) = saidwhat.extract(text, min_confidence=0).attributions
    assert statement.speaker is not None and statement.speaker.name == speaker


def test_an_age_description_split_at_its_hyphens_is_the_person_who_spoke() -> None:
    text = (
        "Maria Lopez says the predator treated his victims like dolls.\n\n"
        "The 37-year-old said the abuse took place in the massage room of the mansion."
    )
    statements = saidwhat.extract(text, min_confidence=0).attributions
    aged = next(s for s in statements if s.source and s.source.text == "The 37-year-old")
    assert aged.speaker is not None and aged.speaker.name == "Maria Lopez"
