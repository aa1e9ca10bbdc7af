"""Attribution scores that compare across tools.

Definitions (document level):

1. whitespace and punctuation characters are ignored when two spans are compared;
2. predicted and gold attributions are paired greedily by the character Jaccard
   of their contents, best first, only at Jaccard >= 0.5 (``PAIR_AT``); every pair
   counts for "partial", a pair at Jaccard 1.0 for "exact";
3. source and cue are scored on paired attributions: exact when their
   characters are equal; precision over predictions having that part, recall
   over gold attributions having it;
4. per-character scores compare the sets of characters labelled source, cue or
   content in the document;
5. where the gold attributions carry a hand-resolved speaker, ``speaker`` counts the
   paired ones whose predicted speaker agrees (``evaluate.speakers``).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from saidwhat.evaluate.speakers import speakers_agree
from saidwhat.model import Attribution, TextSpan

PARTS = ("content", "source", "cue")
#: Content character Jaccard from which a predicted and a gold attribution pair (the house
#: definition; pairing at any overlap scored source and cue about 0.06 higher on dev).
PAIR_AT = 0.5


def _ignored(char: str) -> bool:
    return char.isspace() or unicodedata.category(char)[0] in "PS"


def chars(span: TextSpan | None, text: str) -> frozenset[int]:
    """The character offsets of ``span``, without whitespace and punctuation."""
    if span is None:
        return frozenset()
    return frozenset(i for s, e in span.spans for i in range(s, e) if not _ignored(text[i]))


def _jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


@dataclass(slots=True)
class Report:
    """Counts behind precision/recall/F1 for each measure."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)
    documents: int = 0

    def add(self, measure: str, tp: int, n_pred: int, n_gold: int) -> None:
        c = self.counts.setdefault(measure, Counter())
        c.update(tp=tp, pred=n_pred, gold=n_gold)

    def prf(self, measure: str) -> tuple[float, float, float]:
        c = self.counts.get(measure, Counter())
        p = c["tp"] / c["pred"] if c["pred"] else 0.0
        r = c["tp"] / c["gold"] if c["gold"] else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"documents": self.documents}
        for measure in self.counts:
            p, r, f = self.prf(measure)
            result[measure] = {"precision": p, "recall": r, "f1": f, **self.counts[measure]}
        return result

    def format_table(self) -> str:
        lines = [f"{'measure':<18} {'P':>6} {'R':>6} {'F1':>6} {'tp':>7} {'pred':>7} {'gold':>7}"]
        for measure, c in self.counts.items():
            p, r, f = self.prf(measure)
            counts = f"{c['tp']:7d} {c['pred']:7d} {c['gold']:7d}"
            lines.append(f"{measure:<18} {p:6.3f} {r:6.3f} {f:6.3f} {counts}")
        lines.append(f"documents: {self.documents}")
        return "\n".join(lines)


def _pair(gold: list[frozenset[int]], pred: list[frozenset[int]]) -> list[tuple[int, int, float]]:
    candidates = sorted(
        (
            (_jaccard(g, p), gi, pi)
            for gi, g in enumerate(gold)
            for pi, p in enumerate(pred)
            if not g.isdisjoint(p)
        ),
        reverse=True,
    )
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for jac, gi, pi in candidates:
        if jac < PAIR_AT:
            break
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
            pairs.append((gi, pi, jac))
    return pairs


def score_document(
    report: Report, text: str, gold: Sequence[Attribution], pred: Sequence[Attribution]
) -> None:
    """Add one document's counts to ``report``."""
    gold_content = [chars(a.content, text) for a in gold]
    pred_content = [chars(a.content, text) for a in pred]
    pairs = _pair(gold_content, pred_content)
    for name, threshold in (("content_exact", 1.0), ("content_partial", 0.5)):
        tp = sum(1 for *_, jac in pairs if jac >= threshold)
        report.add(name, tp, len(pred), len(gold))
    for part in ("source", "cue"):
        g_sets = [chars(getattr(a, part), text) for a in gold]
        p_sets = [chars(getattr(a, part), text) for a in pred]
        tp = sum(1 for gi, pi, _ in pairs if g_sets[gi] and g_sets[gi] == p_sets[pi])
        report.add(f"{part}_exact", tp, sum(map(bool, p_sets)), sum(map(bool, g_sets)))
    for part in PARTS:
        g_all = frozenset().union(*(chars(getattr(a, part), text) for a in gold))
        p_all = frozenset().union(*(chars(getattr(a, part), text) for a in pred))
        report.add(f"{part}_chars", len(g_all & p_all), len(p_all), len(g_all))
    resolved = [(gi, pi) for gi, pi, _ in pairs if gold[gi].speaker is not None]
    if resolved:
        agree = sum(
            speakers_agree(gold[gi].speaker.name, gold[gi].speaker.type, _name(pred[pi]))
            for gi, pi in resolved
        )
        report.add("speaker", agree, len(resolved), len(resolved))
    report.documents += 1


def _name(attribution: Attribution) -> str | None:
    return attribution.speaker.name if attribution.speaker else None


def score(
    documents: Iterable[tuple[str, Sequence[Attribution], Sequence[Attribution]]],
) -> Report:
    """Score ``(text, gold, predicted)`` triples."""
    report = Report()
    for text, gold, pred in documents:
        score_document(report, text, gold, pred)
    return report
