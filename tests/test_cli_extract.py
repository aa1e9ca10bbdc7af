"""``saidwhat extract`` through click's runner: inputs, formats, options and bad input."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from saidwhat.cli import main
from saidwhat.cli.common import ByteSize

STORY = (
    "The harbour master said on Friday that the ferry would resume in spring.\r\n"
    '"We have waited long enough," she told the council.\r\n'
)
NO_QUOTES = "The council met on Monday. It adjourned after an hour without a vote.\n"
UNBALANCED = 'He said "yes and “no and ” then " again «and ‘ ' * 40 + "\n"
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Ferry to resume</title>
<link rel="canonical" href="https://harbour.example.org/2024/02/ferry">
<meta property="article:published_time" content="2024-02-09T08:00:00Z"></head>
<body><nav><a href="/">Home</a></nav><article><h1>Ferry to resume</h1>
<p>The harbour master said on Friday that the ferry would resume in spring.</p>
<p>"We have waited long enough," she told the council.</p></article></body></html>
"""
LEGACY_PAGE = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    "<title>Café reopens</title></head><body><article>"
    "<p>The café owner said “we won’t close again” on Sunday, Señor Peña confirmed.</p>"
    "</article></body></html>"
).encode("cp1252")


def run(*args: str | Path, input: bytes | str | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def records(result: Result) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


# one input of each kind


@pytest.mark.model
def test_text_file(tmp_path: Path) -> None:
    path = write(tmp_path / "ferry.txt", STORY)
    result = run("extract", path)
    assert result.exit_code == 0, result.output
    [record] = records(result)
    assert record["id"] == "ferry"
    assert record["path"] == str(path)
    assert record["text_sha256"] == hashlib.sha256(STORY.encode()).hexdigest()
    assert "text" not in record  # the file is the text
    assert record["attributions"]
    for attribution in record["attributions"]:
        [(start, end)] = attribution["content"]["spans"]
        assert STORY[start:end] == attribution["content"]["text"]  # CRLF kept: offsets hold


@pytest.mark.model
def test_html_file(tmp_path: Path) -> None:
    result = run("extract", write(tmp_path / "ferry.html", PAGE))
    assert result.exit_code == 0, result.output
    [record] = records(result)
    assert record["id"] == "ferry"
    assert record["title"] == "Ferry to resume"
    assert record["url"] == "https://harbour.example.org/2024/02/ferry"
    assert record["published"] == "2024-02-09T08:00:00Z"
    assert "Home" not in record["text"]
    assert record["attributions"]
    for attribution in record["attributions"]:
        [(start, end)] = attribution["content"]["spans"]
        assert record["text"][start:end] == attribution["content"]["text"]


@pytest.mark.model
def test_legacy_encoded_html_with_meta_charset(tmp_path: Path) -> None:
    result = run("extract", write(tmp_path / "cafe.htm", LEGACY_PAGE))
    assert result.exit_code == 0, result.output
    [record] = records(result)
    assert record["title"] == "Café reopens"
    assert "“we won’t close again”" in record["text"]
    assert "Señor Peña" in record["text"]


@pytest.mark.model
def test_other_extensions_are_sniffed(tmp_path: Path) -> None:
    page = write(tmp_path / "ferry.php", PAGE)
    story = write(tmp_path / "story.md", STORY)
    result = run("extract", page, story)
    assert result.exit_code == 0, result.output
    html_record, text_record = records(result)
    assert html_record["title"] == "Ferry to resume" and "text" in html_record
    assert text_record["id"] == "story" and "text" not in text_record


@pytest.mark.model
@pytest.mark.parametrize("args", [("extract", "-"), ("extract",)])
def test_stdin_text(args: tuple[str, ...]) -> None:
    result = run(*args, input=STORY)
    assert result.exit_code == 0, result.output
    [record] = records(result)
    assert record["id"] == hashlib.sha256(STORY.encode()).hexdigest()[:16]
    assert record["path"] is None
    assert record["attributions"]


@pytest.mark.model
def test_stdin_html() -> None:
    result = run("extract", "-", input=LEGACY_PAGE)
    assert result.exit_code == 0, result.output
    [record] = records(result)
    assert record["title"] == "Café reopens"
    assert record["id"] == hashlib.sha256(record["text"].encode()).hexdigest()[:16]


# many inputs


@pytest.mark.model
def test_files_and_directories_in_order(tmp_path: Path) -> None:
    write(tmp_path / "dir" / "b.txt", STORY)
    write(tmp_path / "dir" / "a" / "c.html", PAGE)
    write(tmp_path / "dir" / "a" / "skip.json", "{}")
    write(tmp_path / "dir" / ".git" / "d.txt", STORY)
    first = write(tmp_path / "first.txt", NO_QUOTES)
    result = run("extract", first, tmp_path / "dir", "-", input=STORY)
    assert result.exit_code == 0, result.output
    assert [(r["id"], r["path"]) for r in records(result)] == [
        ("first", str(first)),
        ("c", str(tmp_path / "dir" / "a" / "c.html")),
        ("b", str(tmp_path / "dir" / "b.txt")),
        (hashlib.sha256(STORY.encode()).hexdigest()[:16], None),
    ]


@pytest.mark.model
def test_n_process(tmp_path: Path) -> None:
    paths = [write(tmp_path / f"{n}.txt", STORY) for n in "abc"]
    result = run("extract", "--n-process", "2", *paths)
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in records(result)] == ["a", "b", "c"]


# --id


@pytest.mark.model
def test_id_for_a_file_and_for_stdin(tmp_path: Path) -> None:
    result = run("extract", "--id", "ferry-2024", write(tmp_path / "x.txt", STORY))
    assert [r["id"] for r in records(result)] == ["ferry-2024"]
    result = run("extract", "--id", "piped", "-", input=STORY)
    assert [r["id"] for r in records(result)] == ["piped"]


@pytest.mark.parametrize("inputs", [("a.txt", "b.txt"), (".",)])
def test_id_needs_a_single_input(inputs: tuple[str, ...]) -> None:
    result = run("extract", "--id", "x", *inputs)
    assert result.exit_code == 2
    assert "--id needs a single input" in result.stderr


# formats


@pytest.mark.model
def test_json_format(tmp_path: Path) -> None:
    paths = [write(tmp_path / "a.txt", STORY), write(tmp_path / "b.html", PAGE)]
    result = run("extract", "--format", "json", *paths)
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == ["a", "b"]


@pytest.mark.model
def test_json_format_without_documents(tmp_path: Path) -> None:
    result = run("extract", "--format", "json", write(tmp_path / "e.txt", ""))
    assert result.exit_code == 1
    assert json.loads(result.stdout) == []


@pytest.mark.model
def test_table_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    long_quote = 'The mayor said: "' + "we will keep building, " * 20 + 'no matter what."\n'
    paths = [
        write(tmp_path / "long.txt", long_quote),
        write(tmp_path / "quiet.txt", NO_QUOTES),
        write(tmp_path / "ferry.html", PAGE),
    ]
    result = run("extract", "--format", "table", *paths)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"== long ({paths[0]}): 1 attribution")
    assert lines[1].split(" | ") == ["speaker".ljust(20), "kind    ", "cue".ljust(12), "content"]
    assert lines[2].endswith("…") and len(lines[2]) == 80
    assert f"== quiet ({paths[1]}): 0 attributions" in lines
    assert any(line.startswith(f"== ferry ({paths[2]}) Ferry to resume: ") for line in lines)
    assert all(len(line) <= 80 for line in lines if not line.startswith("=="))


# bad input: one line on stderr naming the file, the other files still processed, exit 1


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as file:
        file.truncate(size)
    return path


BAD_INPUTS = {
    "empty.txt": (b"", "empty (0 bytes)"),
    "blank.txt": (b"  \n\r\n\t", "empty (only whitespace)"),
    "image.bin": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (contains NUL bytes)"),
    "broken.txt": (
        ("Le café dit « non » au naïf. " * 5).encode("utf-8") + b"\xff\xfe",
        "not valid UTF-8",
    ),
    "noise.txt": (bytes(range(0x80, 0x100)) * 4, "not valid UTF-8"),
    "nobody.html": (b"<html><head><title>Nothing here</title></head></html>", "no main text"),
}


@pytest.mark.model
@pytest.mark.parametrize("name", [*BAD_INPUTS, "huge.txt", "missing.txt"])
def test_bad_input_is_skipped_with_one_line(tmp_path: Path, name: str) -> None:
    good = write(tmp_path / "good.txt", STORY)
    bad = tmp_path / name
    if name in BAD_INPUTS:
        data, reason = BAD_INPUTS[name]
        write(bad, data)
    elif name == "huge.txt":
        _sparse(bad, 50 * 1024 * 1024)
        reason = "52.4 MB, over the 5 MB limit, skipped (raise the limit with --max-bytes)"
    else:
        reason = "no such file or directory"
    result = run("extract", bad, good)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    [line] = result.stderr.splitlines()
    assert line.startswith(f"saidwhat: error: {bad}: ")
    assert reason in line
    assert line.endswith(("skipped", "--max-bytes)"))
    assert [r["id"] for r in records(result)] == ["good"]


@pytest.mark.model
def test_every_input_failing(tmp_path: Path) -> None:
    result = run("extract", tmp_path / "missing.txt", write(tmp_path / "e.txt", ""))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 2


@pytest.mark.model
def test_bad_stdin() -> None:
    result = run("extract", "-", input=b"\x00\x01\x02")
    assert result.exit_code == 1
    assert result.stderr == "saidwhat: error: <stdin>: binary file (contains NUL bytes), skipped\n"


@pytest.mark.model
def test_directory_without_articles(tmp_path: Path) -> None:
    write(tmp_path / "d" / "data.csv", "a,b\n")
    result = run("extract", tmp_path / "d")
    assert result.exit_code == 1
    assert "no .txt, .html or .htm files" in result.stderr


@pytest.mark.model
@pytest.mark.parametrize("text", [NO_QUOTES, UNBALANCED])
def test_odd_but_valid_text(tmp_path: Path, text: str) -> None:
    result = run("extract", write(tmp_path / "odd.txt", text))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    [record] = records(result)
    if text == NO_QUOTES:
        assert record["attributions"] == []


# the size limit


@pytest.mark.model
def test_max_bytes(tmp_path: Path) -> None:
    path = write(tmp_path / "story.txt", STORY * 10)  # about 1.3 KB
    result = run("extract", "--max-bytes", "1KB", path)
    assert result.exit_code == 1
    assert "over the 1 KB limit" in result.stderr
    result = run("extract", "--max-bytes", "2KB", path)
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in records(result)] == ["story"]


@pytest.mark.model
def test_max_bytes_raises_the_default(tmp_path: Path) -> None:
    path = _sparse(tmp_path / "six.txt", 6_000_000)
    assert "over the 5 MB limit" in run("extract", path).stderr
    # Past the size check, the (NUL) content is what gets rejected.
    assert "binary file" in run("extract", "--max-bytes", "20MB", path).stderr


@pytest.mark.model
def test_max_bytes_on_stdin() -> None:
    result = run("extract", "--max-bytes", "100", "-", input=STORY * 2)
    assert result.exit_code == 1
    assert "<stdin>: more than the 100 bytes limit" in result.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5000000", 5_000_000),
        ("500KB", 500_000),
        ("20MB", 20_000_000),
        ("20mb", 20_000_000),
        ("1.5 MB", 1_500_000),
        ("2MiB", 2 * 1024 * 1024),
        ("1GB", 10**9),
    ],
)
def test_byte_size(value: str, expected: int) -> None:
    assert ByteSize().convert(value, None, None) == expected


@pytest.mark.parametrize("value", ["", "MB", "12XB", "0", "-5", "0.1B"])
def test_byte_size_rejects(value: str) -> None:
    with pytest.raises(click.BadParameter):
        ByteSize().convert(value, None, None)


def test_help_lists_every_option() -> None:
    result = run("extract", "--help")
    assert result.exit_code == 0
    for option in ("--format", "--id", "--max-bytes", "--n-process", "[PATH ...|-]"):
        assert option in result.stdout


def test_an_article_in_another_language_is_read_but_not_attributed(tmp_path: Path) -> None:
    german = (
        "Die Ministerin sagte am Dienstag, die Gespräche seien gescheitert. „Wir haben alles "
        "versucht“, sagte sie vor Journalisten. Die Opposition forderte eine Untersuchung der "
        "Vorgänge und warf der Regierung vor, zu spät gehandelt zu haben."
    )
    path = write(tmp_path / "berlin.txt", german)
    table = run("extract", "--format", "table", path)
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[0] == (
        f"== berlin ({path}): 0 attributions (language 'de' is not read)"
    )
    (record,) = [json.loads(line) for line in run("extract", path).stdout.splitlines()]
    assert record["language"] == "de" and record["attributions"] == []
