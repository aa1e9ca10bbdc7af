"""The corpus commands: ``ingest`` news into a store, then ``quotes``, ``speakers``, ``show``,
``clusters``, ``export`` and ``stats`` over it."""

from __future__ import annotations

import json
import logging
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from saidwhat.cli.common import (
    MAX_JOBS,
    MAX_LIMIT,
    db_option,
    fail,
    max_bytes_option,
    max_file_articles_option,
    max_file_bytes_option,
    min_confidence_option,
    quiet_broken_pipe,
    row,
    tagger_option,
    warn_many_jobs,
    warn_many_workers,
)
from saidwhat.corpus import FAILED, Executor, IngestSummary, ingest
from saidwhat.errors import SaidwhatError
from saidwhat.ingest import count_articles, names_nothing
from saidwhat.link import format_diff
from saidwhat.model import QuoteCluster, Statement
from saidwhat.store import (
    DEFAULT_DB,
    KINDS,
    QuoteFilter,
    Store,
    database_name,
    open_store,
    store_file,
)
from saidwhat.store.export import FORMATS, write_csv, write_jsonl, write_parquet

_limit = click.option(
    "--limit",
    type=click.IntRange(1, MAX_LIMIT),
    default=20,
    show_default=True,
    help="At most N results.",
)


def _format(*choices: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--format",
        "format_",
        type=click.Choice(choices),
        help=f"Output format.  [default: {choices[0]} on a terminal, {choices[1]} otherwise]",
    )


def _chosen(format_: str | None, terminal: str, piped: str) -> str:
    return format_ or (terminal if sys.stdout.isatty() else piped)


@contextmanager
def _store(db: str | None, *, readonly: bool = True) -> Iterator[Store]:
    """The store at ``db`` (a path or URL; None: $SAIDWHAT_DB, else the default); its
    errors, a file that cannot be written and a reader that went away end the command
    cleanly."""
    try:
        with open_store(db, readonly=readonly) as store:
            yield store
    except SaidwhatError as exc:
        fail(str(exc))
    except BrokenPipeError:
        quiet_broken_pipe()
    except OSError as exc:
        fail(f"{exc.filename}: {exc.strerror}" if exc.filename else str(exc))


def _executor(address: str | None, show_dashboard: bool) -> AbstractContextManager[Executor | None]:
    """A Dask executor on the cluster at ``address``, with its dashboard's link on stderr
    if ``show_dashboard`` (None without ``--dask``: ``--jobs`` processes)."""
    if address is None:
        return nullcontext()
    return _dask_executor(address, show_dashboard)


@contextmanager
def _dask_executor(address: str, show_dashboard: bool) -> Iterator[Executor]:
    from saidwhat.cluster import DaskExecutor, connect, dashboard  # distributed loads slowly

    # Dask's own lines (scheduler, nannies, comms, a lost connection's traceback) only with
    # -v, as other libraries': what fails is reported once, by saidwhat.
    level = logging.getLogger().level
    for name in ["distributed", *logging.root.manager.loggerDict]:  # Dask sets some levels
        if name.partition(".")[0] == "distributed":
            logging.getLogger(name).setLevel(level if level < logging.WARNING else logging.CRITICAL)
    try:
        with connect(address, dashboard=show_dashboard) as client:
            if show_dashboard:
                link = dashboard(client) or "none (the scheduler serves none: it needs bokeh)"
                click.echo(f"saidwhat: Dask dashboard: {link}", err=True)
            yield DaskExecutor(client)
    except SaidwhatError as exc:  # the scheduler cannot be reached
        fail(str(exc))


def _check_dask(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from saidwhat.cluster import check_address

    try:
        address = check_address(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    if address.startswith("local:"):
        workers = int(address.removeprefix("local:"))
        if workers > MAX_JOBS:
            raise click.BadParameter(f"local:{workers}: at most {MAX_JOBS} worker processes")
        warn_many_workers(f"--dask {address}", workers)  # as --jobs does
    return address


@click.command(name="ingest")
@click.argument("paths", nargs=-1, required=True, metavar="PATH ...")
@db_option
@click.option(
    "--jobs",
    type=click.IntRange(1, MAX_JOBS),
    default=1,
    callback=warn_many_jobs,
    show_default=True,
    help="Worker processes for parsing (one process writes).",
)
@click.option(
    "--dask",
    "dask_address",
    metavar="local[:N]|tcp://HOST:PORT",
    callback=_check_dask,
    help="Parse on a Dask cluster: local starts N worker processes here (default: one per "
    "core); tcp://HOST:PORT uses a running scheduler. This process still writes.",
)
@click.option(
    "--no-dashboard",
    is_flag=True,
    help="With --dask: no line with the link of Dask's dashboard, and with --dask local no "
    "dashboard started.",
)
@max_bytes_option
@max_file_bytes_option
@max_file_articles_option
@tagger_option
@min_confidence_option
@click.option(
    "--failures",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to list the inputs that failed, with the reason.  [default: DB.failures.tsv]",
)
def ingest_command(
    paths: tuple[str, ...],
    db: str | None,
    jobs: int,
    dask_address: str | None,
    no_dashboard: bool,
    max_bytes: int,
    max_file_bytes: int,
    max_file_articles: int,
    tagger: str,
    min_confidence: float | None,
    failures: Path | None,
) -> None:
    """Add news to the store: files, directories, globs, WARC, RSS/Atom feeds, JSONL, gzipped.

    Articles already stored (same URL or same text) are skipped, so a rerun after an
    interruption finishes the rest. The exit status is 1 if any input failed.
    """
    if dask_address and jobs > 1:
        click.echo(
            f"saidwhat: error: --dask and --jobs {jobs} exclude each other: "
            "the Dask workers do the parsing",
            err=True,
        )
        click.get_current_context().exit(2)
    if all(names_nothing(p) for p in paths):  # a mistyped path: make no store for it
        fail(f"no such file, directory or matching files: {', '.join(paths)}")
    # The cluster first: a scheduler that cannot be reached makes no store.
    with _executor(dask_address, not no_dashboard) as executor, _store(db, readonly=False) as store:
        failures = failures or _failures_file(db)
        interactive = sys.stderr.isatty()
        total = (
            count_articles(
                paths, max_file_bytes=max_file_bytes, max_file_articles=max_file_articles
            )
            if interactive
            else None
        )
        with tqdm(total=total, unit="doc", disable=not interactive, dynamic_ncols=True) as bar:
            errors = 0

            def progress(outcome: str, key: str) -> None:
                nonlocal errors
                errors += outcome == FAILED
                bar.set_postfix(errors=errors, refresh=False)
                bar.update()

            summary = ingest(
                paths,
                store,
                jobs=jobs,
                max_bytes=max_bytes,
                max_file_bytes=max_file_bytes,
                max_file_articles=max_file_articles,
                tagger=tagger,
                min_confidence=min_confidence,
                on_article=progress,
                executor=executor,
            )
    for where, note in summary.notes:
        click.echo(f"saidwhat: warning: {where}: {note}", err=True)
    click.echo(_summary_line(summary), err=True)
    if summary.failures:
        try:
            with failures.open("w", encoding="utf-8") as out:
                out.writelines(f"{where}\t{reason}\n" for where, reason in summary.failures)
        except OSError as exc:
            fail(f"cannot list the failures in {failures}: {exc.strerror}")
        click.echo(f"saidwhat: {summary.failed} input(s) failed; reasons in {failures}", err=True)
        click.get_current_context().exit(1)


def _failures_file(db: str | None) -> Path:
    """``DB.failures.tsv`` beside the store's file; ``DATABASE.failures.tsv`` in the
    working directory for a PostgreSQL store."""
    path = store_file(db) or Path(database_name(db) or DEFAULT_DB)
    return path.with_name(path.name + ".failures.tsv")


def _summary_line(summary: IngestSummary) -> str:
    parts = [
        f"stored {summary.stored} article(s) with {summary.statements} statement(s)",
        f"{summary.duplicates} duplicate(s) skipped",
        f"{summary.near_duplicates} near-duplicate(s) joined to a story",
    ]
    if summary.not_attributed:
        langs = ", ".join(f"{n} {lang}" for lang, n in summary.not_attributed.most_common())
        parts.append(f"not attributed (language): {langs}")
    parts.append(f"{summary.failed} failed")
    return "; ".join(parts)


@click.command()
@db_option
@click.option("--speaker", help="A speaker's name (any alias) or corpus id.")
@click.option("--about", help="Someone or something the statement is about.")
@click.option(
    "-q", "--query", "query", help="Words in the statement (full-text; end with * for a prefix)."
)
@click.option("--kind", type=click.Choice(KINDS), help="Direct, indirect or mixed statements.")
@click.option("--outlet", help="The outlet that published it (part of its name).")
@click.option("--since", metavar="YYYY-MM-DD", help="Published on or after this date.")
@click.option("--until", metavar="YYYY-MM-DD", help="Published on or before this date.")
@click.option(
    "--min-confidence",
    type=click.FloatRange(0.0, 1.0),
    help="Only statements at least this likely to be right (0 to 1).",
)
@_limit
@_format("table", "jsonl", "csv")
def quotes(
    db: str | None,
    speaker: str | None,
    about: str | None,
    query: str | None,
    kind: str | None,
    outlet: str | None,
    since: str | None,
    until: str | None,
    min_confidence: float | None,
    limit: int,
    format_: str | None,
) -> None:
    """Search statements, newest first."""
    with _store(db) as store:
        where = QuoteFilter(
            speaker=speaker,
            about=about,
            q=query,
            kind=kind,
            outlet=outlet,
            since=since,
            until=until,
            min_confidence=min_confidence,
        )
        found = store.quotes(where, limit=limit)
        chosen = _chosen(format_, "table", "jsonl")
        if chosen == "jsonl":
            write_jsonl(found, sys.stdout)
        elif chosen == "csv":
            write_csv(found, sys.stdout)
        else:
            _echo_statements(found)


def _echo_statements(statements: list[Statement]) -> None:
    width = shutil.get_terminal_size((120, 24)).columns
    widths = [10, 12, 20, 10]
    widths.append(max(20, width - sum(w + 3 for w in widths)))
    click.echo(row(["published", "outlet", "speaker", "cue", "content"], widths))
    for s in statements:
        a = s.attribution
        speaker = a.speaker.name if a.speaker else (a.source.text if a.source else "?")
        cells = [
            (s.published or "")[:10],
            s.outlet or "",
            speaker,
            a.cue.text if a.cue else "-",
            a.content.text,
        ]
        click.echo(row(cells, widths))
    if not statements:
        click.echo("(no statements match)", err=True)


@click.command()
@db_option
@click.option("-q", "--query", "query", help="Part of a name or alias.")
@_limit
@_format("table", "jsonl")
def speakers(db: str | None, query: str | None, limit: int, format_: str | None) -> None:
    """Speakers across the corpus, most quoted first, with aliases and roles."""
    with _store(db) as store:
        found = store.speakers(query, limit=limit)
        if _chosen(format_, "table", "jsonl") == "jsonl":
            for speaker in found:
                click.echo(json.dumps(speaker.to_dict(), ensure_ascii=False))
            return
        widths = [5, 24, 6, 5, 40]
        click.echo(row(["id", "name", "type", "stmts", "aliases / roles"], widths))
        for sp in found:
            extra = "; ".join([*sp.aliases[:4], *(r.role for r in sp.roles[:3])])
            click.echo(row([str(sp.id), sp.name, sp.type, str(sp.statements), extra], widths))


@click.command()
@click.argument("article_id")
@db_option
@_format("table", "json")
def show(article_id: str, db: str | None, format_: str | None) -> None:
    """One article with its statements and the other articles of its story."""
    with _store(db) as store:
        document, statements, story_id = store.article(article_id)
        story = [a for a in store.story(story_id) if a[0] != article_id]
        if _chosen(format_, "table", "json") == "json":
            record = document.to_dict(include_text=True)
            record["attributions"] = [s.to_dict() for s in statements]
            record["story"] = [
                dict(zip(("id", "outlet", "published", "title"), a, strict=True)) for a in story
            ]
            click.echo(json.dumps(record, ensure_ascii=False, indent=2))
            return
        click.echo(f"== {document.id}: {document.title or '(no title)'}")
        click.echo(
            f"   {document.outlet or '?'} | {document.published or 'undated'} | "
            f"{document.url or document.path or ''}"
        )
        click.echo()
        click.echo(document.text)
        click.echo()
        _echo_statements(statements)
        for other in story:
            click.echo(f"same story: {other[0]} ({other[1] or '?'}, {other[2] or 'undated'})")


@click.command()
@db_option
@_limit
@_format("table", "jsonl")
def clusters(db: str | None, limit: int, format_: str | None) -> None:
    """The most reported quotes: first appearance, every outlet, and wording changes."""
    with _store(db) as store:
        found = store.clusters(limit=limit)
        if _chosen(format_, "table", "jsonl") == "jsonl":
            for cluster in found:
                click.echo(json.dumps(cluster.to_dict(), ensure_ascii=False))
            return
        for cluster in found:
            _echo_cluster(cluster)
        if not found:
            click.echo("(no quote is reported by more than one article)", err=True)


def _echo_cluster(cluster: QuoteCluster) -> None:
    first = cluster.occurrences[0]
    speaker = first.speaker.name if first.speaker else "?"
    click.echo(f"#{cluster.id} {speaker}: “{cluster.text}”")
    click.echo(
        f"   {cluster.size} reports, {cluster.outlets} outlets; first: "
        f"{first.outlet or '?'} {first.published or 'undated'} {first.url or ''}"
    )
    for variant in cluster.variants[1:]:
        click.echo(f"   variant ({', '.join(variant.outlets) or '?'}): {format_diff(variant.diff)}")
    click.echo()


@click.command()
@db_option
@click.option(
    "--format",
    "format_",
    type=click.Choice(FORMATS),
    default="jsonl",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--to",
    "to",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file (standard output when absent; required for parquet).",
)
def export(db: str | None, format_: str, to: Path | None) -> None:
    """Every statement, with article metadata, speaker and quote cluster."""
    if format_ == "parquet" and to is None:
        raise click.UsageError("--format parquet needs --to FILE")
    with _store(db) as store:
        statements = store.iter_statements()
        if format_ == "parquet":
            count = write_parquet(statements, to)
        else:
            writer = write_jsonl if format_ == "jsonl" else write_csv
            if to is None:
                count = writer(statements, sys.stdout)
            else:
                with to.open("w", encoding="utf-8", newline="") as out:
                    count = writer(statements, out)
    click.echo(f"exported {count} statement(s)", err=True)


@click.command()
@db_option
@_format("table", "json")
def stats(db: str | None, format_: str | None) -> None:
    """What the store holds: articles, languages, stories, statements, speakers, clusters."""
    with _store(db) as store:
        counts = store.stats()
    if _chosen(format_, "table", "json") == "json":
        click.echo(json.dumps(counts, ensure_ascii=False, indent=2))
        return
    for name, value in counts.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items()) or "-"
        click.echo(f"{name.replace('_', ' '):<20} {value if value is not None else '-'}")


COMMANDS = (ingest_command, quotes, speakers, show, clusters, export, stats)
