"""Fit the statement scorer (``attribute/statements.py``) on hand-annotated news pages.

    python training/train_statements.py evaluation/realnews/gold.jsonl ../shared/data/news-pages \\
        --tagger accurate --out src/saidwhat/attribute/statement_weights.json

1. every candidate the pipeline proposes on each gold page (no threshold) is labelled 1
   when it pairs with a gold statement (word-multiset Jaccard >= 0.5, greedy, as
   ``saidwhat eval realnews`` pairs), else 0; candidates are cached in ``--cache``;
2. an L2-regularised logistic regression is cross-validated by page (``--folds``): the
   out-of-fold probabilities give the calibration (expected calibration error, a
   reliability table) and precision / recall at each threshold;
3. the threshold is the lowest whose cross-validated statement precision reaches
   ``--precision``; the model fitted on all pages is written with it.

Needs scikit-learn (not a dependency of saidwhat: only this script uses it).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from saidwhat.attribute.statements import with_interactions
from saidwhat.evaluate.realnews import page_path, pair, read_gold, read_page, words
from saidwhat.parse import load_pipeline


def candidates(gold_path: Path, pages_dir: Path, tagger: str) -> list[dict]:
    """Every candidate of every gold page, with its features, label and page."""
    nlp = load_pipeline(tagger=tagger, min_confidence=0.0)
    rows = []
    for page in read_gold(gold_path):
        document = read_page(page_path(pages_dir, page.page), page.page)
        doc = nlp(document.text)
        found = doc._.candidates or []
        gold_words = [words(g.content) for g in page.statements]
        pairs = pair(gold_words, [words(a.content.text) for a, _ in found])
        paired = {pi for _, pi in pairs}
        for i, (attribution, feats) in enumerate(found):
            rows.append(
                {
                    "page": page.page,
                    "label": int(i in paired),
                    "features": feats,
                    "content": attribution.content.text[:200],
                    "cue": attribution.cue.text if attribution.cue else None,
                }
            )
        rows.append({"page": page.page, "gold": len(page.statements)})
    return rows


def _matrix(rows: list[dict], names: list[str]) -> np.ndarray:
    return np.array([[r["features"].get(n, 0.0) for n in names] for r in rows])


def fit(rows: list[dict], names: list[str], c: float):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=5000)
    model.fit(_matrix(rows, names), [r["label"] for r in rows])
    return model


def cross_validate(rows: list[dict], names: list[str], c: float, folds: int) -> np.ndarray:
    """Out-of-fold probabilities, folds made of whole pages."""
    pages = sorted({r["page"] for r in rows})
    fold_of = {p: i % folds for i, p in enumerate(pages)}
    out = np.zeros(len(rows))
    for k in range(folds):
        train = [r for r in rows if fold_of[r["page"]] != k]
        test = [i for i, r in enumerate(rows) if fold_of[r["page"]] == k]
        model = fit(train, names, c)
        out[test] = model.predict_proba(_matrix([rows[i] for i in test], names))[:, 1]
    return out


def precision_recall(rows: list[dict], probs: np.ndarray, threshold: float, n_gold: int):
    kept = probs >= threshold
    labels = np.array([r["label"] for r in rows])
    tp = int((labels & kept).sum())
    p = tp / kept.sum() if kept.sum() else 0.0
    return p, tp / n_gold, int(kept.sum())


def calibration(rows: list[dict], probs: np.ndarray, bins: int = 10) -> tuple[float, list]:
    labels = np.array([r["label"] for r in rows])
    table, ece = [], 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = (probs >= lo) & ((probs < hi) if b < bins - 1 else (probs <= hi))
        if inside.sum():
            mean_p, rate = probs[inside].mean(), labels[inside].mean()
            ece += inside.sum() / len(rows) * abs(mean_p - rate)
            table.append((lo, hi, int(inside.sum()), float(mean_p), float(rate)))
    return ece, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("pages", type=Path)
    parser.add_argument("--tagger", default="accurate")
    parser.add_argument("--cache", type=Path, help="candidates JSON lines (written, or read)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--c", type=float, default=1.0, help="inverse L2 strength")
    parser.add_argument("--precision", type=float, default=0.85)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    if args.cache and args.cache.exists():
        rows = [json.loads(line) for line in args.cache.open(encoding="utf-8")]
    else:
        rows = candidates(args.gold, args.pages, args.tagger)
        if args.cache:
            with args.cache.open("w", encoding="utf-8") as out:
                out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    n_gold = sum(r.get("gold", 0) for r in rows)
    rows = [r for r in rows if "label" in r]
    for row in rows:  # the cache may predate an interaction
        row["features"] = with_interactions(row["features"])
    names = sorted({n for r in rows for n in r["features"]})
    print(f"{len(rows)} candidates ({sum(r['label'] for r in rows)} statements), {n_gold} gold")

    probs = cross_validate(rows, names, args.c, args.folds)
    ece, table = calibration(rows, probs)
    print(f"cross-validated ECE {ece:.3f}")
    for lo, hi, n, mean_p, rate in table:
        print(f"  [{lo:.1f}, {hi:.1f}) n={n:4d} mean confidence {mean_p:.2f} right {rate:.2f}")
    threshold = None
    for t in np.arange(0.0, 1.0, 0.05):
        p, r, kept = precision_recall(rows, probs, t, n_gold)
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"  threshold {t:.2f}: P {p:.3f} R {r:.3f} F1 {f:.3f} kept {kept}")
        if threshold is None and p >= args.precision:
            threshold = round(float(t), 2)
    if threshold is None:
        print(f"no threshold reaches precision {args.precision}", file=sys.stderr)
        threshold = 0.5

    model = fit(rows, names, args.c)
    weights = {"bias": float(model.intercept_[0])}
    weights |= {n: round(float(w), 4) for n, w in zip(names, model.coef_[0], strict=True)}
    by_weight = sorted(weights.items(), key=lambda kv: kv[1])
    print("weights:", ", ".join(f"{k} {v:+.2f}" for k, v in by_weight))
    errors = defaultdict(list)
    for r, prob in zip(rows, probs, strict=True):
        if (prob >= threshold) != bool(r["label"]):
            errors["kept, not gold" if prob >= threshold else "dropped, gold"].append((prob, r))
    if args.out:
        record = {
            "threshold": threshold,
            "trained_on": f"{args.gold} ({len({r['page'] for r in rows})} pages, {args.tagger})",
            "cross_validated": {"ece": round(ece, 4), "folds": args.folds},
            "weights": weights,
        }
        args.out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out} (threshold {threshold})")


if __name__ == "__main__":
    main()
