"""The scorer's definitions, the PolNeAR reader, and the accuracy gate on PolNeAR dev."""

from __future__ import annotations

from pathlib import Path

import pytest

from saidwhat.evaluate import read_polnear, score
from saidwhat.evaluate.polnear import evaluate_polnear, parse_ann
from saidwhat.model import Attribution, TextSpan

POLNEAR = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear"
needs_polnear = pytest.mark.skipif(
    not (POLNEAR / "dev").is_dir(),
    reason=f"PolNeAR not found at {POLNEAR} (shared data absent)",
)

TEXT = 'Ms. Reyes said the plan "will fail." Officials denied it.'


def _span(sub: str, text: str = TEXT) -> TextSpan:
    start = text.index(sub)
    return TextSpan.of(text, [(start, start + len(sub))])


def _attribution(content: str, cue: str | None = None, source: str | None = None) -> Attribution:
    return Attribution(
        kind="indirect",
        content=_span(content),
        cue=_span(cue) if cue else None,
        source=_span(source) if source else None,
    )


def test_punctuation_and_whitespace_do_not_count() -> None:
    gold = [_attribution('the plan "will fail."', "said", "Ms. Reyes")]
    pred = [_attribution('the plan "will fail', "said", "Ms. Reyes")]
    report = score([(TEXT, gold, pred)])
    assert report.prf("content_exact") == (1.0, 1.0, 1.0)
    assert report.prf("source_exact") == (1.0, 1.0, 1.0)


def test_partial_needs_half_the_characters() -> None:
    gold = [_attribution('the plan "will fail."', "said", "Ms. Reyes")]
    half = [_attribution("the plan", "said", "Reyes")]
    report = score([(TEXT, gold, half)])
    assert report.prf("content_exact")[2] == 0.0
    assert report.prf("content_partial")[2] == 0.0  # "the plan" is 7 of 15 characters
    # Not paired (the house definition): source and cue are not compared either.
    report = score([(TEXT, gold, [_attribution("the plan", "said", "Ms. Reyes")])])
    assert report.counts["source_exact"] == {"tp": 0, "pred": 1, "gold": 1}
    assert report.counts["cue_exact"] == {"tp": 0, "pred": 1, "gold": 1}
    report = score([(TEXT, gold, [_attribution('plan "will fail', "said")])])
    assert report.prf("content_partial")[2] == 1.0
    # Source is scored on paired attributions: missing in the prediction costs recall only.
    assert report.prf("source_exact") == (0.0, 0.0, 0.0)
    assert report.counts["source_exact"]["pred"] == 0


def test_pairing_is_greedy_best_first_and_one_to_one() -> None:
    gold = [_attribution('the plan "will fail."'), _attribution("it", "denied", "Officials")]
    pred = [_attribution('the plan "will fail."'), _attribution('plan "will fail."')]
    report = score([(TEXT, gold, pred)])
    assert report.counts["content_exact"] == {"tp": 1, "pred": 2, "gold": 2}
    assert report.counts["content_partial"]["tp"] == 1


def test_parse_ann_reads_fragments_and_skips_attributions_without_content() -> None:
    text = "“We won,” she said, “and we will win again.” He agreed."
    ann = "\n".join(
        [
            "T1\tContent 0 9;20 44\t“We won,” “and we will win again.”",
            "T2\tCue 14 18\tsaid",
            "T3\tSource 10 13\tshe",
            "T4\tAttribution 14 18\tsaid",
            "E1\tAttribution:T4 Source:T3 Content:T1 Cue:T2",
            "T5\tCue 48 54\tagreed",
            "a continuation line of a span text that held a newline",
            "E2\tAttribution-no-source:T5 Cue:T5",
        ]
    )
    (attribution,) = parse_ann(ann, text)
    assert attribution.content.spans == ((0, 9), (20, 44))
    assert attribution.source and attribution.source.text == "she"
    assert attribution.cue and attribution.cue.text == "said"


@needs_polnear
def test_reader_takes_the_first_annotation_file_as_gold() -> None:
    docs = list(read_polnear(POLNEAR / "dev", limit=3))
    assert len(docs) == 3
    assert all(doc.attributions for doc in docs)
    for doc in docs:
        for attribution in doc.attributions:
            for start, end in attribution.content.spans:
                assert 0 <= start < end <= len(doc.text)


# Regression floors on the first 40 dev articles, pinned just under what each tagger
# measures there with the default statement threshold (`saidwhat eval polnear
# ../shared/data/polnear/dev --limit 40 [--tagger fast]`), content exact / partial / source /
# cue / speaker: accurate 0.522 / 0.641 / 0.595 / 0.576 / 0.846, fast 0.487 / 0.616 / 0.573 /
# 0.567 / 0.848. The threshold is chosen for precision on real news, and PolNeAR also counts
# plans and beliefs, so recall there is far below the candidates' (see README, Accuracy).
# EPSILON absorbs float noise only.
FLOORS = {
    "fast": {
        "content_exact": 0.48,
        "content_partial": 0.61,
        "source_exact": 0.565,
        "cue_exact": 0.56,
        "speaker": 0.84,
    },
    "accurate": {
        "content_exact": 0.515,
        "content_partial": 0.635,
        "source_exact": 0.59,
        "cue_exact": 0.57,
        "speaker": 0.84,
    },
}
EPSILON = 0.005


@needs_polnear
@pytest.mark.model
@pytest.mark.parametrize("tagger", ["fast", "accurate"])
def test_accuracy_gate_on_polnear_dev(tagger: str) -> None:
    floors = FLOORS[tagger]
    report = evaluate_polnear(POLNEAR / "dev", limit=40, tagger=tagger)
    f1 = {measure: report.prf(measure)[2] for measure in floors}
    below = {m: round(v, 3) for m, v in f1.items() if v < floors[m] - EPSILON}
    assert not below, f"{tagger}: below the floors {floors}: {below}\n{report.format_table()}"


PAGES = POLNEAR.parent / "news-pages"
REALNEWS_GOLD = Path(__file__).resolve().parents[1] / "evaluation" / "realnews" / "gold.jsonl"
# Floors on every other page of the real-news gold (42 pages), pinned just under what the
# default pipeline measures there (`saidwhat eval realnews` on those pages): statement
# precision / recall, direct-quote precision, speaker accuracy 0.918 / 0.745 / 0.977 /
# 0.861. The statement scorer was fitted on all 84 pages, so these are in-sample; its
# cross-validated precision and recall are in README (Accuracy).
REALNEWS_FLOORS = {
    "statement_precision": 0.91,
    "statement_recall": 0.74,
    "direct_precision": 0.97,
    "speaker": 0.85,
}


@pytest.mark.model
@pytest.mark.skipif(not PAGES.is_dir(), reason=f"news pages not found at {PAGES}")
def test_accuracy_gate_on_real_news_pages(tmp_path: Path) -> None:
    from saidwhat.evaluate.realnews import evaluate_realnews

    lines = REALNEWS_GOLD.read_text(encoding="utf-8").splitlines()
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(lines[::2]) + "\n", encoding="utf-8")
    report, _ = evaluate_realnews(gold, PAGES)
    assert report.failed == []
    measured = {
        "statement_precision": report.prf("statements")[0],
        "statement_recall": report.prf("statements")[1],
        "direct_precision": report.prf("direct")[0],
        "speaker": report.speaker_accuracy(),
    }
    below = {m: round(v, 3) for m, v in measured.items() if v < REALNEWS_FLOORS[m] - EPSILON}
    assert not below, f"below the floors {REALNEWS_FLOORS}: {below}\n{report.format_table()}"
