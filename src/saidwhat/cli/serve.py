"""``saidwhat serve``: the web app and JSON API over a store."""

from __future__ import annotations

import os

import click

from saidwhat.cli.common import db_option, fail, min_confidence_option, tagger_option
from saidwhat.errors import SaidwhatError
from saidwhat.serve.settings import EXTRACT_SECONDS
from saidwhat.store import open_store, store_label, store_url

#: The environment variable that may hold the write token (kept out of the process list).
TOKEN_VARIABLE = "SAIDWHAT_WRITE_TOKEN"


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--write-token",
    envvar=TOKEN_VARIABLE,
    help=f"Allow POST /api/articles with this bearer token (also ${TOKEN_VARIABLE}).",
)
@tagger_option
@min_confidence_option
@click.option(
    "--extract-timeout",
    type=click.FloatRange(0, 86400, min_open=True),
    default=EXTRACT_SECONDS,
    show_default=True,
    metavar="SECONDS",
    help="Longest time an extraction request may take, waiting included (then 503).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Server processes answering requests (about one per core; each loads the model).",
)
def serve(
    db: str | None,
    host: str,
    port: int,
    write_token: str | None,
    tagger: str,
    min_confidence: float | None,
    extract_timeout: float,
    workers: int,
) -> None:
    """Serve the store: web pages at /, JSON API at /api, its docs at /docs.

    --tagger finds the statements of pasted and added articles. With --workers N, N
    processes share the port (each a connection pool of its own to PostgreSQL).
    """
    import uvicorn  # imported here: only this command needs it

    from saidwhat.parse.nlp import DEFAULT_MODEL, load_pipeline
    from saidwhat.serve import ServeSettings, create_app
    from saidwhat.serve.app import SETTINGS_VARIABLE

    db = store_url(db)  # $SAIDWHAT_DB is read once, here
    try:
        # A writable server may start on a new store; a read-only one needs an existing one.
        open_store(db, readonly=write_token is None).close()
        # A missing model fails here, not at the first request; the arguments are given as
        # extract_many gives them, so that the cached pipeline is the one it will use.
        load_pipeline(DEFAULT_MODEL, tagger, min_confidence)
    except SaidwhatError as exc:
        fail(str(exc))
    settings = ServeSettings(
        db=db,
        write_token=write_token,
        tagger=tagger,
        min_confidence=min_confidence,
        extract_seconds=extract_timeout,
    )
    click.echo(f"saidwhat: serving {store_label(db)} at http://{host}:{port}/", err=True)
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
        return
    # Worker processes import the app: they read its settings from the environment.
    os.environ[SETTINGS_VARIABLE] = settings.to_json()
    uvicorn.run(
        "saidwhat.serve.app:app_from_environment",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
    )
