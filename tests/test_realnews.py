"""``saidwhat eval realnews``: scoring hand-annotated pages, and the speaker agreement rule."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from saidwhat.cli import main
from saidwhat.evaluate.realnews import RealNewsReport, pair, score_page, words
from saidwhat.evaluate.speakers import speakers_agree
from saidwhat.model import Attribution, EntityRef, TextSpan

GOLD = Path(__file__).resolve().parents[1] / "evaluation" / "realnews" / "gold.jsonl"

PAGE = """<html><head><title>Harbour plan</title></head><body><article>
<h1>Mayor Says Harbour Plan Will Go Ahead</h1>
<p>The mayor of Port Elsin, Dana Whitcombe, said on Monday that the harbour plan would go
ahead despite the objections of local fishermen.</p>
<p>“We have listened, and we will build it,” Whitcombe told reporters outside the town hall.</p>
<p>The council agreed to spend two million euros on the first phase of the works.</p>
</article></body></html>"""


@pytest.mark.parametrize(
    ("gold", "gold_type", "predicted", "agree"),
    [
        ("Hillary Clinton", "PERSON", "Clinton", True),
        ("Hillary Clinton", "PERSON", "Bill Clinton", False),
        ("Hillary Clinton", "PERSON", "Mrs. Clinton", True),
        ("Tim Cook", "PERSON", "Hosting Cook", False),
        ("a Kremlin spokesman", "PERSON", "Kremlin", True),
        ("Big Machine Records", "ORG", "Big Machine", True),
        ("Big Machine Records", "ORG", "the statement", False),
        ("Pew Research Center", "ORG", None, False),
    ],
)
def test_speakers_agree_by_the_issue_rule(
    gold: str, gold_type: str, predicted: str | None, agree: bool
) -> None:
    assert speakers_agree(gold, gold_type, predicted) is agree


def test_pairs_need_half_the_words_and_are_made_best_first() -> None:
    gold = [words("the plan would go ahead"), words("we will build it")]
    predicted = [words("that the plan would go ahead despite objections"), words("build it")]
    # 5 of 8 words (0.625) for the first, best; "build it" has 2 of the 4 words of the second
    # (0.5), which is still enough.
    assert pair(gold, predicted) == [(0, 0), (1, 1)]
    assert pair([words("we will build it")], [words("it")]) == []


def _said(text: str, content: str, speaker: str | None, kind: str = "indirect") -> Attribution:
    start = text.index(content)
    ref = EntityRef(speaker, "PERSON") if speaker else None
    return Attribution(kind, TextSpan.of(text, [(start, start + len(content))]), speaker=ref)


def test_score_page_counts_statements_direct_quotes_and_speakers() -> None:
    from saidwhat.evaluate.realnews import GoldStatement

    text = "Whitcombe said the plan would go ahead. “We will build it,” she said. Filler here."
    gold = [
        GoldStatement("the plan would go ahead", "indirect", "Dana Whitcombe", "PERSON"),
        GoldStatement("We will build it", "direct", "Dana Whitcombe", "PERSON"),
    ]
    predicted = [
        _said(text, "the plan would go ahead", "Whitcombe"),
        _said(text, "“We will build it,”", None, kind="direct"),
        _said(text, "Filler here", "Whitcombe"),
    ]
    report = RealNewsReport()
    score_page(report, gold, predicted)
    assert report.counts["statements"] == Counter(tp=2, pred=3, gold=2)
    assert report.counts["direct"] == Counter(tp=1, pred=1, gold=1)
    assert report.counts["speaker"] == Counter(paired=2, agree=1)  # the quote has no speaker


def _pages(tmp_path: Path) -> Path:
    pages = tmp_path / "pages" / "xx"
    pages.mkdir(parents=True)
    (pages / "Harbour_2026_01_01.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    return tmp_path / "pages"


def _gold(tmp_path: Path, records: list[dict]) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.mark.model
def test_eval_realnews_scores_a_page(tmp_path: Path) -> None:
    statements = [
        {
            "content": "the harbour plan would go ahead despite the objections of local fishermen",
            "cue": "said",
            "source": "The mayor of Port Elsin, Dana Whitcombe",
            "speaker": "Dana Whitcombe",
            "speaker_type": "PERSON",
            "kind": "indirect",
        },
        {
            "content": "We have listened, and we will build it",
            "cue": "told",
            "source": "Whitcombe",
            "speaker": "Dana Whitcombe",
            "speaker_type": "PERSON",
            "kind": "direct",
        },
    ]
    gold = _gold(tmp_path, [{"page": "xx/Harbour_2026_01_01", "statements": statements}])
    details = tmp_path / "details.jsonl"
    args = ["eval", "realnews", str(gold), str(_pages(tmp_path)), "--format", "json"]
    result = CliRunner().invoke(main, [*args, "--details", str(details)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["pages"] == 1 and report["failed"] == []
    assert report["statements"]["tp"] == 2 and report["statements"]["gold"] == 2
    assert report["statements"]["pred"] == 2  # neither the headline nor the council's act
    assert report["direct"]["tp"] == 1
    assert report["speaker"] == {"accuracy": 1.0, "paired": 2, "agree": 2}
    (page,) = [json.loads(line) for line in details.read_text().splitlines()]
    assert page["missed"] == [] and len(page["predicted"]) == 2


def test_a_missing_page_counts_its_gold_as_missed(tmp_path: Path) -> None:
    statements = [{"content": "x y z", "speaker": None, "kind": "direct"}]
    gold = _gold(tmp_path, [{"page": "xx/Nowhere_2026_01_01", "statements": statements}])
    pages = tmp_path / "pages"
    pages.mkdir()
    result = CliRunner().invoke(main, ["eval", "realnews", str(gold), str(pages)])
    assert result.exit_code == 0, result.output
    assert "failed: xx/Nowhere_2026_01_01:" in result.stdout
    assert "statements    0.000  0.000  0.000      0      0      1" in result.stdout


def test_a_malformed_gold_file_is_one_line(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"page": "a"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "realnews", str(gold), str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"saidwhat: error: {gold}:1: not a gold page record")
    assert result.stderr.count("\n") == 1


def test_the_project_gold_is_well_formed() -> None:
    """Every gold record has the guideline's fields, kinds and speaker types."""
    records = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]
    assert len(records) >= 40
    kinds = Counter(s["kind"] for r in records for s in r["statements"])
    assert set(kinds) == {"direct", "indirect", "mixed"}
    for record in records:
        for statement in record["statements"]:
            assert statement["content"].strip()
            assert statement["speaker_type"] in {
                "PERSON",
                "ORG",
                "GROUP",
                "DOCUMENT",
                "UNKNOWN",
                None,
            }
