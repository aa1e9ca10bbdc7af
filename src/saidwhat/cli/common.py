"""What the ``saidwhat`` commands share: option types, errors on stderr, table cells, logging."""

from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path
from typing import NoReturn

import click

from saidwhat.attribute import DEFAULT_TAGGER, TAGGER_NAMES
from saidwhat.ingest import DEFAULT_MAX_BYTES
from saidwhat.store import DEFAULT_DB

#: Libraries whose log messages are noise for a user (each failure is reported once,
#: by the CLI); shown with ``-v``.
CHATTY_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext", "charset_normalizer")


class ByteSize(click.ParamType):
    """A size in bytes: ``5000000``, ``500KB``, ``20MB``, ``1.5GB`` or binary ``20MiB``."""

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

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        if isinstance(value, int):
            return value
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", str(value), re.IGNORECASE)
        factor = self._UNITS.get(match.group(2).lower()) if match else None
        if match is None or factor is None or float(match.group(1)) * factor < 1:
            self.fail(f"{value!r} is not a size such as 500KB, 20MB or 5000000", param, ctx)
        return int(float(match.group(1)) * factor)


#: ``--db``: the store a command reads or writes.
db_option = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DB,
    show_default=True,
    envvar="SAIDWHAT_DB",
    help="The store file (also $SAIDWHAT_DB).",
)
#: ``--max-bytes``: the per-article size limit of the commands that read inputs.
max_bytes_option = click.option(
    "--max-bytes",
    type=ByteSize(),
    default=DEFAULT_MAX_BYTES,
    show_default="5MB",
    help="Per-article size limit, e.g. 500KB or 20MB; larger inputs are skipped.",
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
