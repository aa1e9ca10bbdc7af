"""Reading many kinds of input: WARC, RSS/Atom, JSONL, gzip, directories and globs (no model).

Every fixture is built here, from short invented news text.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from saidwhat.errors import TooLargeError
from saidwhat.ingest import (
    InputFailure,
    count_articles,
    iso_date,
    iter_articles,
    iter_inputs,
    language_code,
)
from saidwhat.model import Document

HARBOUR = "The harbour master said on Friday that the ferry would resume in spring."
COUNCIL = '"We have waited long enough," she told the council.'
#: trafilatura keeps the <h1> of the ferry page as the first line of its text.
FERRY_TEXT = f"Ferry to resume\n{HARBOUR}\n{COUNCIL}"
CAFE = "The café owner said “we won’t close again” on Sunday, Señor Peña confirmed."
BRIDGE = "The engineer said the bridge was safe and would reopen to traffic next week."
RUSSIAN = "Министр заявил, что новый мост откроют весной следующего года."
JAPANESE = "市長は金曜日、新しい橋が来年の春に開通すると述べた。「長く待った」と住民は語った。"
UNDER_LIMIT = 5_000_000


def page(body: str, *, head: str = "", charset: str | None = None, nav: bool = False) -> str:
    """An article page; ``charset`` adds a ``<meta charset>``, ``nav`` a menu.

    (On a page with a one-sentence article trafilatura keeps the menu: the pages of
    one sentence have none, so their text can be checked exactly.)
    """
    meta = f'<meta charset="{charset}">' if charset else ""
    menu = '<nav><a href="/">Home</a> <a href="/news">News</a></nav>' if nav else ""
    return (
        f"<!DOCTYPE html><html><head>{meta}{head}</head><body>{menu}"
        f"<article>{body}</article><footer>All rights reserved</footer></body></html>"
    )


FERRY_PAGE = page(
    f"<h1>Ferry to resume</h1><p>{HARBOUR}</p><p>{COUNCIL}</p>",
    head=(
        "<title>Ferry to resume</title>"
        '<link rel="canonical" href="https://harbour.example.org/2024/02/ferry">'
        '<meta property="article:published_time" content="2024-02-09T08:00:00Z">'
    ),
    charset="utf-8",
    nav=True,
)
# No <meta charset>: only the HTTP header says windows-1252.
CAFE_PAGE = page(f"<p>{CAFE}</p>", head="<title>Café reopens</title>")


def documents(items: list[Document | InputFailure]) -> list[Document]:
    return [item for item in items if isinstance(item, Document)]


def failures(items: list[Document | InputFailure]) -> list[InputFailure]:
    return [item for item in items if isinstance(item, InputFailure)]


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# WARC


def build_warc(*, gz: bool) -> bytes:
    """warcinfo, request, HTML 200, PNG 200, HTML 404, HTML 200 in windows-1252 (records 1-6)."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gz)

    def response(uri: str, status: str, content_type: str, payload: bytes) -> None:
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            uri, "response", payload=io.BytesIO(payload), http_headers=headers
        )
        writer.write_record(record)

    writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "tests"}))
    request = StatusAndHeaders(
        "GET /ferry HTTP/1.1", [("Host", "harbour.example.org")], is_http_request=True
    )
    writer.write_record(
        writer.create_warc_record(
            "https://harbour.example.org/ferry",
            "request",
            payload=io.BytesIO(b""),
            http_headers=request,
        )
    )
    response(
        "https://harbour.example.org/ferry?ref=home",
        "200 OK",
        "text/html; charset=utf-8",
        FERRY_PAGE.encode("utf-8"),
    )
    response("https://harbour.example.org/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n")
    response(
        "https://harbour.example.org/gone",
        "404 Not Found",
        "text/html",
        page(f"<p>{BRIDGE}</p>").encode("utf-8"),
    )
    response(
        "https://cafe.example.com/reopens",
        "200 OK",
        'text/html; charset="windows-1252"',
        CAFE_PAGE.encode("cp1252"),
    )
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "gz"),
    [("crawl.warc.gz", True), ("crawl.warc", False), ("crawl.gz", True), ("crawl", False)],
)
def test_warc_html_responses_are_articles(tmp_path: Path, name: str, gz: bool) -> None:
    path = write(tmp_path / name, build_warc(gz=gz))
    items = list(iter_articles([path]))

    assert failures(items) == []
    ferry, cafe = documents(items)
    assert (ferry.id, ferry.path) == ("crawl-3", f"{path}#record-3")
    assert ferry.text == FERRY_TEXT
    assert "Home" not in ferry.text and "All rights reserved" not in ferry.text
    assert ferry.title == "Ferry to resume"
    assert ferry.url == "https://harbour.example.org/2024/02/ferry"  # canonical beats target
    assert ferry.published == "2024-02-09T08:00:00Z"
    assert ferry.derived_text is True
    assert (cafe.id, cafe.path) == ("crawl-6", f"{path}#record-6")
    assert cafe.text == CAFE  # the HTTP header's charset: no mojibake
    assert cafe.title == "Café reopens"
    assert cafe.url == "https://cafe.example.com/reopens"
    assert cafe.outlet == "cafe.example.com"
    assert cafe.published is None  # never the WARC-Date (the crawl time)
    assert count_articles([path]) == 2


def test_warc_record_over_the_limit_is_a_failure(tmp_path: Path) -> None:
    path = write(tmp_path / "crawl.warc.gz", build_warc(gz=True))
    limit = len(CAFE_PAGE.encode("cp1252"))  # the ferry page is larger
    items = list(iter_articles([path], max_bytes=limit))
    [failure] = failures(items)
    assert failure.message == (f"{path}#record-3: more than the {limit} bytes limit per document")
    assert isinstance(failure.error, TooLargeError)
    assert [d.id for d in documents(items)] == ["crawl-6"]


def test_truncated_warc_gz_is_a_failure(tmp_path: Path) -> None:
    path = write(tmp_path / "crawl.warc.gz", build_warc(gz=True)[:-40])
    items = list(iter_articles([path]))
    assert isinstance(items[-1], InputFailure)
    assert items[-1].message.startswith(f"{path}: truncated gzip file (")
    assert all(isinstance(item, Document) for item in items[:-1])


def test_truncated_warc_record_is_a_failure(tmp_path: Path) -> None:
    path = write(tmp_path / "crawl.warc", build_warc(gz=False)[:-40])
    items = list(iter_articles([path]))
    assert [d.id for d in documents(items)] == ["crawl-3"]
    [failure] = failures(items)
    assert failure.message == f"{path}#record-6: truncated record (the file ends inside it)"


# feeds

RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Harbour Times</title>
  <link>https://harbour.example.org/</link>
  <description>News from the harbour</description>
  <item>
    <title>Ferry to resume</title>
    <link>https://harbour.example.org/2025/03/ferry</link>
    <pubDate>Fri, 14 Mar 2025 20:30:26 +0100</pubDate>
    <dc:creator>Ann Reporter</dc:creator>
    <description>A short summary that the full content replaces.</description>
    <content:encoded><![CDATA[<p>{HARBOUR}</p><p>{COUNCIL}</p>]]></content:encoded>
  </item>
  <item>
    <title>Café reopens</title>
    <link>https://harbour.example.org/2025/03/cafe</link>
    <pubDate>Sat, 15 Mar 2025 09:00:00 GMT</pubDate>
    <description>&lt;p&gt;{CAFE}&lt;/p&gt;</description>
  </item>
  <item>
    <title>Comments</title>
    <description>&lt;div class="comments"&gt;{BRIDGE}&lt;/div&gt;</description>
  </item>
  <item>
    <title>Only a title</title>
  </item>
</channel>
</rss>
"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Valley Gazette</title>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2025-03-15T09:00:00Z</updated>
  <entry>
    <title>Bridge to reopen</title>
    <link href="https://valley.example.net/bridge"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <published>2025-03-14</published>
    <updated>2025-03-15T09:00:00Z</updated>
    <author><name>Bo Writer</name></author>
    <content type="html">&lt;p&gt;{BRIDGE}&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Minister on the bridge</title>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6b</id>
    <updated>2025-03-15T10:00:00+02:00</updated>
    <summary type="text">{RUSSIAN} Plain text, &lt;b&gt; kept as written.</summary>
  </entry>
</feed>
"""


def test_rss_items_are_articles(tmp_path: Path) -> None:
    path = write(tmp_path / "harbour.rss", RSS)
    items = list(iter_articles([path]))
    ferry, cafe, comments, empty = items

    assert isinstance(ferry, Document)
    assert (ferry.id, ferry.path) == ("harbour-1", f"{path}#item-1")
    assert ferry.text == f"{HARBOUR}\n{COUNCIL}"  # content:encoded, not the description
    assert ferry.title == "Ferry to resume"
    assert ferry.url == "https://harbour.example.org/2025/03/ferry"
    assert ferry.published == "2025-03-14T19:30:26Z"
    assert ferry.author == "Ann Reporter"
    assert ferry.outlet == "Harbour Times"
    assert ferry.derived_text is True
    assert isinstance(cafe, Document)
    assert cafe.text == CAFE
    assert cafe.published == "2025-03-15T09:00:00Z"
    assert cafe.author is None
    # trafilatura drops a comments block; the item's plain text is used instead.
    assert isinstance(comments, Document)
    assert comments.text == BRIDGE
    assert comments.url is None
    assert isinstance(empty, InputFailure)
    assert empty.message == (
        f"{path}#item-4: no text (the item has no content, summary or description)"
    )
    assert count_articles([path]) == 4


def test_atom_entries_are_articles(tmp_path: Path) -> None:
    path = write(tmp_path / "valley.atom", ATOM)
    bridge, minister = list(iter_articles([path]))
    assert isinstance(bridge, Document) and isinstance(minister, Document)
    assert (bridge.id, bridge.path) == ("valley-1", f"{path}#item-1")
    assert bridge.text == BRIDGE
    assert bridge.published == "2025-03-14"  # a date without a time stays a date
    assert (bridge.author, bridge.outlet) == ("Bo Writer", "Valley Gazette")
    assert bridge.url == "https://valley.example.net/bridge"
    assert minister.text == f"{RUSSIAN} Plain text, <b> kept as written."
    assert minister.derived_text is False
    assert minister.published == "2025-03-15T08:00:00Z"  # the updated date, in UTC
    assert minister.url is None  # feedparser offers the urn: id as the link
    assert count_articles([path]) == 2


def test_feed_is_sniffed_without_a_feed_extension(tmp_path: Path) -> None:
    path = write(tmp_path / "latest", ATOM)
    assert [d.id for d in documents(list(iter_articles([path])))] == ["latest-1", "latest-2"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ('<?xml version="1.0"?><rss version="2.0"><channel><title>Cut', "not a readable RSS"),
        ('<?xml version="1.0"?><urlset><url><loc>x</loc></url></urlset>', "not an RSS or Atom"),
        ('<rss version="2.0"><channel><title>Quiet</title></channel></rss>', "no items"),
    ],
)
def test_feed_that_does_not_parse_is_one_failure(tmp_path: Path, data: str, reason: str) -> None:
    path = write(tmp_path / "feed.xml", data)
    [failure] = list(iter_articles([path]))
    assert isinstance(failure, InputFailure)
    assert failure.message.startswith(f"{path}: {reason}")


def test_feed_broken_off_keeps_the_items_before(tmp_path: Path) -> None:
    cut = RSS[: RSS.index("<title>Only a title")]
    path = write(tmp_path / "feed.xml", cut)
    items = list(iter_articles([path]))
    assert [d.id for d in documents(items)] == ["feed-1", "feed-2", "feed-3"]
    assert isinstance(items[-1], InputFailure)
    assert items[-1].message.startswith(f"{path}: not well-formed XML (line ")


# JSONL

JSONL_LINES = [
    {
        "id": "harbour-2025-001",
        "text": f"{HARBOUR}\n{COUNCIL}\n",
        "url": "https://harbour.example.org/ferry",
        "title": "Ferry to resume",
        "published": "2025-03-14 20:30:26Z",
        "source": {"name": "Harbour Times", "id": "ht"},
        "author": ["Ann Reporter", "Bo Writer"],
        "language": "en",
    },
    {"html": FERRY_PAGE, "outlet": "Harbour Times", "published": "not a date"},
    "",
    '{"text": "A line that breaks off',
    {"title": "No text here", "text": "   "},
    [HARBOUR],
    {"text": CAFE, "source": "Café Weekly", "published": "2025-03-14T20:30:26+01:00"},
]


def jsonl(lines: list[object]) -> bytes:
    rendered = (line if isinstance(line, str) else json.dumps(line) for line in lines)
    return "\n".join(rendered).encode("utf-8") + b"\n"


def check_jsonl(items: list[Document | InputFailure], path: Path) -> None:
    harbour, ferry, not_json, no_text, not_object, cafe = items
    assert isinstance(harbour, Document)
    assert harbour == Document(
        id="harbour-2025-001",
        text=f"{HARBOUR}\n{COUNCIL}\n",  # exactly as given
        path=f"{path}:1",
        title="Ferry to resume",
        url="https://harbour.example.org/ferry",
        published="2025-03-14T20:30:26Z",
        outlet="Harbour Times",
        author="Ann Reporter; Bo Writer",
        language="en",
    )
    assert isinstance(ferry, Document)
    assert (ferry.id, ferry.path) == ("export-2", f"{path}:2")
    assert ferry.text == FERRY_TEXT and ferry.derived_text is True
    assert ferry.url == "https://harbour.example.org/2024/02/ferry"  # from the page
    assert ferry.published == "2024-02-09T08:00:00Z"  # unreadable in JSON, so the page's
    assert ferry.outlet == "Harbour Times"
    assert ferry.language is None
    assert isinstance(not_json, InputFailure)
    assert not_json.message.startswith(f"{path}:4: not JSON (Unterminated string")
    assert isinstance(no_text, InputFailure)
    assert no_text.message == (
        f'{path}:5: no article: neither "text" nor "html" is a non-empty string'
    )
    assert isinstance(not_object, InputFailure)
    assert not_object.message == f"{path}:6: not a JSON object (a JSON list)"
    assert isinstance(cafe, Document)
    assert (cafe.id, cafe.text, cafe.outlet) == ("export-7", CAFE, "Café Weekly")
    assert cafe.published == "2025-03-14T19:30:26Z"
    assert cafe.derived_text is False


@pytest.mark.parametrize("name", ["export.jsonl", "export.ndjson", "export"])
def test_jsonl_lines_are_articles(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, jsonl(JSONL_LINES))
    check_jsonl(list(iter_articles([path])), path)
    assert count_articles([path]) == 6  # the blank line is no article


def test_gzipped_jsonl(tmp_path: Path) -> None:
    path = write(tmp_path / "export.jsonl.gz", gzipped(jsonl(JSONL_LINES)))
    check_jsonl(list(iter_articles([path])), path)
    assert count_articles([path]) == 6


def test_jsonl_line_over_the_limit_is_skipped(tmp_path: Path) -> None:
    lines = [{"text": "x" * 300}, {"text": HARBOUR}, {"text": "y" * 50}]
    path = write(tmp_path / "export.jsonl", jsonl(lines))
    long, harbour, short = list(iter_articles([path], max_bytes=100))
    assert isinstance(long, InputFailure)
    assert long.message == f"{path}:1: more than the 100 bytes limit per document"
    assert isinstance(harbour, Document) and harbour.text == HARBOUR
    assert isinstance(short, Document) and short.id == "export-3"


def test_truncated_gzipped_jsonl_keeps_the_lines_before(tmp_path: Path) -> None:
    lines = [{"text": f"{HARBOUR} Story {n}."} for n in range(1, 201)]
    data = gzipped(jsonl(lines))
    path = write(tmp_path / "export.jsonl.gz", data[: len(data) // 2])
    items = list(iter_articles([path]))
    *read, last = items
    assert read and all(isinstance(item, Document) for item in read)
    assert [d.id for d in documents(read)] == [f"export-{n}" for n in range(1, len(read) + 1)]
    assert isinstance(last, InputFailure)
    assert last.message == (
        f"{path}: truncated gzip file "
        "(compressed file ended before the end-of-stream marker was reached)"
    )


# HTML and text files, plain and gzipped


LEGACY_PAGES = {
    "cafe.html": (page(f"<p>{CAFE}</p>", charset="windows-1252"), "cp1252", CAFE),
    "minister.htm": (page(f"<p>{RUSSIAN}</p>", charset="windows-1251"), "cp1251", RUSSIAN),
    "mayor.html": (page(f"<p>{JAPANESE}</p>", charset="shift_jis"), "shift_jis", JAPANESE),
    "ferry.html": (FERRY_PAGE, "utf-8", FERRY_TEXT),
}


@pytest.mark.parametrize("name", LEGACY_PAGES)
def test_html_files_in_any_encoding_are_decoded_exactly(tmp_path: Path, name: str) -> None:
    html, encoding, text = LEGACY_PAGES[name]
    path = write(tmp_path / name, html.encode(encoding))
    [document] = list(iter_articles([path]))
    assert isinstance(document, Document)
    assert (document.id, document.path, document.text) == (Path(name).stem, str(path), text)
    assert document.derived_text is True


def test_text_file_is_kept_exactly(tmp_path: Path) -> None:
    story = f"{CAFE}\r\n{COUNCIL}\r\n"
    path = write(tmp_path / "cafe.txt", story.encode("cp1252"))
    [document] = list(iter_articles([path]))
    assert document == Document(id="cafe", text=story, path=str(path))


@pytest.mark.parametrize(
    ("name", "data", "text"),
    [
        ("ferry.html.gz", FERRY_PAGE.encode(), FERRY_TEXT),
        ("minister.txt.gz", RUSSIAN.encode("cp1251"), RUSSIAN),
        ("notes.gz", f"{HARBOUR}\n".encode(), f"{HARBOUR}\n"),  # sniffed as text
    ],
)
def test_gzipped_single_articles(tmp_path: Path, name: str, data: bytes, text: str) -> None:
    path = write(tmp_path / name, gzipped(data))
    [document] = list(iter_articles([path]))
    assert isinstance(document, Document)
    assert (document.id, document.path, document.text) == (name.split(".")[0], str(path), text)


def test_truncated_gzip_is_a_failure(tmp_path: Path) -> None:
    data = gzipped(f"{HARBOUR}\n".encode() * 20)
    path = write(tmp_path / "story.txt.gz", data[:-12])
    [failure] = list(iter_articles([path]))
    assert isinstance(failure, InputFailure)
    assert failure.message.startswith(f"{path}: truncated gzip file (")
    assert count_articles([path]) == 1


def test_damaged_gzip_is_a_failure(tmp_path: Path) -> None:
    data = bytearray(gzipped(f"{HARBOUR}\n".encode() * 20))
    data[12:20] = b"\xff" * 8
    path = write(tmp_path / "export.jsonl.gz", bytes(data))
    [failure] = list(iter_articles([path]))
    assert isinstance(failure, InputFailure)
    assert failure.message.startswith(f"{path}: damaged gzip data (")


def test_gzipped_article_over_the_limit(tmp_path: Path) -> None:
    path = write(tmp_path / "big.txt.gz", gzipped(b"news " * 1000))
    [failure] = list(iter_articles([path], max_bytes=1000))
    assert isinstance(failure, InputFailure) and isinstance(failure.error, TooLargeError)
    assert failure.message == f"{path}: more than the 1 KB limit per document"


# directories, globs, missing files


def corpus(root: Path) -> Path:
    """A directory mixing every kind, with files that are not articles."""
    write(root / "a.txt", f"{HARBOUR}\n")
    write(root / "b.html", FERRY_PAGE)
    write(root / "c.jsonl", jsonl([{"text": CAFE}, {"text": BRIDGE}]))
    write(root / "d.warc.gz", build_warc(gz=True))
    write(root / "e.rss", RSS)
    write(root / "notes.md", "Not an article.")
    write(root / "data.json", "{}")
    write(root / ".hidden" / "x.txt", HARBOUR)
    write(root / ".draft.txt", HARBOUR)
    write(root / "sub" / "f.html.gz", gzipped(FERRY_PAGE.encode()))
    write(root / "sub" / "g.atom", ATOM)
    return root


def test_directory_mixing_kinds(tmp_path: Path) -> None:
    root = corpus(tmp_path / "corpus")
    items = list(iter_articles([root]))
    assert [item.path for item in items] == [
        str(root / "a.txt"),
        str(root / "b.html"),
        f"{root / 'c.jsonl'}:1",
        f"{root / 'c.jsonl'}:2",
        f"{root / 'd.warc.gz'}#record-3",
        f"{root / 'd.warc.gz'}#record-6",
        *(f"{root / 'e.rss'}#item-{n}" for n in range(1, 5)),
        str(root / "sub" / "f.html.gz"),
        f"{root / 'sub' / 'g.atom'}#item-1",
        f"{root / 'sub' / 'g.atom'}#item-2",
    ]
    assert [d.id for d in documents(items)] == [
        "a",
        "b",
        "c-1",
        "c-2",
        "d-3",
        "d-6",
        "e-1",
        "e-2",
        "e-3",
        "f",
        "g-1",
        "g-2",
    ]
    assert [f.path for f in failures(items)] == [f"{root / 'e.rss'}#item-4"]
    assert count_articles([root]) == len(items)


def test_glob_patterns(tmp_path: Path) -> None:
    root = corpus(tmp_path / "corpus")
    items = list(iter_articles([root / "**" / "*.html*", root / "*.txt"]))
    assert [item.path for item in items] == [
        str(root / "b.html"),
        str(root / "sub" / "f.html.gz"),
        str(root / "a.txt"),
    ]
    assert count_articles([root / "**" / "*.html*"]) == 2


def test_glob_reads_article_files_once(tmp_path: Path) -> None:
    root = corpus(tmp_path / "corpus")
    # "**" matches corpus/, corpus/sub/ and every file; notes.md and data.json are no articles.
    globbed = [item.path for item in iter_articles([root / "**"])]
    assert globbed == [item.path for item in iter_articles([root])]


@pytest.mark.parametrize("pattern", ["*.warc", "*.md"])
def test_glob_without_matches_is_a_failure(tmp_path: Path, pattern: str) -> None:
    write(tmp_path / "notes.md", "Not an article.")
    [failure] = list(iter_articles([tmp_path / pattern]))
    assert isinstance(failure, InputFailure)
    assert failure.message == f"{tmp_path / pattern}: no article files match this pattern"


def test_directory_with_nothing_readable_is_one_failure(tmp_path: Path) -> None:
    write(tmp_path / "d" / "data.csv", "a,b\n")
    write(tmp_path / "d" / ".hidden.jsonl", '{"text": "hidden"}\n')
    [failure] = list(iter_articles([tmp_path / "d"]))
    assert isinstance(failure, InputFailure)
    assert failure.message.startswith(f"{tmp_path / 'd'}: no .txt, .html or .htm files")
    assert count_articles([tmp_path / "d"]) == 1


@pytest.mark.parametrize("name", ["missing.jsonl", "missing", "missing.txt"])
def test_missing_file_is_a_failure(tmp_path: Path, name: str) -> None:
    [failure] = list(iter_articles([tmp_path / name]))
    assert isinstance(failure, InputFailure)
    assert failure.message == f"{tmp_path / name}: no such file or directory"


def test_bad_inputs_never_stop_the_run(tmp_path: Path) -> None:
    paths = [
        write(tmp_path / "empty.jsonl", b""),
        write(tmp_path / "broken.warc", b"WARC/1.0\r\nWARC-Type: response\r\n\r\n"),
        write(tmp_path / "story.txt", HARBOUR),
    ]
    items = list(iter_articles(paths))
    assert isinstance(items[-1], Document) and items[-1].text == HARBOUR
    empty, broken = failures(items)
    assert empty.message == f"{paths[0]}: empty (0 bytes)"
    assert broken.message.startswith(f"{paths[1]}: not a readable WARC file (malformed record")


def test_iter_inputs_adds_stdin(tmp_path: Path) -> None:
    path = write(tmp_path / "export.jsonl", jsonl([{"text": CAFE}]))
    stdin = io.BytesIO(HARBOUR.encode())
    first, second = list(iter_inputs([path, "-"], stdin=stdin))
    assert isinstance(first, Document) and first.id == "export-1"
    assert isinstance(second, Document) and second.text == HARBOUR and second.path is None


# dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-14", "2025-03-14"),
        ("2025-03-14 20:30:26Z", "2025-03-14T20:30:26Z"),
        ("2025-03-14T20:30:26+01:00", "2025-03-14T19:30:26Z"),
        ("2025-03-14T20:30", "2025-03-14T20:30:00Z"),
        ("Fri, 14 Mar 2025 20:30:26 +0100", "2025-03-14T19:30:26Z"),
        ("Fri, 14 Mar 2025 20:30:26 GMT", "2025-03-14T20:30:26Z"),
        ("  2025-03-14  ", "2025-03-14"),
        ("2025-13-01", None),
        ("yesterday", None),
        ("", None),
        (None, None),
        (1741984226, None),
    ],
)
def test_iso_date(value: object, expected: str | None) -> None:
    assert iso_date(value) == expected


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("en", "en"),
        ("EN", "en"),
        ("en-US", "en"),
        ("pt_BR", "pt"),
        (" fr ", "fr"),
        ("english", None),
        ("", None),
        (None, None),
        (7, None),
        ("e1", None),
    ],
)
def test_a_given_language_tag_becomes_its_code_or_is_detected(given, code) -> None:
    assert language_code(given) == code
