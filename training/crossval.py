"""k-fold cross-validation of the tagger + linker over all of PolNeAR train.

    python training/crossval.py ../shared/data/polnear training/cv [--folds 5] [--max-steps 3600]
        [--config CFG] [--jobs 2]

60 held-out articles tell differences of about 0.02 F1 apart (training/EXPERIMENTS.md);
pooling the counts of k folds, each scored by a tagger trained without it, measures on
all 840. Fold i holds every k-th article from the i-th; each fold's tagger is trained
with ``training/train.py`` (its best checkpoint on that fold is kept, as for the
held-out runs), then scored end to end like ``link_oracle.py --tagger``. Writes
``OUT/fold-i/`` and prints the pooled table. PolNeAR dev is not used.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import spacy
from spacy.tokens import DocBin

import saidwhat.attribute.features  # noqa: F401  (the tagger's architecture)
from saidwhat.attribute import assemble
from saidwhat.evaluate import read_polnear
from saidwhat.evaluate.metrics import Report, score_document

HERE = Path(__file__).resolve().parent


def write_folds(corpus: Path, out: Path, folds: int) -> list[Path]:
    nlp = spacy.blank("en")
    docs = list(DocBin().from_disk(corpus).get_docs(nlp.vocab))
    dirs = []
    for i in range(folds):
        fold = out / f"fold-{i}"
        fold.mkdir(parents=True, exist_ok=True)
        train, held = DocBin(store_user_data=False), DocBin(store_user_data=False)
        for n, doc in enumerate(docs):
            (held if n % folds == i else train).add(doc)
        train.to_disk(fold / "train.spacy")
        held.to_disk(fold / "heldout.spacy")
        dirs.append(fold)
    return dirs


def train_fold(fold: Path, config: Path, max_steps: int) -> None:
    if (fold / "model" / "model-best").exists():
        return  # trained by an earlier run
    command = [
        sys.executable,
        str(HERE / "train.py"),
        str(fold / "model"),
        "--config",
        str(config),
        "--train",
        str(fold / "train.spacy"),
        "--dev",
        str(fold / "heldout.spacy"),
        "--max-steps",
        str(max_steps),
    ]
    with open(fold / "train.log", "w") as log:
        subprocess.run(command, check=True, stdout=log, stderr=subprocess.STDOUT)


def score_fold(fold: Path, golds: list, index: int, folds: int, report: Report) -> None:
    tagger = spacy.load(fold / "model" / "model-best")
    docs = DocBin().from_disk(fold / "heldout.spacy").get_docs(tagger.vocab)
    held = [g for n, g in enumerate(golds) if n % folds == index]
    for gold, doc in zip(held, tagger.pipe(docs), strict=True):
        if doc.text != gold.text:
            raise SystemExit(f"{fold}: the corpus is not PolNeAR train in order ({gold.name})")
        predicted = assemble.find_attributions(doc, list(doc.ents))
        score_document(report, gold.text, gold.attributions, predicted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("polnear", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--corpus", type=Path, default=HERE / "corpus" / "train-all.spacy")
    parser.add_argument("--config", type=Path, default=HERE / "config.cfg")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--max-steps", type=int, default=3600)
    parser.add_argument("--jobs", type=int, default=2, help="folds trained at once")
    args = parser.parse_args()
    fold_dirs = write_folds(args.corpus, args.out, args.folds)
    with ThreadPoolExecutor(args.jobs) as pool:
        list(pool.map(lambda f: train_fold(f, args.config, args.max_steps), fold_dirs))
    golds = list(read_polnear(args.polnear / "train"))
    report = Report()
    for index, fold in enumerate(fold_dirs):
        score_fold(fold, golds, index, args.folds, report)
    print(report.format_table())


if __name__ == "__main__":
    main()
