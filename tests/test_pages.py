"""The server-rendered pages, on a small store built by hand (no model needed)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from builders import article as make_article
from saidwhat.link.linker import CorpusLinker
from saidwhat.serve import pages
from saidwhat.serve.app import create_app
from saidwhat.serve.settings import ServeSettings
from saidwhat.store import SQLiteStore

QUOTE = "We will not accept a deal that leaves our harbour workers behind"
RIVER = "The river will rise faster than the walls we are building"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
EVIL_NAME = f"Mallory {SCRIPT}{IMG}"
EVIL_QUOTE = f"Nothing to see here {SCRIPT} and nothing {IMG} at all, truly nothing"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
ESCAPED_IMG = "&lt;img src=x onerror=alert(1)&gt;"


@dataclass
class Corpus:
    path: Path
    articles: dict[str, str] = field(default_factory=dict)  # our name -> stored id
    speakers: dict[str, int] = field(default_factory=dict)  # name -> corpus id
    cluster: int = 0


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    """The mayor's quote in three outlets (one rewords it), a hydrologist, a union, and an
    article whose title, outlet, speaker and text are HTML payloads."""
    corpus = Corpus(tmp_path / "corpus.db")
    docs = {
        "wire": make_article(
            "wire",
            [("Elena Varga", "PERSON", "said", QUOTE), ("Tomas Varga", "PERSON", "warned", RIVER)],
            outlet="Lantern Wire",
            published="2026-03-02",
            title="Port deal stalls",
            url="https://wire.example/port",
            roles={"Elena Varga": ["mayor"], "Tomas Varga": ["hydrologist"]},
        ),
        "ledger": make_article(
            "ledger",
            [("Elena Varga", "PERSON", "told reporters", QUOTE.replace("will not", "cannot"))],
            outlet="Harbour Ledger",
            published="2026-05-03",
            title="Mayor digs in",
            roles={"Elena Varga": ["Mayor"]},
            lead="Harbour Ledger reports.",
        ),
        "early": make_article(
            "early",
            [("Varga", "PERSON", "said", QUOTE + " again and again")],
            outlet="Morning Post",
            published="2026-01-15",
            title="Early edition",
            roles={"Varga": ["mayor"]},
            lead="Morning Post, early edition.",
        ),
        "union": make_article(
            "union",
            [("Port Workers' Union", "ORG", "said", "Nobody asked the crane operators anything")],
            outlet="Harbour Ledger",
            published="2026-03-04",
            title="Union speaks",
            kind="indirect",
        ),
        "evil": make_article(
            "evil",
            [(EVIL_NAME, "PERSON", "said", EVIL_QUOTE)],
            outlet=f"Evil {SCRIPT} Times {IMG}",
            published="2026-02-01",
            title=f"Title {SCRIPT} {IMG}",
            url="javascript:alert(1)",
            roles={EVIL_NAME: [f"role {SCRIPT}"]},
            lead=f"Lead {SCRIPT} paragraph {IMG}.",
        ),
    }
    with SQLiteStore(corpus.path) as store:
        for name, doc in docs.items():
            linked = CorpusLinker(store).link(doc)
            store.add_article(linked)
            corpus.articles[name] = linked.id
        for speaker in store.speakers():
            corpus.speakers[speaker.name] = speaker.id
        (cluster,) = store.clusters()
        corpus.cluster = cluster.id
    return corpus


@pytest.fixture
def client(corpus: Corpus) -> Iterator[TestClient]:
    with TestClient(create_app(ServeSettings(db=corpus.path))) as test_client:
        yield test_client


# -- a small HTML reader ------------------------------------------------------------


class Page(HTMLParser):
    """Every element (tag, attributes) and the text inside each ``<mark>``."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.marks: list[tuple[dict[str, str], str]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self.texts: dict[str, str] = {}  # element id -> its text
        self._open: list[tuple[str, dict[str, str], list[str]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.elements.append((tag, values))
        if tag not in ("meta", "link", "img", "br", "input", "hr"):
            self._open.append((tag, values, []))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            open_tag, attrs, parts = self._open.pop()
            text = "".join(parts)
            if self._open:
                self._open[-1][2].append(text)
            if open_tag == "mark":
                self.marks.append((attrs, text))
            if open_tag == "script":
                self.scripts.append((attrs, text))
            if "id" in attrs:
                self.texts[attrs["id"]] = text
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1][2].append(data)

    def all(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            a
            for t, a in self.elements
            if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def has_class(self, tag: str, cls: str) -> list[dict[str, str]]:
        return [a for t, a in self.elements if t == tag and cls in a.get("class", "").split()]


def get(client: TestClient, url: str, status: int = 200) -> tuple[str, Page]:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    return response.text, Page(response.text)


def page_urls(corpus: Corpus) -> list[str]:
    return [
        "/",
        "/?q=harbour",
        "/?outlet=Evil",
        f"/speakers/{corpus.speakers['Elena Varga']}",
        f"/speakers/{corpus.speakers[EVIL_NAME]}",
        f"/articles/{corpus.articles['wire']}",
        f"/articles/{corpus.articles['evil']}",
        f"/clusters/{corpus.cluster}",
        "/paste",
        "/articles/nope",
        "/?since=March",
    ]


# -- every page ---------------------------------------------------------------------


def test_every_page_has_title_heading_nav_and_no_inline_script_or_style(
    client: TestClient, corpus: Corpus
) -> None:
    for url in page_urls(corpus):
        response = client.get(url)
        assert "default-src 'none'" in response.headers["content-security-policy"], url
        assert "script-src 'self'" in response.headers["content-security-policy"], url
        page = Page(response.text)
        assert page.texts.get("main") is not None, url
        assert re.search(r"<title>[^<]+</title>", response.text), url
        assert len(page.all("h1")) == 1, url
        nav = {a["href"] for a in page.all("a") if a.get("id", "").startswith("nav-")}
        assert nav == {"/", "/paste", "/docs"}, url
        assert page.all("a", href="#main"), url  # the skip link
        for attrs, body in page.scripts:
            assert attrs.get("src", "").startswith("/static/") and not body.strip(), url
        for tag, attrs in page.elements:
            assert "style" not in attrs, (url, tag)
            assert not any(name.startswith("on") for name in attrs), (url, tag, attrs)
            assert tag != "style", url
        for tag, attrs in page.elements:
            asset = attrs.get("src") if tag in ("script", "img", "iframe") else None
            if tag == "link":
                asset = attrs.get("href")
            if asset is not None:
                assert asset.startswith("/static/") and not urlsplit(asset).netloc, (url, asset)


def test_static_assets_are_served_and_the_scripts_never_use_inner_html(
    client: TestClient,
) -> None:
    for name in ("style.css", "article.js", "paste.js", "favicon.svg", "swagger-init.js"):
        assert client.get(f"/static/{name}").status_code == 200, name
    for name in ("article.js", "paste.js"):
        source = client.get(f"/static/{name}").text
        assert "innerHTML" not in source and "insertAdjacentHTML" not in source, name
        assert "eval(" not in source and "document.write" not in source, name
    css = client.get("/static/style.css").text
    assert "url(" not in css and "@import" not in css  # no external fonts or images
    assert "mark.content" in css and "mark.cue" in css and "mark.source" in css
    assert ":focus-visible" in css and "@media" in css


def test_html_payloads_are_escaped_on_every_page_showing_them(
    client: TestClient, corpus: Corpus
) -> None:
    evil = corpus.speakers[EVIL_NAME]
    for url in (
        "/",
        "/?q=nothing",
        f"/?speaker={evil}",
        "/?outlet=Evil",
        f"/speakers/{evil}",
        f"/articles/{corpus.articles['evil']}",
    ):
        html, page = get(client, url)
        assert SCRIPT not in html and IMG not in html, url
        assert "<script>" not in html and "onerror" not in {k for _, a in page.elements for k in a}
        assert ESCAPED_SCRIPT in html and ESCAPED_IMG in html, url
        assert not page.all("img"), url
    # The title shows escaped in <title> and <h1>; the outlet and role too.
    html, page = get(client, f"/articles/{corpus.articles['evil']}")
    assert f"Title {SCRIPT} {IMG}" == page.texts["article-title"]
    assert f"<title>Title {ESCAPED_SCRIPT} {ESCAPED_IMG}" in html
    assert f"Evil {SCRIPT} Times {IMG}" == page.texts["article-outlet"]
    # A javascript: URL is shown, never linked.
    assert not [a for a in page.all("a") if "javascript" in a.get("href", "").lower()]
    assert page.texts["article-url"] == "javascript:alert(1)"
    html, page = get(client, f"/speakers/{evil}")
    assert page.texts["speaker-name"] == EVIL_NAME
    assert f"role {ESCAPED_SCRIPT}" in html


def test_html_payloads_are_escaped_on_the_cluster_page(tmp_path: Path) -> None:
    path = tmp_path / "evil.db"
    with SQLiteStore(path) as store:
        for n, outlet in enumerate((f"A {SCRIPT}", f"B {IMG}")):
            doc = make_article(
                f"e{n}",
                [(EVIL_NAME, "PERSON", "said", EVIL_QUOTE)],
                outlet=outlet,
                published=f"2026-02-0{n + 1}",
                lead=f"Lead {n}.",
            )
            store.add_article(CorpusLinker(store).link(doc))
        (cluster,) = store.clusters()
    with TestClient(create_app(ServeSettings(db=path))) as client:
        html, page = get(client, f"/clusters/{cluster.id}")
        assert SCRIPT not in html and IMG not in html
        assert ESCAPED_SCRIPT in html and ESCAPED_IMG in html
        assert page.texts["cluster-quote"] == EVIL_QUOTE
        html, _ = get(client, "/")  # the most reported quotes on the front page
        assert SCRIPT not in html and ESCAPED_SCRIPT in html


# -- search -------------------------------------------------------------------------


def results(page: Page) -> list[str]:
    return [a["id"] for a in page.has_class("li", "statement")]


def contents(html: str) -> list[str]:
    return re.findall(r'<blockquote class="content">([^<]*)</blockquote>', html)


def test_front_page_shows_latest_statements_stats_and_most_reported_quotes(
    client: TestClient, corpus: Corpus
) -> None:
    html, page = get(client, "/")
    assert page.all("form", id="search-form") and page.all("ol", id="results")
    assert page.texts["stat-articles"] == "5"
    assert page.texts["stat-statements"] == "6"
    assert page.texts["stat-speakers"].strip().isdigit()
    assert page.all("a", href=f"/clusters/{corpus.cluster}")
    assert "3 reports" in page.texts["top-quotes"]
    assert contents(html)[0] == QUOTE.replace("will not", "cannot")  # newest first
    assert len(results(page)) == 6
    assert "6 statements" in page.texts["result-count"]
    # Each field of the form has a label.
    labelled = {a["for"] for a in page.all("label")}
    for name in ("q", "speaker", "about", "outlet", "kind", "since", "until"):
        (field_,) = [a for _, a in page.elements if a.get("name") == name]
        assert field_["id"] in labelled, name


def test_search_filters(client: TestClient, corpus: Corpus) -> None:
    html, page = get(client, "/?q=crane+operators")
    assert contents(html) == ["Nobody asked the crane operators anything"]
    assert "stats" not in page.texts and "1 statement" in page.texts["result-count"]
    assert page.all("input", id="q", value="crane operators")
    html, page = get(client, "/?speaker=Elena+Varga")
    assert len(contents(html)) == 3
    elena = corpus.speakers["Elena Varga"]
    html, _ = get(client, f"/?speaker={elena}&outlet=ledger")
    assert contents(html) == [QUOTE.replace("will not", "cannot")]
    html, page = get(client, "/?kind=indirect")
    assert len(contents(html)) == 1
    assert page.all("option", value="indirect", selected="")
    html, _ = get(client, "/?since=2026-03-01&until=2026-03-31")
    assert len(contents(html)) == 3  # the wire's two and the union's
    html, _ = get(client, "/?about=lantern&q=")  # empty fields are no filter
    assert len(contents(html)) == 6
    html, page = get(client, "/?q=zebra")
    assert contents(html) == [] and "No statements match" in page.texts["result-count"]
    # The least confidence is given in percent; every fixture statement has 0.9.
    html, page = get(client, "/?min_confidence=90")
    assert len(contents(html)) == 6 and page.all("input", id="min_confidence", value="90")
    html, _ = get(client, "/?min_confidence=95")
    assert contents(html) == []
    # Results link to the speaker, the article (at the statement) and the quote cluster.
    html, page = get(client, "/?speaker=Elena+Varga&outlet=wire")
    (card,) = page.has_class("li", "statement")
    statement = card["data-statement"]
    assert page.all("a", href=f"/speakers/{elena}")
    assert page.all("a", href=f"/articles/{corpus.articles['wire']}#statement-{statement}")
    assert page.all("a", href=f"/clusters/{corpus.cluster}")
    assert "Lantern Wire" in html and "2026-03-02" in html and "said" in html
    # Speakers whose name matches the words are offered.
    _, page = get(client, "/?q=varga")
    assert page.all("a", href=f"/speakers/{elena}") and "speaker-matches" in page.texts


def test_search_pages(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pages, "PAGE_SIZE", 4)
    html, page = get(client, "/")
    first = contents(html)
    assert len(first) == 4 and "Page 1 of 2" in page.texts["page-current"]
    assert not page.all("a", id="page-prev")
    (next_link,) = page.all("a", id="page-next")
    assert next_link["href"] == "/?page=2"
    html, page = get(client, next_link["href"])
    assert len(contents(html)) == 2 and not set(contents(html)) & set(first)
    assert page.all("a", id="page-prev", href="/?page=1") and not page.all("a", id="page-next")
    assert page.all("ol", id="results", start="5")
    # Filters are kept in the paging links.
    _, page = get(client, "/?about=lantern&kind=direct")
    assert page.all("a", id="page-next", href="/?about=lantern&kind=direct&page=2")
    # Past the end: an empty page, not an error.
    html, _ = get(client, "/?page=9")
    assert contents(html) == []


def test_bad_filters_are_a_400_html_page(client: TestClient) -> None:
    for url, message in (
        ("/?since=March", "not a date"),
        ("/?kind=rumour", "kind"),
        ("/?page=0", "page"),
        ("/?page=x", "page"),
        ("/?page=%C2%B2", "page"),
        ("/?q=" + "a" * 600, "longer than"),
    ):
        html, page = get(client, url, 400)
        assert message in page.texts["error-message"], url
        assert "<h1>Error 400</h1>" in html


# -- speaker ------------------------------------------------------------------------


def test_speaker_page(client: TestClient, corpus: Corpus) -> None:
    elena = corpus.speakers["Elena Varga"]
    html, page = get(client, f"/speakers/{elena}")
    assert page.texts["speaker-name"] == "Elena Varga"
    assert page.texts["speaker-type"] == "PERSON"
    assert "Varga" in page.texts["aliases"]
    roles = page.texts["roles"]
    assert "mayor" in roles and "2026-01-15" in roles and "2026-05-03" in roles
    assert "Lantern Wire" in page.texts["outlets"] and "Morning Post" in page.texts["outlets"]
    assert "Port Lantern" in page.texts["topics"]
    assert len(page.has_class("li", "statement")) == 3
    assert contents(html)[0] == QUOTE.replace("will not", "cannot")  # newest first
    # The timeline: one bar per month from January to May, empty months included.
    (svg,) = page.all("svg", id="timeline")
    assert svg["role"] == "img"
    months = [(a["data-month"], int(a["data-count"])) for a in page.has_class("g", "month")]
    assert months == [
        ("2026-01", 1),
        ("2026-02", 0),
        ("2026-03", 1),
        ("2026-04", 0),
        ("2026-05", 1),
    ]
    bars = page.has_class("rect", "bar")
    assert len(bars) == 5 and float(bars[0]["height"]) > 0 and float(bars[1]["height"]) == 0


def test_timeline_scales_bars_to_the_busiest_month() -> None:
    chart = pages.timeline([("2025-11", 2), ("2026-01", 4), ("bad", 9)])
    assert [(b.month, b.count) for b in chart.bars] == [
        ("2025-11", 2),
        ("2025-12", 0),
        ("2026-01", 4),
    ]
    assert chart.bars[2].height == 2 * chart.bars[0].height
    assert chart.bars[1].height == 0 and chart.top == 4 and chart.total == 6
    assert [b.label for b in chart.bars if b.label] == ["2025-11", "2026-01"]
    assert pages.timeline([]).bars == []


def test_unknown_speaker_article_cluster_are_404_html_pages(
    client: TestClient, corpus: Corpus
) -> None:
    for url, message in (
        ("/speakers/9999", "no speaker"),
        ("/speakers/abc", "no speaker"),
        ("/speakers/%C2%B2", "no speaker"),  # "²" is a digit to str.isdigit, not to int()
        ("/speakers/99999999999999999999", "no speaker"),
        ("/articles/nope", "no article"),
        ("/clusters/9999", "no quote cluster"),
        ("/clusters/x", "no quote cluster"),
        ("/clusters/%C2%B2", "no quote cluster"),
        ("/nowhere", "Not Found"),
    ):
        html, page = get(client, url, 404)
        assert message in page.texts["error-message"], url
        assert "<h1>Error 404</h1>" in html


# -- article ------------------------------------------------------------------------


def marked(page: Page, statement: str, part: str) -> str:
    """The text of the marks of ``part`` of ``statement``, joined."""
    return "".join(
        text
        for attrs, text in page.marks
        if statement in attrs.get("data-statement", "").split()
        and part in attrs.get("class", "").split()
    )


def test_article_page_highlights_each_statement_and_links_speakers(
    client: TestClient, corpus: Corpus
) -> None:
    article_id = corpus.articles["wire"]
    html, page = get(client, f"/articles/{article_id}")
    assert page.texts["article-title"] == "Port deal stalls"
    assert "Lantern Wire" in page.texts["article-meta"] and "2026-03-02" in html
    (link,) = page.all("a", id="article-url")
    assert link["href"] == "https://wire.example/port"
    assert link["rel"] == "noopener noreferrer"
    assert page.all("script", src="/static/article.js")
    items = page.has_class("li", "statement")
    assert len(items) == 2
    first, second = (item["data-statement"] for item in items)
    assert marked(page, first, "content") == QUOTE
    assert marked(page, first, "source") == "Elena Varga"
    assert marked(page, first, "cue") == "said"
    assert marked(page, second, "content") == RIVER
    assert marked(page, second, "source") == "Tomas Varga"
    assert marked(page, second, "cue") == "warned"
    # The text is all there, one paragraph per statement, marks and plain text in order.
    text = page.texts["article-text"]
    assert "“" + QUOTE + ",” Elena Varga said." in text
    assert html.count('<section class="article-text"') == 1
    assert len(re.findall(r"<p>“<mark", html)) == 2
    # Each statement is a focusable button, with its speaker linked.
    buttons = page.has_class("button", "statement-select")
    assert [b["data-statement"] for b in buttons] == [first, second]
    assert all(b["type"] == "button" and b["aria-pressed"] == "false" for b in buttons)
    assert page.all("a", href=f"/speakers/{corpus.speakers['Tomas Varga']}")
    assert page.all("a", href=f"/clusters/{corpus.cluster}")
    # The legend names the three colours.
    legend = [a["class"] for a, _ in page.marks if "data-statement" not in a]
    assert legend == ["source", "cue", "content"]


def test_article_page_lists_the_other_articles_of_its_story(tmp_path: Path) -> None:
    path = tmp_path / "story.db"
    body = [("Elena Varga", "PERSON", "said", QUOTE), ("Tomas Varga", "PERSON", "warned", RIVER)]
    with SQLiteStore(path) as store:
        ids = []
        for n, outlet in enumerate(("Wire", "Reprint")):
            doc = make_article(
                f"a{n}", body, outlet=outlet, published=f"2026-03-0{n + 1}", title=f"T{n}"
            )
            doc.text += f"\n\nReprinted by {outlet}." if n else ""
            linked = CorpusLinker(store).link(doc)
            store.add_article(linked)
            ids.append(linked.id)
    with TestClient(create_app(ServeSettings(db=path))) as client:
        _, page = get(client, f"/articles/{ids[1]}")
        assert page.all("a", href=f"/articles/{ids[0]}")
        assert "Wire" in page.texts["story"]


def test_highlight_splits_at_every_boundary_and_keeps_overlaps() -> None:
    text = "He said: “one two three”.\nNext line\n\n  Third"
    content = (10, 23)
    parts = [
        (1, "source", ((0, 2),)),
        (1, "cue", ((3, 7),)),
        (1, "content", (content,)),
        (2, "content", ((14, 17),)),  # "two" is also another statement's content
        (3, "cue", ((40, 99),)),  # past the end: clipped
    ]
    paragraphs = pages.highlight(text, parts)
    assert ["".join(s.text for s in p) for p in paragraphs] == [
        "He said: “one two three”.",
        "Next line",
        "Third",
    ]
    first = paragraphs[0]
    assert [(s.text, s.classes, s.statements) for s in first] == [
        ("He", "source", "1"),
        (" ", "", ""),
        ("said", "cue", "1"),
        (": “", "", ""),
        ("one ", "content", "1"),
        ("two", "content", "1 2"),
        (" three", "content", "1"),
        ("”.", "", ""),
    ]
    assert [(s.text, s.classes) for s in paragraphs[2]] == [("T", ""), ("hird", "cue")]
    assert pages.highlight("", parts) == []


# -- cluster ------------------------------------------------------------------------


def test_cluster_page_shows_first_appearance_occurrences_and_word_diffs(
    client: TestClient, corpus: Corpus
) -> None:
    html, page = get(client, f"/clusters/{corpus.cluster}")
    assert page.texts["cluster-quote"] == QUOTE + " again and again"  # the first wording
    first = page.texts["first-appearance"]
    assert "Morning Post" in first and "2026-01-15" in first and "Varga" in first
    occurrences = page.texts["occurrences"]
    assert occurrences.index("Morning Post") < occurrences.index("Lantern Wire")
    assert occurrences.index("Lantern Wire") < occurrences.index("Harbour Ledger")
    for name in ("early", "wire", "ledger"):
        assert [
            a for a in page.all("a") if a["href"].startswith(f"/articles/{corpus.articles[name]}#")
        ]
    assert page.all("a", href=f"/speakers/{corpus.speakers['Elena Varga']}")
    assert "<ins>cannot</ins>" in html
    assert re.search(r"<del>(will not|will|not)</del>", html)
    assert "<del>again and again</del>" in html
    assert "3 times" in page.texts["cluster-summary"]


# -- paste --------------------------------------------------------------------------


def test_paste_page_has_the_form_and_its_script(client: TestClient) -> None:
    _, page = get(client, "/paste")
    (textarea,) = page.all("textarea", id="paste-text")
    assert page.all("label", for_="paste-text") and "name" not in textarea
    (button,) = page.all("button", id="paste-submit")
    assert button["type"] == "submit"
    assert page.all("section", id="paste-result") and page.all("p", id="paste-error")
    assert page.all("script", src="/static/paste.js")
    source = client.get("/static/paste.js").text
    assert "/api/extract" in source and "textContent" in source
