"""Hostile input (issue 12): each reproducer ends in a one-line error or a normal result.

Lone surrogates are replaced and noted; a bad URL, a line nested too deep or too long
is an error for that line; option values out of range are usage errors; a container
file is read up to its per-file limits, then one line says so.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient

import saidwhat
from saidwhat.cli import main
from saidwhat.errors import FileTooLargeError, TooManyArticlesError
from saidwhat.ingest import InputFailure, encodable, iter_articles, normalised
from saidwhat.link import text_key
from saidwhat.model import Document
from saidwhat.serve import ServeSettings, create_app
from saidwhat.store import SQLiteStore

STORY = "Mayor Ann Lee said on Monday that the new bridge would open in the spring."
#: A lone surrogate as raw bytes (what CESU-8 or a careless encoder writes), and as text.
SURROGATE_BYTES = b"\xed\xa0\x80"
LONE = "He said hi.\ud800"
NOTE = (
    "1 character UTF-8 cannot encode (surrogate code points) in the text "
    "replaced with U+FFFD, the first at offset 11"
)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def hostile_jsonl(path: Path) -> Path:
    """A good line, a raw surrogate, a "\\ud800" escape, a bad URL, deep nesting, a good line."""
    lines = [
        json.dumps({"id": "good", "text": STORY}).encode(),
        b'{"id": "raw", "text": "' + STORY.encode() + SURROGATE_BYTES + b'"}',
        json.dumps(
            {"id": "escaped", "text": "Deputy " + STORY + "\ud800", "title": "T\udc80"}
        ).encode(),
        json.dumps({"id": "url", "text": STORY, "url": "http://[::1"}).encode(),
        b"[" * 100_000,
        json.dumps({"id": "last", "text": STORY.replace("Monday", "Friday")}).encode(),
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


# The one function: readers and entry points ----------------------------------------------


def test_encodable_replaces_surrogates_one_for_one_and_says_so() -> None:
    notes: list[str] = []
    assert encodable(LONE, "text", notes) == "He said hi.\ufffd"
    assert notes == [NOTE]
    assert encodable(STORY, "text", notes) is STORY and len(notes) == 1
    document = normalised(Document(id="x\udc80", text=LONE, title="ok"))
    assert (document.id, document.text) == ("x\ufffd", "He said hi.\ufffd")
    assert (
        document.notes[0].startswith("1 character UTF-8 cannot encode") and len(document.notes) == 2
    )
    json.dumps(document.to_dict(), ensure_ascii=False).encode("utf-8")  # no UnicodeEncodeError


def test_jsonl_lines_are_normalised_and_bad_lines_are_one_line_errors(tmp_path: Path) -> None:
    path = hostile_jsonl(tmp_path / "export.jsonl")
    good, raw, escaped, url, deep, last = list(iter_articles([path]))
    assert isinstance(good, Document) and not good.notes
    assert isinstance(raw, Document) and raw.text == STORY + "\ufffd"
    assert raw.notes == [NOTE.replace("offset 11", f"offset {len(STORY)}")]
    assert isinstance(escaped, Document) and escaped.title == "T\ufffd"
    assert [n.split(" in the ")[1].split(" replaced")[0] for n in escaped.notes] == [
        "text",
        '"title"',
    ]
    assert isinstance(url, InputFailure)
    assert url.message == (f"{path}:4: \"url\" 'http://[::1' is not a valid URL (Invalid IPv6 URL)")
    assert isinstance(deep, InputFailure)
    assert deep.message == f"{path}:5: nested more than 64 levels deep (a record needs 2)"
    assert isinstance(last, Document) and last.id == "last"


def test_a_deep_first_line_does_not_break_sniffing(tmp_path: Path) -> None:
    path = tmp_path / "export"  # no extension: the first line decides what the file is
    path.write_bytes(b'{"a":' + b"[" * 1_500 + b"\n")  # within the 8 KB sniffed
    [item] = list(iter_articles([path]))
    assert isinstance(item, Document) and item.path == str(path)  # not JSONL: a text


# Per-file limits ------------------------------------------------------------------------


def bomb(path: Path, lines: int) -> Path:
    """A gzip of one-letter JSONL lines: tiny on disk, many "articles" inside."""
    path.write_bytes(gzip.compress(b'{"text":"a"}\n' * lines, 9))
    return path


def test_a_feed_referring_to_a_surrogate_reads_it_as_a_replacement(tmp_path: Path) -> None:
    # feedparser encoded &#xD800; and failed with UnicodeEncodeError: a traceback.
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        "<item><title>A &#xD800; title &#55297; &#57344;</title><link>https://x.test/a</link>"
        "<description>Okafor said &#xdfff; the talks failed.</description></item>"
        "</channel></rss>"
    )
    (item,) = iter_articles([feed])
    assert isinstance(item, Document)
    assert item.title == "A \ufffd title \ufffd \ue000"  # U+E000 is no surrogate: kept
    assert "\ufffd" in item.text
    # A reference past U+10FFFF: feedparser's ValueError is a one-line failure.
    feed.write_text(feed.read_text().replace("&#57344;", "&#x110000;"))
    (failure,) = iter_articles([feed])
    assert isinstance(failure, InputFailure) and "\n" not in failure.message
    assert "not a readable RSS or Atom feed" in failure.message


def test_a_gzip_bomb_stops_at_the_article_limit_per_file(tmp_path: Path) -> None:
    path = bomb(tmp_path / "bomb.jsonl.gz", 50_000)
    assert path.stat().st_size < 2_000
    *read, last = list(iter_articles([path], max_file_articles=1_000))
    assert len(read) == 1_000
    assert isinstance(last, InputFailure) and isinstance(last.error, TooManyArticlesError)
    assert last.message == (
        f"{path}: more than the 1000 articles limit per file; the first 1000 were read"
    )
    assert len(list(iter_articles([path], max_file_articles=50_000))) == 50_000


def test_a_file_stops_at_the_decompressed_size_limit(tmp_path: Path) -> None:
    path = bomb(tmp_path / "bomb.jsonl.gz", 50_000)
    *read, last = list(iter_articles([path], max_file_bytes=1_000))
    assert len(read) == 1_000 // len(b'{"text":"a"}\n')
    assert isinstance(last, InputFailure) and isinstance(last.error, FileTooLargeError)
    assert last.message == (
        f"{path}: more than the 1 KB limit per file (decompressed); "
        f"the {len(read)} article(s) before it were read"
    )
    exact = bomb(tmp_path / "exact.jsonl.gz", 10)
    assert len(list(iter_articles([exact], max_file_bytes=130))) == 10  # exactly the limit


def test_limits_out_of_range_are_value_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="max_bytes is 99999999999999999999, not between 1"):
        list(iter_articles([tmp_path], max_bytes=99999999999999999999))
    with pytest.raises(ValueError, match="max_file_articles is 0"):
        list(iter_articles([tmp_path], max_file_articles=0))


# Options --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["extract", "--max-bytes", "99999999999999999999GB", "x.txt"],
            "'99999999999999999999GB' is more than the maximum, 1 GB",
        ),
        (["extract", "--max-bytes", "9" * 400, "x.txt"], "is more than the maximum, 1 GB"),
        (["extract", "--max-bytes", "0.1", "x.txt"], "'0.1' is less than 1 byte"),
        (
            ["extract", "--max-file-bytes", "2000000GB", "x.txt"],
            "is more than the maximum, 1000000 GB",
        ),
        (["ingest", "--max-file-articles", "0", "x.txt"], "0 is not in the range 1<=x<="),
        (["quotes", "--limit", "99999999999999999999"], "is not in the range 1<=x<=1000000"),
        (["ingest", "--jobs", "99999999999999999999", "x.txt"], "is not in the range 1<=x<=256"),
        (["extract", "--n-process", "99999999999999999999", "x"], "not in the range 1<=x<=256"),
    ],
)
def test_out_of_range_options_are_usage_errors(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


# End to end, with the model ---------------------------------------------------------------


@pytest.mark.model
def test_library_extract_replaces_a_lone_surrogate() -> None:
    document = saidwhat.extract(LONE, tagger="fast")
    assert document.text == "He said hi.\ufffd" and document.notes == [NOTE]
    assert json.dumps(document.to_dict(), ensure_ascii=False).encode("utf-8")
    [many] = saidwhat.extract_many([Document(id="d\ud800", text=LONE)], tagger="fast")
    assert many.id == "d\ufffd" and not many.error


@pytest.mark.model
def test_cli_extract_goes_on_past_every_bad_line(tmp_path: Path) -> None:
    path = hostile_jsonl(tmp_path / "export.jsonl")
    result = run("extract", "--tagger", "fast", "--format", "jsonl", path)
    assert result.exit_code == 1, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["good", "raw", "escaped", "last"]
    assert records[1]["notes"] == [NOTE.replace("offset 11", f"offset {len(STORY)}")]
    assert "notes" not in records[0]
    errors = result.stderr.splitlines()
    assert f"saidwhat: warning: {path}:2: 1 character UTF-8 cannot encode" in errors[0]
    assert f"saidwhat: error: {path}:4: \"url\" 'http://[::1' is not a valid URL" in result.stderr
    assert f"saidwhat: error: {path}:5: nested more than 64 levels deep" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.model
def test_cli_ingest_stores_the_rest_and_lists_each_bad_line(tmp_path: Path) -> None:
    path = hostile_jsonl(tmp_path / "export.jsonl")
    gz = bomb(tmp_path / "bomb.jsonl.gz", 30)
    db = tmp_path / "c.db"
    result = run("ingest", path, gz, "--db", db, "--tagger", "fast", "--max-file-articles", "20")
    assert result.exit_code == 1, result.output
    assert "stored 5 article(s)" in result.stderr  # 4 of the export, 1 of the bomb's "a"s
    assert f"saidwhat: warning: {path}:3: 1 character UTF-8 cannot encode" in result.stderr
    failures = (tmp_path / "c.db.failures.tsv").read_text(encoding="utf-8").splitlines()
    assert failures[0].startswith(f"{path}:4\t\"url\" 'http://[::1' is not a valid URL")
    assert failures[1].startswith(f"{path}:5\tnested more than 64 levels deep")
    assert failures[2] == (
        f"{gz}\tmore than the 20 articles limit per file; the first 20 were read"
    )
    with SQLiteStore(db) as store:
        document, _, _ = store.article(text_key(STORY + "\ufffd")[:16])  # the store's id
        assert document.text == STORY + "\ufffd"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("hostile") / "api.db"
    SQLiteStore(db).close()
    with TestClient(create_app(ServeSettings(db=db, tagger="fast"))) as c:
        yield c


@pytest.mark.model
@pytest.mark.parametrize(
    "body",
    [
        json.dumps({"text": LONE}).encode(),  # the "\ud800" escape
        b'{"text": "He said hi.' + SURROGATE_BYTES + b'"}',  # the raw bytes
    ],
)
def test_api_extract_replaces_a_lone_surrogate(client: TestClient, body: bytes) -> None:
    response = client.post(
        "/api/extract", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text
    record = response.json()
    assert record["notes"] == [NOTE]


@pytest.mark.parametrize(("command", "option"), [("extract", "--n-process"), ("ingest", "--jobs")])
def test_more_workers_than_cores_is_warned(
    command: str, option: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # --jobs 256 on 2 cores starts 256 copies of the models: the machine runs out of memory.
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    missing = str(tmp_path / "missing.txt")  # the command fails fast; the warning comes first
    many = CliRunner().invoke(main, [command, option, "3", missing])
    expected = f"warning: {option} 3 starts more worker processes than this machine's 2 cores"
    assert expected in many.stderr
    enough = CliRunner().invoke(main, [command, option, "2", missing])
    assert "warning" not in enough.stderr
