"""Train the attribution tagger on PolNeAR train and copy it into the package.

    python training/prepare.py ../shared/data/polnear training/corpus
    python training/train.py training/output [--max-steps N]
    python training/train.py training/output-all --train training/corpus/train-all.spacy \
        --max-steps 3600 --ship

Steps and settings were chosen on held-out train articles (the first command;
the held-out F plateaus from about 3,300 steps); the shipped tagger is then
trained on all of train for that many steps, and ``--ship`` copies its last
checkpoint to ``src/saidwhat/weights/tagger``. PolNeAR dev is never used here.
"""

from __future__ import annotations

import argparse
import random
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from spacy.cli.train import train
from spacy.language import Language
from spacy.tokens import DocBin
from spacy.training import Example
from spacy.util import registry

import saidwhat.attribute.features  # noqa: F401  (registers saidwhat.AttributionEmbed.v1)

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "src" / "saidwhat" / "weights" / "tagger"


@registry.readers("saidwhat.PreparsedCorpus.v1")
def preparsed_corpus(path: Path, shuffle: bool = False) -> Callable[[Language], Iterator[Example]]:
    """Examples whose predicted docs keep the English model's tags and parse."""

    def read(nlp: Language) -> Iterator[Example]:
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        if shuffle:
            random.shuffle(docs)
        for doc in docs:
            reference = doc.copy()
            reference.ents = list(doc.spans["gold_parts"])
            del doc.spans["gold_parts"]
            yield Example(doc, reference)

    return read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--max-steps", type=int, default=6000)
    parser.add_argument("--config", type=Path, default=ROOT / "training" / "config.cfg")
    parser.add_argument(
        "--train", type=Path, help="training docs (default: the config's, train minus held-out)"
    )
    parser.add_argument(
        "--dev", type=Path, help="checkpoint-selection docs (default: the config's held-out)"
    )
    parser.add_argument("--ship", action="store_true")
    args = parser.parse_args()
    overrides: dict[str, object] = {"training.max_steps": args.max_steps}
    if args.train:
        overrides["paths.train"] = str(args.train)
    if args.dev:
        overrides["paths.dev"] = str(args.dev)
    train(args.config, args.output, overrides=overrides)
    if args.ship:
        last = args.output / "model-last"
        shutil.rmtree(SHIPPED, ignore_errors=True)
        shutil.copytree(last, SHIPPED)
        print(f"shipped {last} -> {SHIPPED}")


if __name__ == "__main__":
    main()
