"""Reading inputs: decoding, HTML extraction, files, directories and streams (no model needed)."""

from __future__ import annotations

import codecs
import hashlib
import io
from pathlib import Path

import pytest

from saidwhat.errors import InputError, TooLargeError
from saidwhat.ingest import (
    InputFailure,
    declared_charset,
    decode_bytes,
    document_from_bytes,
    format_size,
    html_to_document,
    iter_inputs,
    looks_like_html,
    read_path,
    read_stream,
)
from saidwhat.model import Document

STORY = (
    "The harbour master said on Friday that the ferry would resume in spring.\r\n"
    '"We have waited long enough," she told the council.\r\n'
)
WESTERN = "The café owner said “we won’t close” – Señor Peña agreed, naïvely."
RUSSIAN = "Министр заявил, что новый мост откроют весной следующего года."

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Ferry to resume | Harbour Times</title>
<link rel="canonical" href="https://harbour.example.org/2024/02/ferry">
<meta property="article:published_time" content="2024-02-09T08:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Ferry to resume</h1>
<p>The harbour master said on Friday that the ferry would resume in spring.</p>
<p>"We have waited long enough," she told the council.</p></article>
<footer>All rights reserved</footer></body></html>
"""


def _sha16(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# decode_bytes


def test_decode_utf8_is_exact() -> None:
    assert decode_bytes(STORY.encode("utf-8")) == STORY


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
    ],
)
def test_decode_byte_order_mark_decides_and_is_dropped(bom: bytes, encoding: str) -> None:
    assert decode_bytes(bom + WESTERN.encode(encoding)) == WESTERN


def test_decode_legacy_western_text() -> None:
    assert decode_bytes(WESTERN.encode("cp1252")) == WESTERN


def test_decode_legacy_cyrillic_text() -> None:
    assert decode_bytes(RUSSIAN.encode("cp1251")) == RUSSIAN


def test_decode_honours_declared_charset() -> None:
    assert decode_bytes(RUSSIAN.encode("koi8-r"), declared="KOI8-R") == RUSSIAN


def test_decode_ignores_a_declaration_that_does_not_fit() -> None:
    # Declared UTF-8 but really windows-1252: detection takes over.
    assert decode_bytes(WESTERN.encode("cp1252"), declared="utf-8") == WESTERN


def test_decode_rejects_nul_bytes() -> None:
    with pytest.raises(InputError, match="binary file"):
        decode_bytes(b"PK\x03\x04\x00\x00text")


def test_decode_rejects_damaged_utf8_instead_of_mojibake() -> None:
    damaged = ("The café said “hello” to the naïve visitor. " * 5).encode("utf-8") + b"\xff\xfe"
    with pytest.raises(InputError, match="not valid UTF-8"):
        decode_bytes(damaged)


def test_decode_rejects_noise() -> None:
    with pytest.raises(InputError, match="not valid UTF-8"):
        decode_bytes(bytes(range(0x80, 0x100)) * 8)


def test_decode_rejects_control_characters() -> None:
    with pytest.raises(InputError, match="control characters"):
        decode_bytes(bytes(range(1, 32)) * 20)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<meta charset="windows-1252">', "cp1252"),
        (b"<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=KOI8-R'>", "koi8-r"),
        (b'<meta charset="iso-8859-1">', "cp1252"),  # as browsers do
        (b'<meta charset="utf-16">', "utf-8"),  # an ASCII-readable page is not UTF-16
        (b'<meta charset="no-such-charset">', None),
        (b'<meta charset="base64">', None),  # not a text encoding
        (b"<p>charset=cp1251 mentioned in text</p>", None),
    ],
)
def test_declared_charset(head: bytes, expected: str | None) -> None:
    assert declared_charset(b"<html><head>" + head + b"</head></html>") == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<!DOCTYPE html><html></html>", True),
        (b"\n  <html><body><p>x</p></body></html>", True),
        (codecs.BOM_UTF8 + b"<html>", True),
        (codecs.BOM_UTF16_LE + "<html><body>".encode("utf-16-le"), True),
        (b"<p>A fragment.</p>", True),
        (b"Plain text that mentions <html> tags.", False),
        (b"<3 plain text", False),
    ],
)
def test_looks_like_html(data: bytes, expected: bool) -> None:
    assert looks_like_html(data) is expected


# html_to_document


def test_html_to_document_extracts_text_and_metadata() -> None:
    document = html_to_document(PAGE, id="ferry", path="ferry.html")
    assert document.id == "ferry"
    assert document.derived_text is True
    assert document.title == "Ferry to resume"
    assert document.url == "https://harbour.example.org/2024/02/ferry"
    assert document.published == "2024-02-09T08:00:00Z"
    assert '"We have waited long enough," she told the council.' in document.text
    assert "Home" not in document.text and "All rights reserved" not in document.text
    assert document.to_dict()["text"] == document.text


def test_html_to_document_reads_a_fragment() -> None:
    document = html_to_document('<p>"Enough," said the harbour master.</p>')
    assert document.text == '"Enough," said the harbour master.'
    assert document.id == _sha16(document.text)


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><title>Only a title</title></head></html>",
        "<html><body></body></html>",
        "<html><body>" + "<div>" * 3000 + "deep" + "</div>" * 3000 + "</body></html>",
    ],
)
def test_html_without_main_text_is_an_input_error(html: str) -> None:
    with pytest.raises(InputError, match="no main text"):
        html_to_document(html)


# document_from_bytes


def test_document_from_bytes_sniffs_text_and_hashes_id() -> None:
    document = document_from_bytes(STORY.encode())
    assert document.text == STORY
    assert document.id == _sha16(STORY)
    assert document.derived_text is False
    assert "text" not in document.to_dict()


def test_document_from_bytes_sniffs_html() -> None:
    assert document_from_bytes(PAGE.encode()).title == "Ferry to resume"


def test_document_from_bytes_text_is_never_sniffed_when_told() -> None:
    assert document_from_bytes(PAGE.encode(), html=False).text == PAGE


def test_legacy_html_uses_meta_charset() -> None:
    # Bytes valid in both windows-1252 and windows-1251: only the declaration decides.
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
        f"<title>Новости</title></head><body><p>{RUSSIAN}</p></body></html>"
    )
    document = document_from_bytes(page.encode("cp1251"), html=True)
    assert document.text == RUSSIAN
    assert document.title == "Новости"


@pytest.mark.parametrize(("data", "reason"), [(b"", "0 bytes"), (b" \r\n\t\n", "whitespace")])
def test_empty_input_is_an_input_error(data: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        document_from_bytes(data)


# read_path, read_stream


def test_read_path_keeps_text_exactly(tmp_path: Path) -> None:
    path = tmp_path / "ferry.story.txt"
    path.write_bytes(STORY.encode("utf-8"))
    document = read_path(path)
    assert document == Document(id="ferry.story", text=STORY, path=str(path))
    start = document.text.index('"We')
    assert document.text[start : start + 3] == '"We'


def test_read_path_txt_is_text_even_if_it_looks_like_html(tmp_path: Path) -> None:
    (tmp_path / "page.txt").write_text(PAGE, encoding="utf-8")
    assert read_path(tmp_path / "page.txt").text == PAGE


@pytest.mark.parametrize("name", ["page.html", "PAGE.HTM", "page.xhtml", "page"])
def test_read_path_html(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text(PAGE, encoding="utf-8")
    document = read_path(tmp_path / name)
    assert document.title == "Ferry to resume"
    assert document.id == Path(name).stem


def test_read_path_checks_size_before_opening(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as file:
        file.truncate(50_000_000)  # sparse: cheap to create

    def no_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("an oversized file must not be opened")

    monkeypatch.setattr(Path, "open", no_open)
    with pytest.raises(TooLargeError, match=r"huge\.txt: 50 MB, over the 5 MB limit"):
        read_path(path)


def test_read_path_max_bytes(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(STORY, encoding="utf-8")
    with pytest.raises(TooLargeError):
        read_path(path, max_bytes=len(STORY) - 1)
    assert read_path(path, max_bytes=len(STORY)).text == STORY


@pytest.mark.parametrize(
    ("name", "reason"), [("missing.txt", "no such file"), (".", "is a directory")]
)
def test_read_path_os_errors_become_input_errors(tmp_path: Path, name: str, reason: str) -> None:
    with pytest.raises(InputError, match=reason) as info:
        read_path(tmp_path / name)
    assert str(info.value).startswith(str(tmp_path))


def test_read_stream_reads_a_bounded_amount() -> None:
    class Stream(io.BytesIO):
        sizes: list[int] = []

        def read(self, size: int | None = -1) -> bytes:
            self.sizes.append(size if size is not None else -1)
            return super().read(size)

    stream = Stream(b"x" * 2000)
    with pytest.raises(TooLargeError, match="<stdin>: more than the 1 KB limit"):
        read_stream(stream, max_bytes=1000)
    assert stream.sizes == [1001]


def test_read_stream_names_its_errors() -> None:
    with pytest.raises(InputError, match="^feed: binary"):
        read_stream(io.BytesIO(b"\x00\x01"), label="feed")


# iter_inputs


def test_iter_inputs_directories_files_stdin_and_failures(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "sub" / "notes.md").write_text("not an article", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "nothing").mkdir()
    missing = tmp_path / "missing.txt"
    stdin = io.BytesIO(b"Standard input, no quotes.")

    items = list(iter_inputs([tmp_path, missing, "-", tmp_path / "nothing"], stdin=stdin))

    labels = [i.path for i in items]
    assert labels == [
        str(tmp_path / "b.txt"),
        str(tmp_path / "empty.txt"),
        str(tmp_path / "sub" / "a.html"),
        str(missing),
        None,
        str(tmp_path / "nothing"),
    ]
    failures = [i for i in items if isinstance(i, InputFailure)]
    assert [f.path for f in failures] == [
        str(tmp_path / "empty.txt"),
        str(missing),
        str(tmp_path / "nothing"),
    ]
    assert all(f.message.startswith(f.path + ": ") for f in failures)
    assert "no .txt, .html or .htm files" in failures[-1].message
    stdin_document = items[4]
    assert isinstance(stdin_document, Document)
    assert stdin_document.id == _sha16("Standard input, no quotes.")


def test_format_size() -> None:
    assert [format_size(n) for n in (12, 1_500, 5_000_000, 52_428_800)] == [
        "12 bytes",
        "1.5 KB",
        "5 MB",
        "52.4 MB",
    ]
