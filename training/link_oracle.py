"""Score the linker on gold or tagged SOURCE/CUE/CONTENT spans.

    python training/link_oracle.py ../shared/data/polnear [--split train|dev] [--no-quotes]
    python training/link_oracle.py ../shared/data/polnear --split heldout --tagger MODEL_DIR

With gold spans this is the upper bound of the tagger + linker design: any loss
is the linker's. With ``--tagger`` the tagger runs on the pre-parsed docs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import spacy
from prepare import HELDOUT
from spacy.tokens import DocBin

from saidwhat.attribute import assemble
from saidwhat.evaluate import read_polnear, score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("polnear", type=Path)
    parser.add_argument("--split", default="train")
    parser.add_argument("--corpus", type=Path, default=Path("training/corpus"))
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--no-quotes", action="store_true")
    parser.add_argument("--no-rules", action="store_true")
    parser.add_argument("--tagger", type=Path, help="tag with this model instead of gold spans")
    args = parser.parse_args()
    if args.no_quotes:
        assemble._quote_groups = lambda doc, groups, quotes: []
    if args.split == "heldout":  # the tail of train that prepare.py held out
        golds = list(read_polnear(args.polnear / "train"))[-HELDOUT:][: args.limit]
    else:
        golds = list(read_polnear(args.polnear / args.split, limit=args.limit))
    nlp = spacy.blank("en")
    docs = DocBin().from_disk(args.corpus / f"{args.split}.spacy").get_docs(nlp.vocab)
    triples = []
    if args.tagger:
        import saidwhat.attribute.features  # noqa: F401  (the tagger's architecture)

        tagger = spacy.load(args.tagger)
        docs = tagger.pipe(docs)
    # train.spacy lacks the held-out tail, so zip stops early there.
    for gold, doc in zip(golds, docs, strict=False):
        parts = list(doc.ents) if args.tagger else list(doc.spans["gold_parts"])
        predicted = assemble.find_attributions(doc, parts, rules=not args.no_rules)
        triples.append((gold.text, gold.attributions, predicted))
    print(score(triples).format_table())


if __name__ == "__main__":
    main()
