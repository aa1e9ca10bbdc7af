"""Statements out of the store as JSONL, CSV or Parquet, streamed in batches."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any

from saidwhat.model import Statement

FORMATS = ("jsonl", "csv", "parquet")
#: The flat columns of CSV and Parquet; JSONL keeps the nested record.
COLUMNS = (
    "id",
    "article_id",
    "kind",
    "content",
    "cue",
    "source",
    "speaker_id",
    "speaker",
    "speaker_type",
    "about",
    "confidence",
    "cluster_id",
    "outlet",
    "published",
    "url",
    "title",
    "content_spans",
)
_BATCH = 5000


def flat_row(statement: Statement) -> dict[str, Any]:
    """One statement as a flat row: ``about`` names joined by "; ", spans as JSON."""
    a = statement.attribution
    return {
        "id": statement.id,
        "article_id": statement.article_id,
        "kind": a.kind,
        "content": a.content.text,
        "cue": a.cue.text if a.cue else None,
        "source": a.source.text if a.source else None,
        "speaker_id": a.speaker.id if a.speaker else None,
        "speaker": a.speaker.name if a.speaker else None,
        "speaker_type": a.speaker.type if a.speaker else None,
        "about": "; ".join(e.name for e in a.about),
        "confidence": a.confidence,
        "cluster_id": statement.cluster_id,
        "outlet": statement.outlet,
        "published": statement.published,
        "url": statement.url,
        "title": statement.title,
        "content_spans": json.dumps([list(s) for s in a.content.spans]),
    }


def write_jsonl(statements: Iterable[Statement], out: IO[str]) -> int:
    """One statement record a line; returns how many were written."""
    count = 0
    for statement in statements:
        out.write(json.dumps(statement.to_dict(), ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(statements: Iterable[Statement], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    count = 0
    for statement in statements:
        writer.writerow(flat_row(statement))
        count += 1
    return count


def write_parquet(statements: Iterable[Statement], path: str | Path) -> int:
    """Write Parquet in row groups of a few thousand statements, so memory stays flat."""
    import pyarrow as pa  # imported here: only exports need it
    import pyarrow.parquet as pq

    schema = pa.schema(
        [
            (
                name,
                pa.int64()
                if name in ("id", "cluster_id")
                else pa.float64()
                if name == "confidence"
                else pa.string(),
            )
            for name in COLUMNS
        ]
    )
    count = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        for batch in _batches(map(flat_row, statements)):
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    return count


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    while batch := list(islice(rows, _BATCH)):
        yield batch
