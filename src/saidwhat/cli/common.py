"""What the ``saidwhat`` commands share: option types, errors on stderr, table cells, logging."""

from __future__ import annotations

import logging
import os
import re
import sys
from typing import NoReturn

import click

from saidwhat.attribute import DEFAULT_TAGGER, TAGGER_NAMES
from saidwhat.ingest import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_FILE_ARTICLES,
    DEFAULT_MAX_FILE_BYTES,
    MAX_MAX_BYTES,
    MAX_MAX_FILE_ARTICLES,
    MAX_MAX_FILE_BYTES,
    format_size,
)
from saidwhat.store import DB_VARIABLE, DEFAULT_DB

#: Libraries whose log messages are noise for a user (each failure is reported once,
#: by the CLI); shown with ``-v``.
CHATTY_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext", "charset_normalizer")


class ByteSize(click.ParamType):
    """A size in bytes: ``5000000``, ``500KB``, ``20MB``, ``1.5GB`` or binary ``20MiB``,
    from 1 byte to ``maximum``."""

    name = "size"
    _UNITS = {
        "": 1,
        "b": 1,
        "kb": 10**3,
        "mb": 10**6,
        "gb": 10**9,
        "kib": 2**10,
        "mib": 2**20,
        "gib": 2**30,
    }

    def __init__(self, maximum: int = MAX_MAX_BYTES) -> None:
        self.maximum = maximum

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        if isinstance(value, int):
            size: float = value
        else:
            match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", str(value), re.I)
            factor = self._UNITS.get(match.group(2).lower()) if match else None
            if match is None or factor is None:
                self.fail(f"{value!r} is not a size such as 500KB, 20MB or 5000000", param, ctx)
            size = float(match.group(1)) * factor  # inf for a number too long for a float
        if size < 1:
            self.fail(f"{value!r} is less than 1 byte", param, ctx)
        if size > self.maximum:
            self.fail(
                f"{value!r} is more than the maximum, {format_size(self.maximum)}", param, ctx
            )
        return int(size)


#: ``--db``: the store a command reads or writes, as ``open_store`` takes it (None when not
#: given: ``open_store`` then reads $SAIDWHAT_DB).
db_option = click.option(
    "--db",
    metavar="PATH|URL",
    help="The store: a SQLite file (a path or sqlite:///PATH) or a PostgreSQL database "
    f"(postgresql://...).  [default: ${DB_VARIABLE}, else {DEFAULT_DB}]",
)
#: ``--max-bytes``: the per-article size limit of the commands that read inputs.
max_bytes_option = click.option(
    "--max-bytes",
    type=ByteSize(),
    default=DEFAULT_MAX_BYTES,
    show_default=format_size(DEFAULT_MAX_BYTES).replace(" ", ""),
    help="Per-article size limit, e.g. 500KB or 20MB (at most "
    f"{format_size(MAX_MAX_BYTES)}); larger inputs are skipped.",
)
#: ``--max-file-bytes`` and ``--max-file-articles``: the per-file limits of containers.
max_file_bytes_option = click.option(
    "--max-file-bytes",
    type=ByteSize(MAX_MAX_FILE_BYTES),
    default=DEFAULT_MAX_FILE_BYTES,
    show_default=format_size(DEFAULT_MAX_FILE_BYTES).replace(" ", ""),
    help="Per-file limit of a JSONL, WARC or feed file's content once decompressed; a "
    "file is read up to it, and the rest is reported skipped.",
)
max_file_articles_option = click.option(
    "--max-file-articles",
    type=click.IntRange(1, MAX_MAX_FILE_ARTICLES),
    default=DEFAULT_MAX_FILE_ARTICLES,
    show_default=True,
    help="Per-file limit of articles (lines, records, items) in a JSONL, WARC or feed "
    "file; the rest is reported skipped.",
)
#: The most results a command lists, and the most worker processes it starts.
MAX_LIMIT = 1_000_000
MAX_JOBS = 256


def warn_many_jobs(ctx: click.Context, param: click.Parameter, value: int) -> int:
    """Warn when more worker processes are asked for than the machine has cores: each
    holds its own copy of the models, so many of them can exhaust the memory."""
    warn_many_workers(f"{param.opts[0]} {value}", value)
    return value


def warn_many_workers(option: str, workers: int) -> None:
    """The warning of ``warn_many_jobs`` for ``option`` (as the user wrote it)."""
    cores = os.cpu_count() or 1
    if workers > cores:
        click.echo(
            f"saidwhat: warning: {option} starts more worker processes than "
            f"this machine's {cores} cores; each holds its own copy of the models (0.7-1 GB)",
            err=True,
        )


def row(cells: list[str], widths: list[int]) -> str:
    return " | ".join(cell(c, w) for c, w in zip(cells, widths, strict=True)).rstrip()


def cell(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` with an ellipsis, padded."""
    text = " ".join(text.split())
    if len(text) > width:
        text = text[: width - 1] + "…"
    return text.ljust(width)


def fail(message: str) -> NoReturn:
    click.echo(f"saidwhat: error: {message}", err=True)
    click.get_current_context().exit(1)


def quiet_broken_pipe() -> NoReturn:
    """The reader went away (``saidwhat extract ... | head``): stop without a traceback."""
    # Python would flush stdout again at exit and fail a second time; point it at devnull.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    click.get_current_context().exit(1)


class _StderrHandler(logging.Handler):
    """Writes to the current ``sys.stderr`` (looked up per record, as test runners swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(self.format(record), err=True)


def configure_logging(verbose: int) -> None:
    """saidwhat's warnings on stderr; the chatty libraries' only with ``-v``."""
    level = logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(handler)
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("saidwhat: %(levelname)s: %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(level if verbose else logging.CRITICAL)


tagger_option = click.option(
    "--tagger",
    type=click.Choice(list(TAGGER_NAMES)),
    default=DEFAULT_TAGGER,
    show_default=True,
    help="Attribution tagger: accurate is a transformer; fast, a CNN about twice as fast "
    "and less accurate, is for bulk ingest.",
)

#: ``--min-confidence``: statements less likely than this to be right are left out.
min_confidence_option = click.option(
    "--min-confidence",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    help="Leave out statements whose confidence (the estimated probability that the "
    "statement is right) is below this; 0 keeps all.  [default: the engine's threshold, "
    "chosen for precision]",
)
