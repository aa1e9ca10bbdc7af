"""Score saidwhat on real news pages annotated by hand (``evaluation/realnews/``).

The gold is JSON lines, one page each, as ``../shared/ANNOTATION.md`` defines::

    {"page": "us/APNews_2023_04_28", "statements": [{"content": "...", "cue": "said",
      "source": "the institute", "speaker": "National Statistics Institute",
      "speaker_type": "ORG", "kind": "indirect"}, ...]}

``page`` names a page under the pages directory: ``COUNTRY/NAME`` for
``COUNTRY/NAME.html.gz`` (or ``.html``). Gold strings are verbatim text, not offsets, so
a predicted and a gold statement pair, greedily best first, when the Jaccard of their
contents' word multisets is at least 0.5. Reported:

- ``statements``: precision, recall and F1 of all statements;
- ``direct``: the same for direct quotes alone (direct predictions against direct gold);
- ``speaker``: on paired statements whose gold names a speaker, the share whose
  predicted speaker agrees (``evaluate.speakers``); a prediction with no speaker is wrong.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from saidwhat.attribute import DEFAULT_TAGGER
from saidwhat.errors import DatasetError, SaidwhatError
from saidwhat.evaluate.speakers import speakers_agree
from saidwhat.ingest.decode import decode_bytes
from saidwhat.ingest.html import html_to_document
from saidwhat.model import Attribution, Document
from saidwhat.pipeline import extract_many

#: Word-multiset Jaccard from which a predicted and a gold content are the same statement.
PAIR_AT = 0.5
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class GoldStatement:
    content: str
    kind: str
    speaker: str | None
    speaker_type: str | None
    cue: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class GoldPage:
    page: str
    statements: list[GoldStatement]


def words(text: str) -> Counter[str]:
    """The word multiset of ``text``: case-folded, punctuation and whitespace ignored."""
    return Counter(_WORD.findall(text.casefold()))


def word_jaccard(a: Counter[str], b: Counter[str]) -> float:
    union = sum((a | b).values())
    return sum((a & b).values()) / union if union else 0.0


def pair(gold: Sequence[Counter[str]], predicted: Sequence[Counter[str]]) -> list[tuple[int, int]]:
    """(gold, predicted) index pairs, greedily best first, at word Jaccard >= ``PAIR_AT``."""
    candidates = sorted(
        (
            (jaccard, gi, pi)
            for gi, g in enumerate(gold)
            for pi, p in enumerate(predicted)
            if (jaccard := word_jaccard(g, p)) >= PAIR_AT
        ),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for _, gi, pi in candidates:
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
            pairs.append((gi, pi))
    return pairs


def read_gold(path: Path) -> list[GoldPage]:
    """The pages of a gold JSON-lines file; a malformed line is a ``DatasetError``."""
    pages = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DatasetError(f"{path}: {exc.strerror or exc}") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            statements = [
                GoldStatement(
                    content=s["content"],
                    kind=s.get("kind") or "indirect",
                    speaker=s.get("speaker") or None,
                    speaker_type=s.get("speaker_type") or None,
                    cue=s.get("cue") or "",
                    source=s.get("source") or "",
                )
                for s in record["statements"]
            ]
            pages.append(GoldPage(str(record["page"]), statements))
        except (ValueError, KeyError, TypeError) as exc:
            raise DatasetError(f"{path}:{number}: not a gold page record ({exc})") from exc
    if not pages:
        raise DatasetError(f"{path}: no gold pages")
    return pages


def page_path(pages_dir: Path, page: str) -> Path:
    """The HTML file of ``page`` under ``pages_dir``."""
    for suffix in (".html.gz", ".html", ".htm", ""):
        candidate = pages_dir / f"{page}{suffix}"
        if candidate.is_file():
            return candidate
    raise DatasetError(f"{pages_dir}: no page {page!r} (looked for {page}.html.gz and .html)")


def read_page(path: Path, page: str) -> Document:
    """The article of one saved page, extracted from its HTML as ``saidwhat extract`` does."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return html_to_document(decode_bytes(data), id=page, path=str(path))


@dataclass(slots=True)
class RealNewsReport:
    """Counts behind the real-news scores."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)
    pages: int = 0
    failed: list[str] = field(default_factory=list)

    def add(self, measure: str, **counts: int) -> None:
        self.counts.setdefault(measure, Counter()).update(counts)

    def prf(self, measure: str) -> tuple[float, float, float]:
        c = self.counts.get(measure, Counter())
        p = c["tp"] / c["pred"] if c["pred"] else 0.0
        r = c["tp"] / c["gold"] if c["gold"] else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def speaker_accuracy(self) -> float:
        c = self.counts.get("speaker", Counter())
        return c["agree"] / c["paired"] if c["paired"] else 0.0

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"pages": self.pages, "failed": list(self.failed)}
        for measure in ("statements", "direct"):
            p, r, f = self.prf(measure)
            c = self.counts.get(measure, Counter())
            result[measure] = {"precision": p, "recall": r, "f1": f, **c}
        c = self.counts.get("speaker", Counter())
        result["speaker"] = {"accuracy": self.speaker_accuracy(), **c}
        return result

    def format_table(self) -> str:
        lines = [f"{'measure':<12} {'P':>6} {'R':>6} {'F1':>6} {'tp':>6} {'pred':>6} {'gold':>6}"]
        for measure in ("statements", "direct"):
            p, r, f = self.prf(measure)
            c = self.counts.get(measure, Counter())
            lines.append(
                f"{measure:<12} {p:6.3f} {r:6.3f} {f:6.3f} "
                f"{c['tp']:6d} {c['pred']:6d} {c['gold']:6d}"
            )
        c = self.counts.get("speaker", Counter())
        lines.append(
            f"{'speaker':<12} accuracy {self.speaker_accuracy():.3f} "
            f"({c['agree']} of {c['paired']} paired statements with a gold speaker)"
        )
        lines.append(f"pages: {self.pages}")
        lines.extend(f"failed: {f}" for f in self.failed)
        return "\n".join(lines)


def score_page(
    report: RealNewsReport, gold: Sequence[GoldStatement], predicted: Sequence[Attribution]
) -> list[tuple[int, int]]:
    """Add one page's counts to ``report``; the (gold, predicted) pairs of all statements."""
    gold_words = [words(g.content) for g in gold]
    pred_words = [words(a.content.text) for a in predicted]
    pairs = pair(gold_words, pred_words)
    report.add("statements", tp=len(pairs), pred=len(predicted), gold=len(gold))
    gold_direct = [i for i, g in enumerate(gold) if g.kind == "direct"]
    pred_direct = [i for i, a in enumerate(predicted) if a.kind == "direct"]
    direct = pair([gold_words[i] for i in gold_direct], [pred_words[i] for i in pred_direct])
    report.add("direct", tp=len(direct), pred=len(pred_direct), gold=len(gold_direct))
    for gi, pi in pairs:
        if gold[gi].speaker is None:
            continue
        speaker = predicted[pi].speaker
        agree = speakers_agree(gold[gi].speaker, gold[gi].speaker_type, speaker and speaker.name)
        report.add("speaker", paired=1, agree=int(agree))
    report.pages += 1
    return pairs


def _documents(pages: Iterable[GoldPage], pages_dir: Path) -> Iterator[Document]:
    for page in pages:
        try:
            yield read_page(page_path(pages_dir, page.page), page.page)
        except SaidwhatError as exc:
            # The page still counts (all its gold is missed): nothing is silently dropped.
            yield Document(id=page.page, text="", error=str(exc))


def page_details(
    page: GoldPage, predicted: Sequence[Attribution], pairs: Sequence[tuple[int, int]]
) -> dict[str, Any]:
    """One page's predictions (with the gold each is paired with) and missed gold, for
    reading the errors."""
    by_pred = {pi: gi for gi, pi in pairs}
    paired_gold = set(by_pred.values())
    rows = []
    for pi, attribution in enumerate(predicted):
        gold = page.statements[by_pred[pi]] if pi in by_pred else None
        speaker = attribution.speaker.name if attribution.speaker else None
        rows.append(
            {
                "content": attribution.content.text,
                "kind": attribution.kind,
                "cue": attribution.cue.text if attribution.cue else None,
                "source": attribution.source.text if attribution.source else None,
                "speaker": speaker,
                "confidence": round(attribution.confidence, 3),
                "gold": None
                if gold is None
                else {"content": gold.content, "speaker": gold.speaker},
                "speaker_agrees": None
                if gold is None or gold.speaker is None
                else speakers_agree(gold.speaker, gold.speaker_type, speaker),
            }
        )
    missed = [
        {"content": g.content, "kind": g.kind, "cue": g.cue, "speaker": g.speaker}
        for gi, g in enumerate(page.statements)
        if gi not in paired_gold
    ]
    return {"page": page.page, "predicted": rows, "missed": missed}


def evaluate_realnews(
    gold_path: Path,
    pages_dir: Path,
    *,
    n_process: int = 1,
    tagger: str = DEFAULT_TAGGER,
    min_confidence: float | None = None,
) -> tuple[RealNewsReport, list[dict[str, Any]]]:
    """Run saidwhat over the gold pages and score the statements of at least
    ``min_confidence``; also each page's details (``page_details``)."""
    pages = read_gold(gold_path)
    report = RealNewsReport()
    details = []
    extracted = extract_many(
        _documents(pages, pages_dir),
        n_process=n_process,
        tagger=tagger,
        min_confidence=min_confidence,
    )
    for page, document in zip(pages, extracted, strict=True):
        if document.error:
            report.failed.append(f"{page.page}: {document.error}")
        predicted = document.attributions
        pairs = score_page(report, page.statements, predicted)
        details.append(page_details(page, predicted, pairs))
    return report, details
