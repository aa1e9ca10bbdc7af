"""The ``saidwhat`` command. Each command parses options, calls the library, writes the result.

Errors the library raises on purpose (``SaidwhatError``) become one line on
stderr, ``saidwhat: error: ...``; a bad input is skipped and the others are
still processed, with exit status 1 at the end.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import click

from saidwhat.cli import corpus, serve
from saidwhat.cli.common import (
    MAX_JOBS,
    MAX_LIMIT,
    configure_logging,
    fail,
    max_bytes_option,
    max_file_articles_option,
    max_file_bytes_option,
    min_confidence_option,
    quiet_broken_pipe,
    row,
    tagger_option,
    warn_many_jobs,
)
from saidwhat.errors import (
    FileTooLargeError,
    SaidwhatError,
    TooLargeError,
    TooManyArticlesError,
)
from saidwhat.evaluate import evaluate_polnear, evaluate_realnews
from saidwhat.ingest import STDIN, STDIN_LABEL, InputFailure, iter_inputs, normalised
from saidwhat.model import Attribution, Document
from saidwhat.pipeline import LANGUAGES, extract_many

#: Table columns before the content: (heading, width).
_COLUMNS = (("speaker", 20), ("kind", 8), ("cue", 12))
_MIN_CONTENT_WIDTH = 20


_n_process = click.option(
    "--n-process",
    type=click.IntRange(1, MAX_JOBS),
    default=1,
    callback=warn_many_jobs,
    show_default=True,
    help="Worker processes for parsing.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="saidwhat")
@click.option("-v", "--verbose", count=True, help="Show library log messages (-vv: debug).")
def main(verbose: int) -> None:
    """Find attributed statements in news: who said what."""
    configure_logging(verbose)


@main.command()
@click.argument("paths", nargs=-1, metavar="[PATH ...|-]")
@click.option(
    "--format",
    "format_",
    type=click.Choice(["jsonl", "json", "table"]),
    help="Output format.  [default: table on a terminal, jsonl otherwise]",
)
@click.option("--id", "doc_id", help="Id of the document (only with a single file or -).")
@max_bytes_option
@max_file_bytes_option
@max_file_articles_option
@_n_process
@tagger_option
@min_confidence_option
def extract(
    paths: tuple[str, ...],
    format_: str | None,
    doc_id: str | None,
    max_bytes: int,
    max_file_bytes: int,
    max_file_articles: int,
    n_process: int,
    tagger: str,
    min_confidence: float | None,
) -> None:
    """Find who said what in articles: .txt and .html/.htm files, directories, - for stdin.

    Directories are searched recursively. Other files are read as HTML if they look
    like HTML, else as text. An input that cannot be read is reported on stderr and
    skipped; the exit status is then 1.
    """
    stdin = sys.stdin.buffer
    if not paths:
        if stdin.isatty():
            raise click.UsageError("give one or more PATHs, or - to read standard input")
        paths = (STDIN,)
    if doc_id is not None and (len(paths) != 1 or Path(paths[0]).is_dir()):
        raise click.UsageError("--id needs a single input (one file, or -)")
    write = _WRITERS[format_ or ("table" if sys.stdout.isatty() else "jsonl")]

    failures: list[str] = []
    inputs = iter_inputs(
        paths,
        max_bytes=max_bytes,
        max_file_bytes=max_file_bytes,
        max_file_articles=max_file_articles,
        stdin=stdin,
    )
    documents = _readable(inputs, failures, doc_id)
    try:
        extracted = extract_many(
            documents, n_process=n_process, tagger=tagger, min_confidence=min_confidence
        )
        write(_extracted(extracted, failures))
    except SaidwhatError as exc:
        fail(str(exc))
    except BrokenPipeError:
        quiet_broken_pipe()
    click.get_current_context().exit(1 if failures else 0)


@main.group(name="eval")
def eval_() -> None:
    """Score the extractor against gold-annotated data."""


@eval_.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--limit", type=click.IntRange(1, MAX_LIMIT), help="Evaluate only the first N articles."
)
@click.option(
    "--format",
    "format_",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--speakers",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Hand-resolved speakers (JSON lines) for speaker accuracy.  "
    "[default: the project's evaluation/polnear/SPLIT_speakers.jsonl when there is one]",
)
@min_confidence_option
@_n_process
@tagger_option
def polnear(
    directory: Path,
    limit: int | None,
    format_: str,
    speakers: Path | None,
    min_confidence: float | None,
    n_process: int,
    tagger: str,
) -> None:
    """Score extraction on a PolNeAR split: DIRECTORY holds text/ and attributions/.

    Attributions pair when their contents' character Jaccard is at least 0.5; the
    speaker row is the share of paired ones whose speaker agrees with the hand-resolved one.

    For example: saidwhat eval polnear ../shared/data/polnear/dev --limit 20
    """
    try:
        report = evaluate_polnear(
            directory,
            limit=limit,
            n_process=n_process,
            tagger=tagger,
            speakers=speakers,
            min_confidence=min_confidence,
        )
    except SaidwhatError as exc:
        fail(str(exc))
    if format_ == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(report.format_table())


@eval_.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("pages_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--format",
    "format_",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--details",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write each page's predictions and missed gold statements here (JSON lines).",
)
@min_confidence_option
@_n_process
@tagger_option
def realnews(
    gold: Path,
    pages_dir: Path,
    format_: str,
    details: Path | None,
    min_confidence: float | None,
    n_process: int,
    tagger: str,
) -> None:
    """Score extraction on hand-annotated news pages: GOLD is JSON lines, PAGES_DIR the pages.

    A statement is found when a prediction's content has a word-multiset Jaccard of at
    least 0.5 with the gold content (pairs are made greedily, best first). Speaker accuracy
    counts the paired statements whose speaker agrees with the gold speaker.

    For example: saidwhat eval realnews evaluation/realnews/gold.jsonl ../shared/data/news-pages
    """
    try:
        report, pages = evaluate_realnews(
            gold, pages_dir, n_process=n_process, tagger=tagger, min_confidence=min_confidence
        )
    except SaidwhatError as exc:
        fail(str(exc))
    if details is not None:
        with details.open("w", encoding="utf-8") as out:
            for page in pages:
                out.write(json.dumps(page, ensure_ascii=False) + "\n")
    if format_ == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(report.format_table())


def _readable(
    inputs: Iterable[Document | InputFailure], failures: list[str], doc_id: str | None
) -> Iterator[Document]:
    """The documents of ``inputs``; each failure is reported on stderr and kept in ``failures``,
    each note (a change made while reading) is a warning on stderr."""
    for item in inputs:
        if isinstance(item, InputFailure):
            click.echo(f"saidwhat: error: {item.message}, skipped{_hint(item.error)}", err=True)
            failures.append(item.message)
            continue
        if doc_id is not None:
            item = normalised(replace(item, id=doc_id))
        for note in item.notes:
            click.echo(f"saidwhat: warning: {item.path or item.id}: {note}", err=True)
        yield item


#: The option that raises the limit an error is about.
_LIMIT_OPTIONS = (
    (TooLargeError, "--max-bytes"),
    (FileTooLargeError, "--max-file-bytes"),
    (TooManyArticlesError, "--max-file-articles"),
)


def _hint(error: Exception) -> str:
    """How to get past a limit, for the errors that are one: " (raise it with --max-bytes)"."""
    for cls, option in _LIMIT_OPTIONS:
        if isinstance(error, cls):
            return f" (raise the limit with {option})"
    return ""


def _extracted(documents: Iterable[Document], failures: list[str]) -> Iterator[Document]:
    """The documents extraction ran on; one it failed on is reported and kept in ``failures``."""
    for document in documents:
        if document.error:
            message = f"{document.path or document.id}: {document.error}"
            click.echo(f"saidwhat: error: {message}, skipped", err=True)
            failures.append(message)
        else:
            yield document


def _write_jsonl(documents: Iterable[Document]) -> None:
    for document in documents:
        click.echo(json.dumps(document.to_dict(), ensure_ascii=False))


def _write_json(documents: Iterable[Document]) -> None:
    """One JSON array, a record a line, written as documents come so memory stays flat."""
    separator = "[\n"
    for document in documents:
        click.echo(separator + json.dumps(document.to_dict(), ensure_ascii=False), nl=False)
        separator = ",\n"
    click.echo("[]" if separator == "[\n" else "\n]")


def _write_table(documents: Iterable[Document]) -> None:
    width = shutil.get_terminal_size((120, 24)).columns
    for number, document in enumerate(documents):
        if number:
            click.echo()
        click.echo(_format_table(document, width))


_WRITERS: dict[str, Callable[[Iterable[Document]], None]] = {
    "jsonl": _write_jsonl,
    "json": _write_json,
    "table": _write_table,
}


def _format_table(document: Document, width: int) -> str:
    """A header line, then a row per attribution: speaker | kind | cue | content."""
    count = len(document.attributions)
    title = f" {document.title}" if document.title else ""
    noun = "attribution" if count == 1 else "attributions"
    header = f"== {document.id} ({document.path or STDIN_LABEL}){title}: {count} {noun}"
    if document.language not in LANGUAGES:
        header += f" (language {document.language!r} is not read)"
    if not count:
        return header
    widths = [w for _, w in _COLUMNS]
    widths.append(max(_MIN_CONTENT_WIDTH, width - sum(w + 3 for w in widths)))
    rows = [row([name for name, _ in _COLUMNS] + ["content"], widths)]
    rows.extend(row(_cells(a), widths) for a in document.attributions)
    return "\n".join([header, *rows])


def _cells(attribution: Attribution) -> list[str]:
    if attribution.speaker is not None:
        speaker = attribution.speaker.name
    else:
        speaker = attribution.source.text if attribution.source else "?"
    cue = attribution.cue.text if attribution.cue else "-"
    return [speaker, attribution.kind, cue, attribution.content.text]


for _command in (*corpus.COMMANDS, serve.serve):
    main.add_command(_command)
