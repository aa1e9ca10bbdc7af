"""Read PolNeAR (Newell, Margolin & Ruths, LREC 2018) splits in brat standoff format.

A split directory holds ``text/NAME.txt`` and ``attributions/NAME_ANNOTATOR.ann``.
Where a text has several annotation files, the first in sorted order is gold.

Hand-resolved speakers (``evaluation/polnear/dev_speakers.jsonl``) are JSON lines, an
article each: ``{"article": NAME, "speakers": [{"start": S, "end": E, "source": TEXT,
"speaker": NAME or null, "type": "PERSON"|"ORG"|null}, ...]}``, keyed by the gold
source's character offsets; null marks a generic source ("critics", "a source").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from saidwhat.attribute import DEFAULT_TAGGER
from saidwhat.errors import DatasetError
from saidwhat.evaluate.metrics import Report, score
from saidwhat.model import Attribution, Document, EntityRef, TextSpan
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


#: The hand-resolved speakers of each split, kept in the project beside the real-news gold.
SPEAKERS = Path(__file__).resolve().parents[3] / "evaluation" / "polnear"

Resolved = dict[str, dict[tuple[int, int], EntityRef | None]]


def read_speakers(path: Path) -> Resolved:
    """Hand-resolved speakers by article and source offsets (None: a generic source)."""
    resolved: Resolved = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DatasetError(f"{path}: {exc.strerror or exc}") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            resolved[record["article"]] = {
                (int(s["start"]), int(s["end"])): (
                    EntityRef(s["speaker"], s.get("type") or "OTHER") if s["speaker"] else None
                )
                for s in record["speakers"]
            }
        except (ValueError, KeyError, TypeError) as exc:
            raise DatasetError(f"{path}:{number}: not a speakers record ({exc})") from exc
    return resolved


def default_speakers(split: Path) -> Path | None:
    """The project's hand-resolved speakers for a split named like ``dev``, if any."""
    path = SPEAKERS / f"{split.resolve().name}_speakers.jsonl"
    return path if path.is_file() else None


def _with_speakers(
    attributions: list[Attribution], resolved: dict[tuple[int, int], EntityRef | None]
) -> list[Attribution]:
    for attribution in attributions:
        if attribution.source is not None:
            key = (attribution.source.start, attribution.source.end)
            attribution.speaker = resolved.get(key)
    return attributions


def read_polnear(
    split: Path, *, limit: int | None = None, speakers: Path | None = None
) -> Iterator[GoldDocument]:
    """The articles of a PolNeAR split directory, in name order; with ``speakers``, the
    gold attributions carry the hand-resolved speaker of their source."""
    resolved = read_speakers(speakers) if speakers is not None else {}
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
        attributions = parse_ann(ann, text)
        yield GoldDocument(name, text, _with_speakers(attributions, resolved.get(name, {})))


def evaluate_polnear(
    split: Path,
    *,
    limit: int | None = None,
    n_process: int = 1,
    tagger: str = DEFAULT_TAGGER,
    speakers: Path | None = None,
    min_confidence: float | None = None,
) -> Report:
    """Run saidwhat over a PolNeAR split and score it against the gold attributions (and,
    with ``speakers``, or the project's file for the split, the hand-resolved speakers)."""
    speakers = speakers or default_speakers(split)
    golds = list(read_polnear(split, limit=limit, speakers=speakers))
    documents = (Document(id=g.name, text=g.text) for g in golds)
    predicted = extract_many(
        documents, n_process=n_process, tagger=tagger, min_confidence=min_confidence
    )
    return score(
        (g.text, g.attributions, p.attributions) for g, p in zip(golds, predicted, strict=True)
    )
