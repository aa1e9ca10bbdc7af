"""Opening a store by path or URL (``open_store``, ``--db``, ``$SAIDWHAT_DB``) and the
``Store`` protocol both backends implement (no model needed; the commands on a
PostgreSQL store need PostgreSQL 15 and skip without it)."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import saidwhat
from builders import article
from saidwhat.cli import main
from saidwhat.errors import InputError, NotFoundError, StoreError
from saidwhat.link.linker import CorpusLinker, LinkerStore
from saidwhat.link.postings import Postings
from saidwhat.store import DEFAULT_DB, SQLiteStore, Store, open_store, store_file, store_label
from saidwhat.store.postgres import PostgresStore

QUOTE = "We will not accept a deal that leaves our harbour workers behind"
SRC = Path(__file__).resolve().parents[1] / "src" / "saidwhat"


def fill(store: Store, doc_id: str = "a") -> None:
    """Store one article with one statement."""
    linked = CorpusLinker(store).link(
        article(
            doc_id,
            [("Elena Varga", "PERSON", "said", QUOTE)],
            outlet="Ledger",
            published="2026-03-01",
        )
    )
    store.add_article(linked)


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No $SAIDWHAT_DB, and ``tmp_path`` as the working directory."""
    monkeypatch.delenv("SAIDWHAT_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- open_store -------------------------------------------------------------------------


def test_a_plain_path_opens_a_sqlite_file(clean_env: Path) -> None:
    path = clean_env / "plain.db"
    with open_store(str(path)) as store:
        assert isinstance(store, SQLiteStore) and store.path == path
        fill(store)
    with open_store(path, readonly=True) as store:
        assert store.stats()["articles"] == 1
    with pytest.raises(NotFoundError, match="no such store"):
        open_store(clean_env / "missing.db", readonly=True)
    for readonly in (False, True):
        with pytest.raises(InputError, match="a directory, not a store file"):
            open_store(f"sqlite:///{clean_env}", readonly=readonly)


def test_a_sqlite_url_has_three_slashes_then_a_relative_or_absolute_path(clean_env: Path) -> None:
    (clean_env / "data").mkdir()
    with open_store("sqlite:///data/relative.db") as store:
        assert store.path == Path("data/relative.db")
        fill(store)
    assert (clean_env / "data" / "relative.db").is_file()
    absolute = clean_env / "absolute.db"
    url = f"sqlite:///{absolute}"
    assert url.startswith("sqlite:////")
    with open_store(url) as store:
        assert store.path == absolute
        fill(store, "b")
    with open_store(absolute, readonly=True) as store:
        assert store.stats()["articles"] == 1
    assert store_file("SQLite:///x.db") == Path("x.db")
    for bad in ("sqlite://host/x.db", "sqlite:///", "sqlite:///x.db?mode=ro"):
        with pytest.raises(InputError, match="sqlite"):
            store_file(bad)


def test_no_url_means_saidwhat_db_then_the_default(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert store_file() == Path(DEFAULT_DB)
    monkeypatch.setenv("SAIDWHAT_DB", str(clean_env / "env.db"))
    with open_store() as store:
        fill(store)
    assert (clean_env / "env.db").is_file() and not (clean_env / DEFAULT_DB).exists()
    with saidwhat.open() as corpus:  # the notebook helper reads it too
        assert corpus.stats()["articles"] == 1
    monkeypatch.setenv("SAIDWHAT_DB", "sqlite:///env.db")
    assert store_file() == Path("env.db")
    assert store_file(clean_env / "given.db") == clean_env / "given.db"  # given wins


def test_a_postgresql_url_is_opened_and_an_unreachable_server_fails_in_one_line(
    clean_env: Path,
) -> None:
    """``postgresql://`` is no longer refused as "not available yet": it is connected to
    (here a socket directory with no server), and the failure names neither the password
    nor the URL."""
    down = _down(clean_env)
    for url in (down, down.replace("postgresql://", "postgres://"), _driver(down)):
        assert store_file(url) is None  # a database server, no file
        with pytest.raises(StoreError) as raised:
            open_store(url)
        message = str(raised.value)
        assert message.startswith("cannot open the PostgreSQL store: "), message
        assert "not available" not in message
        assert "\n" not in message and "s3cret" not in message
    assert list(clean_env.iterdir()) == []  # no file made for it


def _down(directory: Path) -> str:
    """A PostgreSQL URL (with a password) whose socket directory has no server."""
    return f"postgresql://saidwhat:s3cret@/news?host={directory}&port=5999"


def _driver(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://")


def test_another_scheme_is_refused_naming_the_accepted_ones(clean_env: Path) -> None:
    with pytest.raises(InputError, match=r"mysql:// is not a store URL.*sqlite:///PATH"):
        open_store("mysql://localhost/news")
    with pytest.raises(InputError, match=r"file:// is not a store URL"):
        open_store(f"file://{clean_env}/x.db")
    assert list(clean_env.iterdir()) == []


# -- the commands -----------------------------------------------------------------------


def test_commands_read_saidwhat_db_when_no_db_is_given(clean_env: Path) -> None:
    db = clean_env / "from-env.db"
    with open_store(db) as store:
        fill(store)
    code, out, err = run("stats", "--format", "json", env={"SAIDWHAT_DB": str(db)})
    assert code == 0, err
    assert json.loads(out)["articles"] == 1
    code, out, _ = run("quotes", "--format", "jsonl", env={"SAIDWHAT_DB": f"sqlite:///{db}"})
    assert code == 0
    assert [json.loads(line)["content"]["text"] for line in out.splitlines()] == [QUOTE]
    # --db wins over the variable.
    code, out, _ = run(
        "stats", "--db", "sqlite:///from-env.db", "--format", "json", env={"SAIDWHAT_DB": "x.db"}
    )
    assert code == 0 and json.loads(out)["articles"] == 1
    assert not (clean_env / "x.db").exists()


@pytest.mark.parametrize(
    "args",
    [
        ("stats",),
        ("quotes", "--speaker", "Varga"),
        ("export", "--format", "csv"),
        ("ingest", "notes.txt"),
        ("serve",),
    ],
    ids=lambda args: args[0],
)
def test_an_unreachable_postgresql_db_fails_in_one_line_without_a_traceback(
    clean_env: Path, args: tuple[str, ...]
) -> None:
    (clean_env / "notes.txt").write_text("“We will see,” the mayor said.", encoding="utf-8")
    down = _down(clean_env)
    for given in (["--db", down], []):
        env = {} if given else {"SAIDWHAT_DB": down}
        code, out, err = run(*args, *given, env=env)
        assert code == 1
        assert out == ""
        assert err.count("\n") == 1 and "Traceback" not in err, err
        assert err.startswith("saidwhat: error: cannot open the PostgreSQL store: "), err
        assert "s3cret" not in err
    assert sorted(p.name for p in clean_env.iterdir()) == ["notes.txt"]


def test_commands_read_and_export_a_postgresql_store(postgres_url: str, clean_env: Path) -> None:
    with open_store(postgres_url) as store:
        fill(store)
    for given, env in ((["--db", postgres_url], {}), ([], {"SAIDWHAT_DB": _driver(postgres_url)})):
        code, out, err = run("stats", *given, "--format", "json", env=env)
        assert code == 0, err
        assert json.loads(out)["articles"] == 1
        code, out, err = run(
            "quotes", *given, "-q", "harbour worker*", "--format", "jsonl", env=env
        )
        assert code == 0, err
        assert [json.loads(line)["content"]["text"] for line in out.splitlines()] == [QUOTE]
        code, out, err = run("export", *given, "--format", "csv", env=env)
        assert code == 0, err
        assert QUOTE in out
    assert list(clean_env.iterdir()) == []


def test_db_help_names_paths_urls_and_the_variable() -> None:
    code, out, _ = run("stats", "--help")
    assert code == 0
    help_text = " ".join(out.split())
    assert "--db PATH|URL" in help_text
    assert "sqlite:///PATH" in help_text and "$SAIDWHAT_DB" in help_text


# -- the protocol -----------------------------------------------------------------------


def _members(protocol: type) -> dict[str, inspect.Signature]:
    """The methods a protocol declares, with their signatures."""
    return {
        name: inspect.signature(value)
        for name, value in vars(protocol).items()
        if callable(value) and (not name.startswith("_") or name in ("__enter__", "__exit__"))
    }


def _shape(signature: inspect.Signature) -> list[tuple[str, object, object]]:
    """Parameter names, kinds and defaults (annotations are strings here: not compared)."""
    return [(p.name, p.kind, p.default) for p in signature.parameters.values()]


@pytest.mark.parametrize("backend", [SQLiteStore, PostgresStore], ids=lambda cls: cls.__name__)
def test_each_store_has_every_member_of_the_protocol_with_its_signature(
    backend: type, tmp_path: Path
) -> None:
    members = _members(Store)
    # What ingest, the linker, notebooks, the CLI and the HTTP app call.
    assert {"close", "add_article", "has_article", "quotes", "count_quotes", "iter_statements"} <= (
        set(members)
    )
    assert {"speakers", "speaker_profile", "article", "story", "cluster", "clusters"} <= set(
        members
    )
    for name, signature in members.items():
        assert hasattr(backend, name), f"{backend.__name__} has no {name}"
        implemented = inspect.signature(getattr(backend, name))
        assert _shape(implemented) == _shape(signature), name
    with open_store(tmp_path / "s.db") as store:
        assert isinstance(store, Store)
    assert not isinstance(object(), Store)


def test_the_protocol_covers_what_the_linker_needs() -> None:
    linker_needs = set(_members(LinkerStore)) | set(_members(Postings))
    assert linker_needs <= set(_members(Store))


def test_only_the_store_package_names_the_sqlite_backend() -> None:
    """Callers take a ``Store`` from ``open_store``; SQL stays in ``saidwhat.store``."""
    named = re.compile(r"\bSQLiteStore\(|import sqlite3|sqlite_filters|store\.reads|\.sql\(\)")
    found = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path.parent.name != "store" and named.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_a_shown_postgresql_url_has_no_password() -> None:
    assert store_label("postgresql://saidwhat:s3cret@db.example:5432/news") == (
        "postgresql://saidwhat:***@db.example:5432/news"
    )
    assert store_label("postgres://u@/news?host=/run/pg&password=s3cret&port=5") == (
        "postgres://u@/news?host=/run/pg&password=***&port=5"
    )
    assert store_label("postgresql+psycopg://u:p%40ss@h/db") == "postgresql+psycopg://u:***@h/db"
    assert store_label("postgresql://u@h/db") == "postgresql://u@h/db"
    assert store_label("data/user:pw@x.db") == "data/user:pw@x.db"  # a file is shown whole


@pytest.mark.parametrize(
    ("db", "expected"),
    [
        ("news.db", "news.db.failures.tsv"),
        ("sqlite:///data/news.db", "data/news.db.failures.tsv"),
        ("postgresql://saidwhat:secret@db.example:5432/news", "news.failures.tsv"),
        ("postgresql+psycopg://saidwhat@/news?host=/run/postgresql", "news.failures.tsv"),
    ],
)
def test_the_failures_file_is_named_after_the_store(db: str, expected: str) -> None:
    from saidwhat.cli.corpus import _failures_file

    assert _failures_file(db) == Path(expected)
