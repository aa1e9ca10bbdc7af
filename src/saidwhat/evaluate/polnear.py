"""Read PolNeAR (Newell, Margolin & Ruths, LREC 2018) splits in brat standoff format.

A split directory holds ``text/NAME.txt`` and ``attributions/NAME_ANNOTATOR.ann``.
Where a text has several annotation files, the first in sorted order is gold.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from saidwhat.errors import DatasetError
from saidwhat.evaluate.metrics import Report, score
from saidwhat.model import Attribution, Document, TextSpan
from saidwhat.pipeline import extract_many

# "T16<TAB>Content 1359 1390;1393 1432<TAB>text". A few span texts hold a newline,
# so continuation lines exist: only lines matching these patterns are read.
_TEXT_BOUND = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t")
_EVENT = re.compile(r"^(E\d+)\t(\S+)(.*)$")


@dataclass(frozen=True, slots=True)
class GoldDocument:
    """One PolNeAR article and its gold attributions."""

    name: str
    text: str
    attributions: list[Attribution]


def _fragments(offsets: str) -> list[tuple[int, int]]:
    return [(int(s), int(e)) for s, e in (part.split() for part in offsets.split(";"))]


def parse_ann(ann: str, text: str) -> list[Attribution]:
    """The attributions of one ``.ann`` file; those without a content are dropped."""
    bounds: dict[str, list[tuple[int, int]]] = {}
    attributions = []
    for line in ann.splitlines():
        if match := _TEXT_BOUND.match(line):
            bounds[match.group(1)] = _fragments(match.group(3))
        elif match := _EVENT.match(line):
            roles = dict(arg.split(":", 1) for arg in match.group(3).split() if ":" in arg)
            content = bounds.get(roles.get("Content", ""))
            if not content:
                continue
            cue, source = bounds.get(roles.get("Cue", "")), bounds.get(roles.get("Source", ""))
            attributions.append(
                Attribution(
                    kind="indirect",
                    content=TextSpan.of(text, content),
                    cue=TextSpan.of(text, cue) if cue else None,
                    source=TextSpan.of(text, source) if source else None,
                )
            )
    return attributions


def read_polnear(split: Path, *, limit: int | None = None) -> Iterator[GoldDocument]:
    """The articles of a PolNeAR split directory, in name order."""
    texts, anns = split / "text", split / "attributions"
    if not texts.is_dir() or not anns.is_dir():
        raise DatasetError(f"{split}: not a PolNeAR split (expected text/ and attributions/)")
    gold_files: dict[str, Path] = {}
    for ann in sorted(anns.glob("*.ann")):
        gold_files.setdefault(ann.stem.rsplit("_", 1)[0], ann)
    names = sorted(p.stem for p in texts.glob("*.txt") if p.stem in gold_files)
    if not names:
        raise DatasetError(f"{split}: no annotated texts found")
    for name in names[:limit]:
        text = (texts / f"{name}.txt").read_text(encoding="utf-8")
        ann = gold_files[name].read_text(encoding="utf-8")
        yield GoldDocument(name, text, parse_ann(ann, text))


def evaluate_polnear(
    split: Path, *, limit: int | None = None, n_process: int = 1, tagger: str = "fast"
) -> Report:
    """Run saidwhat over a PolNeAR split and score it against the gold attributions."""
    golds = list(read_polnear(split, limit=limit))
    documents = (Document(id=g.name, text=g.text) for g in golds)
    predicted = extract_many(documents, n_process=n_process, tagger=tagger)
    return score(
        (g.text, g.attributions, p.attributions) for g, p in zip(golds, predicted, strict=True)
    )
