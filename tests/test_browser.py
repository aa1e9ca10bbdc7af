"""The web app in a real browser: Debian's chromium, driven by Playwright, against the app
served by uvicorn on loopback.

The store is the sample corpus ingested with the model, plus two articles carrying HTML
payloads: one built by hand (its speaker's name is a payload too) and one sent through
``POST /api/articles`` with the write token. ``make test`` installs chromium
(``make browser``); the module is skipped only when ``/usr/bin/chromium`` is missing.
Screenshots of every step go to ``tests/screenshots/`` (not committed).
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn
from click.testing import CliRunner

from builders import article
from saidwhat.cli import main
from saidwhat.link.linker import CorpusLinker
from saidwhat.model import Document
from saidwhat.serve.app import create_app
from saidwhat.serve.settings import ServeSettings
from saidwhat.store import SQLiteStore

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing: `make browser` (or apt-get install chromium) installs it",
        allow_module_level=True,
    )

from playwright.sync_api import (  # noqa: E402
    Browser,
    BrowserContext,
    Dialog,
    Page,
    expect,
    sync_playwright,
)

pytestmark = [pytest.mark.browser, pytest.mark.model]

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "corpus"
SHOTS = Path(__file__).resolve().parent / "screenshots"
TOKEN = "browser-test-token"
SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
EVIL_SPEAKER = f"Mallory {SCRIPT}{IMG}"
EVIL_QUOTE = f"Nothing to see here {SCRIPT} and nothing {IMG} at all"
KESSEL_QUOTE = "We will not accept a deal that leaves our farmers paying for the tariffs of others"
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
#: A short article of our own: a direct quote and an indirect "X said that ...".
PASTED = (
    # Emoji are one character to the API (Python) but two UTF-16 units to the page.
    "\U0001f6a2\U0001f6a2 Harbour officials in Port Vell announced a new ferry timetable on "
    "Monday.\n\n"
    "\u201cThe early boats will run every twenty minutes from June,\u201d said Ines Okafor, "
    "the harbour master.\n\n"
    "Councillor David Mensah said that the changes would cost the city nothing."
)


def evil_document() -> Document:
    """An article whose title, outlet, text and quoted speaker are HTML payloads."""
    return article(
        "evil",
        [(EVIL_SPEAKER, "PERSON", "said", EVIL_QUOTE)],
        outlet=f"Evil {SCRIPT} Times {IMG}",
        published="2026-02-01",
        url="javascript:window.__xss=1",
        title=f"Title {SCRIPT} {IMG}",
        roles={EVIL_SPEAKER: [f"role {SCRIPT}"]},
        lead=f"Lead {SCRIPT} paragraph {IMG}.",
        about=(),
    )


@dataclass
class Site:
    url: str
    evil_id: str
    posted_id: str


def _serve(db: Path) -> tuple[uvicorn.Server, threading.Thread, str]:
    app = create_app(ServeSettings(db=db, write_token=TOKEN))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    db = tmp_path_factory.mktemp("browser") / "saidwhat.db"
    result = CliRunner().invoke(main, ["ingest", str(SAMPLES), "--db", str(db)])
    assert result.exit_code == 0, result.stderr
    with SQLiteStore(db) as store:
        linked = CorpusLinker(store).link(evil_document())
        store.add_article(linked)
        evil_id = linked.id
    server, thread, url = _serve(db)
    try:
        posted = httpx.post(
            f"{url}/api/articles",
            headers={"Authorization": f"Bearer {TOKEN}"},
            json={
                "articles": [
                    {
                        "text": (
                            f"Posted lead {SCRIPT} here.\n\n\u201cThe bridge {IMG} will reopen "
                            "in May,\u201d said Ines Okafor, the harbour master."
                        ),
                        "title": f"Posted {SCRIPT} title {IMG}",
                        "outlet": f"Posted {IMG} Outlet",
                        "published": "2026-02-02",
                    }
                ]
            },
            timeout=60,
        )
        assert posted.status_code == 201, posted.text
        (posted_id,) = posted.json()["stored"]
        yield Site(url, evil_id, posted_id)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


@dataclass
class Watch:
    """What a browser context did that it should not: requests leaving the app's origin,
    dialogs, script errors, CSP violations."""

    origin: str
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        context.on("request", lambda r: self.requests.append(r.url))
        context.on("page", self.page)

    def page(self, page: Page) -> None:
        def dialog(d: Dialog) -> None:
            self.dialogs.append(f"{d.type}: {d.message}")
            d.dismiss()

        page.on("dialog", dialog)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on(
            "console",
            lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None,
        )

    def expected_error(self, text: str) -> None:
        """Forget the console errors containing ``text`` (one must be there)."""
        kept = [e for e in self.errors if text not in e]
        assert len(kept) < len(self.errors), f"no console error with {text!r}: {self.errors}"
        self.errors[:] = kept

    def check(self) -> None:
        assert self.requests, "no request recorded"
        foreign = [u for u in self.requests if not u.startswith(self.origin + "/")]
        assert not foreign, f"requests left {self.origin}: {foreign}"
        assert not [u for u in self.requests if urlsplit(u).path == "/x"], "payload <img> loaded"
        assert not self.dialogs, self.dialogs
        assert not self.errors, self.errors


@pytest.fixture
def context(site: Site, browser: Browser) -> Iterator[tuple[BrowserContext, Watch]]:
    ctx = browser.new_context(viewport=LAPTOP, base_url=site.url, reduced_motion="reduce")
    watch = Watch(site.url)
    watch.attach(ctx)
    yield ctx, watch
    ctx.close()


def shot(page: Page, name: str, full_page: bool = False) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def active_marks(page: Page) -> list[str]:
    """The ``data-statement`` of every highlighted mark, in order."""
    return page.eval_on_selector_all(
        "#article-text mark.is-active", "ms => ms.map(m => m.dataset.statement)"
    )


def marks_of(page: Page, key: str) -> list[str]:
    return page.eval_on_selector_all(
        "#article-text mark[data-statement]",
        "(ms, key) => ms.map(m => m.dataset.statement).filter(s => s.split(' ').includes(key))",
        key,
    )


def doubled_quote_marks(page: Page) -> list[str]:
    """Statement contents shown with two quotation marks in a row, counting the marks that
    CSS adds (``::before``/``::after``) to those the text already has."""
    shown = page.eval_on_selector_all(
        ".statement .content",
        """els => els.map(e => {
            const pseudo = p => {
                const c = getComputedStyle(e, p).content;
                return c.startsWith('"') ? JSON.parse(c) : "";
            };
            return pseudo("::before") + e.textContent.trim() + pseudo("::after");
        })""",
    )
    return [t for t in shown if re.search(r'^[“”"‘’\']{2}|[“”"‘’\']{2}$', t)]


# -- API docs ---------------------------------------------------------------------------


def test_api_docs_render_from_the_apps_own_files(context: tuple[BrowserContext, Watch]) -> None:
    ctx, watch = context
    page = ctx.new_page()
    page.goto("/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("saidwhat")
    expect(page.locator(".opblock-summary-path", has_text="/api/quotes").first).to_be_visible()
    shot(page, "00-api-docs")
    watch.check()


# -- search -> speaker -> article -> cluster ---------------------------------------------


def test_search_speaker_article_cluster(context: tuple[BrowserContext, Watch]) -> None:
    ctx, watch = context
    page = ctx.new_page()
    page.goto("/")
    expect(page.locator("#top-quotes li.top-quote").first).to_be_visible()
    shot(page, "01-front")

    page.fill("#q", "tariffs")
    page.click("#search-submit")
    page.wait_for_url(re.compile(r"/\?q=tariffs"))
    expect(page.locator("#result-count")).to_contain_text("statement")
    cards = page.locator("ol#results > li.statement")
    assert cards.count() >= 3
    assert not doubled_quote_marks(page)
    shot(page, "02-search-tariffs")

    kessel = page.locator("ol#results .attribution a.speaker", has_text="Alexandra Kessel").first
    kessel.click()
    page.wait_for_url(re.compile(r"/speakers/\d+$"))
    expect(page.locator("#speaker-name")).to_have_text("Alexandra Kessel")
    assert page.locator("svg#timeline g.month > rect.bar").count() >= 1
    assert page.locator("svg#timeline rect.bar:not(.empty)").count() >= 1
    expect(page.locator("#outlets li").first).to_be_visible()
    assert not doubled_quote_marks(page)
    shot(page, "03-speaker", full_page=True)

    card = page.locator("#speaker-statements li.statement", has_text=KESSEL_QUOTE).first
    card.locator("a.article-link").click()
    page.wait_for_url(re.compile(r"/articles/[^#]+#statement-\d+$"))
    expect(page.locator("#article-title")).not_to_be_empty()
    for part in ("source", "cue", "content"):
        assert page.locator(f"#article-text p > mark.{part}[data-statement]").count() >= 1, part
    assert not doubled_quote_marks(page)

    # The link's #statement-N is selected on arrival.
    linked = page.url.rsplit("#statement-", 1)[1]
    item = page.locator(f"ol#statements > li.statement[data-statement='{linked}']")
    expect(item).to_have_class(re.compile(r"\bis-pinned\b"))
    expect(item.locator("button.statement-select")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#article-text")).to_have_class(re.compile(r"\bhas-active\b"))
    assert sorted(active_marks(page)) == sorted(marks_of(page, linked))

    # Pointing at another statement highlights exactly its marks; leaving it, the pinned one.
    items = page.locator("ol#statements > li.statement")
    keys = [k for k in items.evaluate_all("ls => ls.map(l => l.dataset.statement)") if k]
    other = next(k for k in keys if k != linked and marks_of(page, k))
    other_item = page.locator(f"ol#statements > li.statement[data-statement='{other}']")
    other_item.hover()
    expect(other_item).to_have_class(re.compile(r"\bis-active\b"))
    assert sorted(active_marks(page)) == sorted(marks_of(page, other))
    assert page.locator("ol#statements > li.statement.is-active").count() == 1
    shot(page, "04-article-hover")
    page.mouse.move(1, 1)
    expect(other_item).not_to_have_class(re.compile(r"\bis-active\b"))
    assert sorted(active_marks(page)) == sorted(marks_of(page, linked))

    # Focusing a statement's button (keyboard) does the same.
    third = next((k for k in keys if k not in (linked, other) and marks_of(page, k)), other)
    third_button = page.locator(f"ol#statements button.statement-select[data-statement='{third}']")
    third_button.focus()
    assert sorted(active_marks(page)) == sorted(marks_of(page, third))

    # Clicking pins it: aria-pressed moves from the linked statement to it.
    third_button.click()
    expect(third_button).to_have_attribute("aria-pressed", "true")
    expect(item.locator("button.statement-select")).to_have_attribute("aria-pressed", "false")
    assert page.locator("ol#statements button[aria-pressed='true']").count() == 1
    page.mouse.move(1, 1)
    assert sorted(active_marks(page)) == sorted(marks_of(page, third))
    shot(page, "05-article-selected")
    # Clicking again unpins: nothing is highlighted once focus leaves.
    third_button.click()
    expect(third_button).to_have_attribute("aria-pressed", "false")
    page.locator("#article-title").click()
    expect(page.locator("#article-text mark.is-active")).to_have_count(0)

    # Clicking a highlight in the text selects its statement in the list.
    page.locator(f"#article-text mark[data-statement~='{other}']").first.click()
    expect(other_item.locator("button.statement-select")).to_have_attribute("aria-pressed", "true")

    # The view of docs/screenshot.png: the page as it opens, the quote selected.
    page.goto(page.url.split("#")[0])
    page.mouse.move(1, 1)
    item.locator("button.statement-select").click()
    page.evaluate("window.scrollTo(0, 0)")
    page.mouse.move(1, 1)
    shot(page, "readme-article")

    # The quote's cluster: first appearance, every report, the reworded variants.
    item.locator("a.cluster-link").click()
    page.wait_for_url(re.compile(r"/clusters/\d+$"))
    expect(page.locator("#cluster-quote")).to_contain_text(KESSEL_QUOTE)
    expect(page.locator("#first-appearance")).to_be_visible()
    expect(page.locator("#first-appearance")).to_contain_text("Meridian Press Agency")
    assert page.locator("ol#occurrences > li.occurrence").count() >= 5
    expect(page.locator("ol#variants > li.variant > p.diff del").first).to_be_visible()
    expect(page.locator("ol#variants > li.variant > p.diff ins").first).to_be_visible()
    expect(page.locator("ol#variants p.diff ins", has_text="cannot")).to_be_visible()
    shot(page, "06-cluster", full_page=True)

    # The front page's most reported quote is the same cluster.
    page.click("#nav-search")
    page.locator("#top-quotes li.top-quote a").first.click()
    expect(page.locator("#cluster-quote")).to_contain_text(KESSEL_QUOTE)
    watch.check()


# -- paste ---------------------------------------------------------------------------------


def test_paste_shows_statements_and_errors(context: tuple[BrowserContext, Watch]) -> None:
    ctx, watch = context
    page = ctx.new_page()
    page.goto("/")
    page.click("#nav-paste")
    page.wait_for_url(re.compile(r"/paste$"))
    expect(page.locator("#paste-result")).to_be_hidden()

    # Empty: the browser's own validation keeps the form from being sent at all.
    page.click("#paste-submit")
    assert page.eval_on_selector("#paste-text", "t => t.validity.valueMissing")
    # Blank: the page says so itself, without asking the API.
    page.fill("#paste-text", "   \n  ")
    page.click("#paste-submit")
    expect(page.locator("#paste-error")).to_be_visible()
    expect(page.locator("#paste-error")).to_contain_text("Paste some text")
    assert not [u for u in watch.requests if u.endswith("/api/extract")]
    shot(page, "07-paste-blank")

    # The API's error: HTML with no main text.
    page.fill("#paste-text", "<p></p>")
    with page.expect_response("**/api/extract") as answer:
        page.click("#paste-submit")
    assert answer.value.status == 400
    expect(page.locator("#paste-error")).to_be_visible()
    expect(page.locator("#paste-error")).not_to_be_empty()
    watch.expected_error("status of 400")
    expect(page.locator("#paste-result")).to_be_hidden()

    page.fill("#paste-text", PASTED)
    page.click("#paste-submit")
    expect(page.locator("#paste-result")).to_be_visible(timeout=30_000)
    expect(page.locator("#paste-error")).to_be_hidden()
    statements = page.locator("ol#paste-statements > li.statement")
    assert statements.count() >= 2
    expect(page.locator("#paste-status")).to_contain_text("Found")
    for part in ("source", "cue", "content"):
        assert page.locator(f"#paste-text-view mark.{part}").count() >= 1, part
    speakers = statements.locator(".attribution .speaker").all_inner_texts()
    assert any("Okafor" in s for s in speakers), speakers
    assert any("Mensah" in s for s in speakers), speakers
    contents = " ".join(statements.locator(".content").all_inner_texts())
    assert "every twenty minutes" in contents and "cost the city nothing" in contents
    # The highlights cover the very words, after the emoji too.
    marked = " ".join(page.locator("#paste-text-view mark.content").all_inner_texts())
    assert "The early boats will run every twenty minutes from June" in marked, marked
    sources = page.locator("#paste-text-view mark.source").all_inner_texts()
    assert any(s.strip() == "Councillor David Mensah" or "Mensah" in s for s in sources), sources
    assert not doubled_quote_marks(page)

    # The same highlighting as the article page.
    first = statements.first
    first.locator("button.statement-select").click()
    expect(first.locator("button.statement-select")).to_have_attribute("aria-pressed", "true")
    key = first.get_attribute("data-statement")
    active = page.eval_on_selector_all(
        "#paste-text-view mark.is-active", "ms => ms.map(m => m.dataset.statement)"
    )
    assert active and all(key in a.split(" ") for a in active)
    shot(page, "08-paste-result", full_page=True)
    watch.check()


# -- HTML payloads -------------------------------------------------------------------------


def _no_payload_ran(page: Page) -> None:
    assert page.evaluate("typeof window.__xss") == "undefined"
    # Nothing from the payloads became an element.
    assert page.locator("#main script").count() == 0
    assert page.locator("#main img").count() == 0
    assert page.locator("[onerror]").count() == 0


def test_payloads_show_as_text(site: Site, context: tuple[BrowserContext, Watch]) -> None:
    ctx, watch = context
    page = ctx.new_page()

    page.goto(f"/articles/{site.evil_id}")
    expect(page.locator("#article-title")).to_have_text(f"Title {SCRIPT} {IMG}")
    expect(page.locator("#article-outlet")).to_have_text(f"Evil {SCRIPT} Times {IMG}")
    expect(page.locator("#article-url")).to_have_text("javascript:window.__xss=1")
    assert page.locator("a#article-url").count() == 0  # not a link
    expect(page.locator("#article-text")).to_contain_text(f"Lead {SCRIPT} paragraph {IMG}.")
    expect(page.locator("#article-text mark.content").first).to_contain_text(SCRIPT)
    expect(page.locator("ol#statements .attribution .speaker")).to_have_text(EVIL_SPEAKER)
    page.locator("ol#statements button.statement-select").first.click()
    _no_payload_ran(page)
    shot(page, "09-xss-article")

    page.locator("ol#statements .attribution a.speaker").click()
    expect(page.locator("#speaker-name")).to_have_text(EVIL_SPEAKER)
    expect(page.locator("#roles")).to_contain_text(f"role {SCRIPT}")
    _no_payload_ran(page)

    page.goto("/?q=Mallory")
    card = page.locator("ol#results > li.statement", has_text="Nothing to see here")
    expect(card.locator(".content")).to_have_text(EVIL_QUOTE)
    expect(card.locator(".speaker")).to_have_text(EVIL_SPEAKER)
    expect(card.locator(".outlet")).to_have_text(f"Evil {SCRIPT} Times {IMG}")
    expect(card.locator("a.article-link")).to_have_text(f"Title {SCRIPT} {IMG}")
    expect(page.locator("#q")).to_have_value("Mallory")
    _no_payload_ran(page)
    shot(page, "10-xss-search")

    # A query that is itself a payload is echoed as text, in the form and the title.
    page.fill("#q", SCRIPT)
    page.click("#search-submit")
    expect(page.locator("#q")).to_have_value(SCRIPT)
    assert SCRIPT in page.title()
    _no_payload_ran(page)

    # The article stored through the API with the write token.
    page.goto(f"/articles/{site.posted_id}")
    expect(page.locator("#article-title")).to_have_text(f"Posted {SCRIPT} title {IMG}")
    expect(page.locator("#article-outlet")).to_have_text(f"Posted {IMG} Outlet")
    expect(page.locator("#article-text")).to_contain_text(f"The bridge {IMG} will reopen")
    _no_payload_ran(page)
    page.goto("/?q=bridge")
    expect(page.locator("ol#results a.article-link").first).to_have_text(
        f"Posted {SCRIPT} title {IMG}"
    )
    _no_payload_ran(page)
    watch.check()


# -- phone width ---------------------------------------------------------------------------


def test_phone_width_has_no_horizontal_scroll(site: Site, browser: Browser) -> None:
    ctx = browser.new_context(
        viewport=PHONE,
        base_url=site.url,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        reduced_motion="reduce",
    )
    watch = Watch(site.url)
    watch.attach(ctx)
    page = ctx.new_page()
    try:
        page.goto("/?q=tariffs")
        article = page.locator("ol#results a.article-link").first.get_attribute("href")
        cluster = page.locator("ol#results a.cluster-link").first.get_attribute("href")
        speaker = page.locator("ol#results a.speaker").first.get_attribute("href")
        pages = {
            "search": "/?q=tariffs",
            "article": article.split("#")[0],
            "xss-article": f"/articles/{site.evil_id}",
            "speaker": speaker,
            "cluster": cluster,
            "paste": "/paste",
        }
        wide = {}
        for name, path in pages.items():
            page.goto(path)
            sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            if sizes[0] > sizes[1]:
                wide[name] = sizes
            shot(page, f"11-phone-{name}")
        page.goto(pages["article"])
        # On a phone the list comes after the text: selecting scrolls to the quote's marks.
        first = page.locator("ol#statements > li.statement").first
        first.locator("button.statement-select").tap()
        key = first.get_attribute("data-statement")
        marks = page.locator(f"#article-text mark[data-statement~='{key}']")
        expect(marks.first).to_be_in_viewport()
        shot(page, "12-phone-article-selected")
        assert not wide, f"pages wider than the phone (scrollWidth, innerWidth): {wide}"
        watch.check()
    finally:
        ctx.close()
