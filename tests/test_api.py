"""The JSON API: every route, paging, filters, errors and their one shape, the write token.

Reads run on a store built by hand (no model needed), once on a SQLite file and once on
a PostgreSQL database (skipped without PostgreSQL 15); ``/api/extract`` and
``/api/articles`` run the extractor and are marked ``model``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import saidwhat
from builders import article
from saidwhat.link.linker import CorpusLinker
from saidwhat.serve import MAX_PAGE_SIZE, ServeSettings, api, create_app
from saidwhat.serve.errors import SECURITY_HEADERS
from saidwhat.serve.settings import MAX_BODY_BYTES
from saidwhat.store import SQLiteStore, open_store

QUOTE = "We will not accept a deal that leaves our harbour workers behind"
TOKEN = "s3cret-token"
STORY = (
    "Harbour officials met on Tuesday.\n\n"
    "“The ferry will run again by the end of March,” said Mayor Elena Varga.\n\n"
    "The port union said it would watch the repairs closely."
)


def build_corpus(location: str | Path) -> dict[str, str]:
    """Three outlets report the mayor's quote (one story: wire, ledger) plus two other
    articles; returns the stored article ids by name."""
    documents = {
        "wire": article(
            "wire",
            [
                ("Elena Varga", "PERSON", "said", QUOTE),
                (
                    "Tomas Varga",
                    "PERSON",
                    "warned",
                    "The river will rise faster than the walls we are building",
                ),
            ],
            outlet="Lantern Wire",
            published="2026-03-02",
            roles={"Elena Varga": ["mayor"], "Tomas Varga": ["hydrologist"]},
        ),
        "ledger": article(
            "ledger",
            [
                ("Elena Varga", "PERSON", "said", QUOTE),
                (
                    "Tomas Varga",
                    "PERSON",
                    "warned",
                    "The river will rise faster than the walls we are building",
                ),
            ],
            outlet="Harbour Ledger",
            published="2026-03-03",
            roles={"Elena Varga": ["Mayor"]},
            lead="Harbour Ledger reports.",
        ),
        "early": article(
            "early",
            [("Varga", "PERSON", "said", QUOTE.replace("will not", "cannot"))],
            outlet="Morning Post",
            published="2026-03-01",
            roles={"Varga": ["mayor"]},
            lead="Morning Post, early edition, on the strike at the harbour gates.",
        ),
        "union": article(
            "union",
            [("Port Workers' Union", "ORG", "said", "nobody asked the crane operators")],
            outlet="Harbour Ledger",
            published="2026-03-04",
            kind="indirect",
        ),
    }
    ids = {}
    with open_store(location) as store:
        linker = CorpusLinker(store)
        for name, document in documents.items():
            linked = linker.link(document)
            store.add_article(linked)
            ids[name] = linked.id
    return ids


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def corpus(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str | Path, dict[str, str]]:
    """The corpus of ``build_corpus`` in a SQLite file, then in a PostgreSQL database."""
    if request.param == "sqlite":
        db: str | Path = tmp_path_factory.mktemp("api") / "corpus.db"
    else:
        db = request.getfixturevalue("postgres_cluster").new_database()
    return db, build_corpus(db)


@pytest.fixture(scope="module")
def client(corpus: tuple[str | Path, dict[str, str]]) -> Iterator[TestClient]:
    with TestClient(create_app(ServeSettings(db=corpus[0], max_body_bytes=50_000))) as c:
        yield c


@pytest.fixture(scope="module")
def ids(corpus: tuple[str | Path, dict[str, str]]) -> dict[str, str]:
    return corpus[1]


@pytest.fixture
def writable(tmp_path: Path) -> Iterator[TestClient]:
    """A client of a server with a write token, on a fresh store."""
    db = tmp_path / "new.db"
    SQLiteStore(db).close()
    with TestClient(create_app(ServeSettings(db=db, write_token=TOKEN))) as c:
        yield c


def speaker_id(client: TestClient, name: str) -> int:
    (found,) = [s for s in client.get("/api/speakers").json()["items"] if s["name"] == name]
    return found["id"]


def assert_error(response, status: int, *words: str) -> None:
    """The one error shape, with the status and words expected in the message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "message"}
    assert body["error"]["status"] == status
    message = body["error"]["message"]
    assert isinstance(message, str) and message and "Traceback" not in message
    for word in words:
        assert word in message, message


# -- reads ----------------------------------------------------------------------------------


def test_quotes_newest_first_with_article_ids_and_offsets(client: TestClient, ids) -> None:
    body = client.get("/api/quotes").json()
    assert body["total"] == 6 and body["limit"] == 50 and body["offset"] == 0
    assert body["next"] is None
    published = [item["published"] for item in body["items"]]
    assert published == sorted(published, reverse=True)
    first = body["items"][0]
    assert first["article_id"] == ids["union"] and first["kind"] == "indirect"
    assert {"id", "content", "cue", "source", "speaker", "about", "cluster_id"} <= set(first)
    text = client.get(f"/api/articles/{first['article_id']}").json()["text"]
    [(start, end)] = first["content"]["spans"]
    assert text[start:end] == first["content"]["text"]


def test_quotes_paging(client: TestClient) -> None:
    page = client.get("/api/quotes", params={"limit": 4, "speaker": "varga"}).json()
    assert page["total"] == 5 and len(page["items"]) == 4
    assert page["next"].startswith("/api/quotes?")
    rest = client.get(page["next"]).json()
    assert rest["offset"] == 4 and rest["limit"] == 4 and rest["next"] is None
    assert len(rest["items"]) == 1
    seen = [i["id"] for i in page["items"] + rest["items"]]
    assert len(set(seen)) == 5  # the filter is kept: no page repeats or leaves one out
    assert client.get("/api/quotes", params={"offset": 100}).json()["items"] == []
    assert_error(client.get("/api/quotes", params={"limit": MAX_PAGE_SIZE + 1}), 422, "limit")
    assert_error(client.get("/api/quotes", params={"limit": 0}), 422, "limit")
    assert_error(client.get("/api/quotes", params={"offset": -1}), 422, "offset")
    assert_error(client.get("/api/quotes", params={"offset": 10**6}), 422, "offset")
    assert_error(client.get("/api/quotes", params={"limit": "ten"}), 422, "limit")


@pytest.mark.parametrize(
    ("params", "total"),
    [
        ({"speaker": "Elena Varga"}, 3),
        ({"speaker": "varga"}, 5),
        ({"about": "lantern"}, 6),
        ({"about": "nowhere"}, 0),
        ({"q": "crane operators"}, 1),
        ({"q": "cran*"}, 1),
        ({"q": '"; DROP TABLE attributions; --'}, 0),
        ({"kind": "indirect"}, 1),
        ({"kind": "direct"}, 5),
        ({"outlet": "ledger"}, 3),
        ({"since": "2026-03-03"}, 3),
        ({"until": "2026-03-01"}, 1),
        ({"since": "2026-03-02", "until": "2026-03-02", "speaker": "Tomas"}, 1),
    ],
)
def test_quote_filters(client: TestClient, params: dict[str, str], total: int) -> None:
    body = client.get("/api/quotes", params=params).json()
    assert body["total"] == total == len(body["items"])


def test_quote_filters_by_speaker_id_article_and_cluster(client: TestClient, ids) -> None:
    elena = speaker_id(client, "Elena Varga")
    assert client.get("/api/quotes", params={"speaker": elena}).json()["total"] == 3
    by_article = client.get("/api/quotes", params={"article": ids["wire"]}).json()
    assert {i["article_id"] for i in by_article["items"]} == {ids["wire"]}
    assert by_article["total"] == 2
    cluster = client.get("/api/clusters").json()["items"][0]["id"]
    assert client.get("/api/quotes", params={"cluster": cluster}).json()["total"] == 3


def test_bad_filter_values_are_400_and_overlong_ones_422(client: TestClient) -> None:
    assert_error(client.get("/api/quotes", params={"since": "March"}), 400, "since", "not a date")
    assert_error(client.get("/api/quotes", params={"until": "2026-13-01"}), 400, "until")
    assert_error(client.get("/api/quotes", params={"kind": "rumour"}), 400, "kind", "direct")
    assert_error(client.get("/api/quotes", params={"q": "x" * 501}), 422, "q")
    assert_error(client.get("/api/speakers", params={"q": "x" * 501}), 422, "q")
    assert_error(client.get("/api/quotes", params={"cluster": "one"}), 422, "cluster")


def test_speakers_most_quoted_first_and_paged(client: TestClient) -> None:
    body = client.get("/api/speakers").json()
    assert body["total"] == 3 and body["next"] is None
    names = [s["name"] for s in body["items"]]
    assert names == ["Elena Varga", "Tomas Varga", "Port Workers' Union"]
    elena = body["items"][0]
    assert set(elena["aliases"]) == {"Elena Varga", "Varga"}
    assert elena["roles"][0]["role"].lower() == "mayor" and elena["roles"][0]["first_seen"]
    found = client.get("/api/speakers", params={"q": "varga", "limit": 1}).json()
    assert found["total"] == 2 and len(found["items"]) == 1
    assert found["next"] == "/api/speakers?q=varga&limit=1&offset=1"
    assert client.get(found["next"]).json()["items"][0]["name"] == "Tomas Varga"
    assert client.get("/api/speakers", params={"q": "nobody"}).json() == {
        "total": 0,
        "limit": 50,
        "offset": 0,
        "next": None,
        "items": [],
    }


def test_speaker_profile_with_latest_statements(client: TestClient) -> None:
    elena = speaker_id(client, "Elena Varga")
    profile = client.get(f"/api/speakers/{elena}").json()
    assert profile["name"] == "Elena Varga" and profile["statements"] == 3
    assert profile["by_month"] == [{"month": "2026-03", "statements": 3}]
    assert {o["outlet"] for o in profile["outlets"]} == {
        "Lantern Wire",
        "Harbour Ledger",
        "Morning Post",
    }
    assert profile["about"] == [{"name": "Port Lantern", "type": "GPE", "statements": 3}]
    assert [s["published"] for s in profile["latest"]] == ["2026-03-03", "2026-03-02", "2026-03-01"]
    assert {s["speaker"]["id"] for s in profile["latest"]} == {str(elena)}
    assert_error(client.get("/api/speakers/9999"), 404, "9999")
    assert_error(client.get("/api/speakers/0"), 422)
    assert_error(client.get("/api/speakers/abc"), 422)
    assert_error(client.get(f"/api/speakers/{10**30}"), 422)


def test_article_with_statements_speakers_and_story(client: TestClient, ids) -> None:
    body = client.get(f"/api/articles/{ids['ledger']}").json()
    assert body["id"] == ids["ledger"] and body["outlet"] == "Harbour Ledger"
    assert body["text"].startswith("Harbour Ledger reports.")
    assert len(body["attributions"]) == 2
    for statement in body["attributions"]:
        assert statement["article_id"] == ids["ledger"]
        [(start, end)] = statement["content"]["spans"]
        assert body["text"][start:end] == statement["content"]["text"]
    assert {s["name"] for s in body["speakers"]} == {"Elena Varga", "Tomas Varga"}
    # The wire story republished by the ledger: one story, each lists the other.
    assert body["story_id"] == ids["wire"]
    assert [a["id"] for a in body["story"]] == [ids["wire"]]
    assert body["story"][0] == {
        "id": ids["wire"],
        "outlet": "Lantern Wire",
        "published": "2026-03-02",
        "title": None,
    }
    assert client.get(f"/api/articles/{ids['union']}").json()["story"] == []
    assert_error(client.get("/api/articles/nope"), 404, "nope")
    assert_error(client.get("/api/articles/" + "x" * 201), 422)


def test_clusters_first_appearance_first_with_variants(client: TestClient) -> None:
    body = client.get("/api/clusters").json()
    assert body["limit"] == 20
    cluster, tomas = body["items"]  # most reported first
    assert tomas["size"] == 2 and tomas["first"]["outlet"] == "Lantern Wire"
    assert cluster["size"] == 3 and cluster["outlets"] == 3
    assert cluster["first"]["outlet"] == "Morning Post"
    assert [o["published"] for o in cluster["occurrences"]] == [
        "2026-03-01",
        "2026-03-02",
        "2026-03-03",
    ]
    assert client.get(f"/api/clusters/{cluster['id']}").json() == cluster
    changed = [v for v in cluster["variants"] if "Lantern Wire" in v["outlets"]]
    assert ["insert", "will not"] in changed[0]["diff"] or ["insert", "will"] in changed[0]["diff"]
    assert client.get("/api/clusters", params={"limit": 1}).json()["limit"] == 1
    assert_error(client.get("/api/clusters", params={"limit": MAX_PAGE_SIZE + 1}), 422, "limit")
    assert_error(client.get("/api/clusters/4242"), 404, "4242")


def test_stats(client: TestClient) -> None:
    body = client.get("/api/stats").json()
    assert body["articles"] == 4 and body["statements"] == 6 and body["speakers"] == 3
    assert body["kinds"] == {"direct": 5, "indirect": 1}
    assert body["stories"] == 3 and body["republished_stories"] == 1
    assert body["quote_clusters"] == 2


# -- errors, headers, docs --------------------------------------------------------------------


def test_every_route_answers_errors_in_one_shape(client: TestClient, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)
    broken = TestClient(create_app(ServeSettings(db=junk)))
    failing = {
        ("GET", "/api/quotes"): (client, "/api/quotes?kind=rumour", 400),
        ("GET", "/api/speakers"): (client, "/api/speakers?limit=0", 422),
        ("GET", "/api/speakers/{speaker_id}"): (client, "/api/speakers/9999", 404),
        ("GET", "/api/articles/{article_id}"): (client, "/api/articles/nope", 404),
        ("GET", "/api/clusters"): (client, "/api/clusters?limit=-1", 422),
        ("GET", "/api/clusters/{cluster_id}"): (client, "/api/clusters/4242", 404),
        ("GET", "/api/stats"): (broken, "/api/stats", 503),
        ("POST", "/api/extract"): (client, "/api/extract", 422),
        ("POST", "/api/articles"): (client, "/api/articles", 403),
    }
    routes = {(method, route.path) for route in api.router.routes for method in route.methods}
    assert routes == set(failing), "give every API route a failing request here"
    for (method, _), (who, url, status) in failing.items():
        assert_error(who.request(method, url, json={}), status)
    assert_error(client.get("/api/nothing-here"), 404)
    assert_error(client.delete("/api/quotes"), 405)
    assert_error(client.post("/api/extract", content=b"{not json", headers=JSON), 422)


JSON = {"content-type": "application/json"}


def test_api_responses_carry_the_security_headers(client: TestClient) -> None:
    for response in (client.get("/api/stats"), client.get("/api/articles/nope")):
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_a_body_over_the_limit_is_413_before_anything_runs(client: TestClient) -> None:
    big = {"text": "word " * 20_000}  # over the 50 kB this client's server accepts
    assert_error(client.post("/api/extract", json=big), 413, "larger than")
    assert MAX_BODY_BYTES > 50_000


def test_a_streamed_body_over_the_limit_is_413_too(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        yield b'{"text": "'
        for _ in range(60):
            yield b"x" * 1000
        yield b'"}'

    answer = client.post(
        "/api/extract", content=chunks(), headers={"content-type": "application/json"}
    )
    assert_error(answer, 413, "larger than")


def test_extraction_is_bounded_per_article(corpus: tuple[str | Path, dict[str, str]]) -> None:
    with TestClient(create_app(ServeSettings(db=corpus[0]))) as roomy:  # the 2 MB default
        answer = roomy.post("/api/extract", json={"text": "Okay. " * 17_000})
    assert_error(answer, 413, "more than the 100000")


def test_extract_input_is_validated_before_the_model_runs(client: TestClient) -> None:
    assert_error(client.post("/api/extract", json={}), 422, "exactly one")
    assert_error(client.post("/api/extract", json={"text": "a", "html": "<p>b</p>"}), 422, "one")
    assert_error(client.post("/api/extract", json={"text": "  \n"}), 422, "empty")
    assert_error(client.post("/api/extract", json={"text": 3}), 422, "text")
    assert_error(client.post("/api/extract", json={"text": "a", "colour": "red"}), 422, "colour")
    assert_error(client.post("/api/extract", json={"text": "a", "id": "x" * 201}), 422, "id")


def test_writing_is_off_without_a_token_and_needs_the_right_one(
    client: TestClient, writable: TestClient
) -> None:
    body = {"articles": [{"text": STORY}]}
    assert_error(client.post("/api/articles", json=body), 403, "--write-token")
    assert_error(writable.post("/api/articles", json=body), 401, "Bearer")
    for header in ("Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer é".encode()):
        response = writable.post("/api/articles", json=body, headers={"Authorization": header})
        assert_error(response, 401)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert_error(writable.post("/api/articles", json={"articles": []}, headers=auth), 422)
    too_many = {"articles": [{"text": "a"}] * 101}
    assert_error(writable.post("/api/articles", json=too_many, headers=auth), 422, "articles")
    dated = {"articles": [{"text": "a", "published": "someday"}]}
    assert_error(writable.post("/api/articles", json=dated, headers=auth), 422, "not a date")


def test_openapi_documents_every_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    documented = {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        for method in operations
    }
    assert {
        ("GET", "/api/quotes"),
        ("GET", "/api/speakers"),
        ("GET", "/api/speakers/{speaker_id}"),
        ("GET", "/api/articles/{article_id}"),
        ("GET", "/api/clusters"),
        ("GET", "/api/clusters/{cluster_id}"),
        ("GET", "/api/stats"),
        ("POST", "/api/extract"),
        ("POST", "/api/articles"),
    } <= documented
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            if path.startswith("/api/"):
                assert operation["summary"] and operation["description"], path
    params = {p["name"] for p in spec["paths"]["/api/quotes"]["get"]["parameters"]}
    assert {"speaker", "about", "q", "kind", "outlet", "since", "until", "limit", "offset"} <= (
        params
    )
    errors = spec["paths"]["/api/quotes"]["get"]["responses"]["422"]
    assert errors["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")


# -- the extractor (needs the model) ----------------------------------------------------------


@pytest.mark.model
def test_extract_text_and_html(client: TestClient) -> None:
    record = client.post("/api/extract", json={"text": STORY, "id": "ferry"}).json()
    assert record["id"] == "ferry" and "text" not in record
    assert record["language"] == "en"
    (direct,) = [a for a in record["attributions"] if a["kind"] == "direct"]
    [(start, end)] = direct["content"]["spans"]
    assert STORY[start:end] == direct["content"]["text"]
    assert direct["speaker"]["name"] == "Elena Varga"
    page = (
        "<html><head><title>Ferry to resume</title></head><body><article>"
        + "".join(f"<p>{p}</p>" for p in STORY.split("\n\n"))
        + "</article></body></html>"
    )
    record = client.post("/api/extract", json={"html": page}).json()
    assert record["title"] == "Ferry to resume" and "ferry will run" in record["text"]
    for attribution in record["attributions"]:
        [(start, end)] = attribution["content"]["spans"]
        assert record["text"][start:end] == attribution["content"]["text"]
    nothing = client.post("/api/extract", json={"html": "<html><body></body></html>"})
    assert_error(nothing, 400, "no main text")


@pytest.mark.model
def test_added_articles_are_stored_searchable_and_not_stored_twice(writable: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    body = {
        "articles": [
            {
                "text": STORY,
                "id": "ferry",
                "url": "https://www.harbour.example/ferry",
                "published": "Tue, 03 Mar 2026 09:30:00 +0100",
            },
            {"html": "<html><body></body></html>", "id": "empty-page"},
        ]
    }
    response = writable.post("/api/articles", json=body, headers=auth)
    assert response.status_code == 201, response.text
    result = response.json()
    (stored,) = result["stored"]
    assert result["duplicates"] == 0 and result["statements"] >= 1
    assert result["failed"] == [
        {
            "id": "empty-page",
            "reason": "no main text found in the HTML (empty page or only boilerplate)",
        }
    ]
    shown = writable.get(f"/api/articles/{stored}").json()
    assert shown["outlet"] == "harbour.example"  # from the URL's site
    assert shown["published"] == "2026-03-03T08:30:00Z"
    found = writable.get("/api/quotes", params={"speaker": "Elena Varga"}).json()
    assert found["total"] >= 1 and found["items"][0]["article_id"] == stored
    again = writable.post("/api/articles", json={"articles": body["articles"][:1]}, headers=auth)
    assert again.status_code == 200
    assert again.json() == {"stored": [], "duplicates": 1, "failed": [], "statements": 0}


@pytest.mark.model
def test_a_server_extracts_and_stores_with_the_tagger_it_was_started_with(tmp_path: Path) -> None:
    # The fast tagger finds no cue for "has long doubted"; the accurate one does. Every
    # candidate is kept (min_confidence 0), so that the settings are seen to pass through.
    text = (
        "The mayor has long doubted that the bridge can be finished by 2027. Critics of the "
        "project fear the costs will double, and several councillors have questioned whether "
        "the contractor is up to the job."
    )
    fast = saidwhat.extract(text, id="bridge", tagger="fast", min_confidence=0.0).to_dict()
    accurate = saidwhat.extract(text, id="bridge", min_confidence=0.0).to_dict()
    assert accurate != fast
    db = tmp_path / "fast.db"
    SQLiteStore(db).close()
    settings = ServeSettings(db=db, write_token=TOKEN, tagger="fast", min_confidence=0.0)
    with TestClient(create_app(settings)) as c:
        assert c.post("/api/extract", json={"text": text, "id": "bridge"}).json() == fast
        auth = {"Authorization": f"Bearer {TOKEN}"}
        added = c.post("/api/articles", json={"articles": [{"text": text}]}, headers=auth)
        assert added.json()["statements"] == len(fast["attributions"])
        assert "the fast tagger finds" in c.get("/paste").text
    db = tmp_path / "accurate.db"
    SQLiteStore(db).close()
    settings = ServeSettings(db=db, write_token=TOKEN, min_confidence=0.0)
    with TestClient(create_app(settings)) as c:
        assert c.post("/api/extract", json={"text": text, "id": "bridge"}).json() == accurate
        added = c.post("/api/articles", json={"articles": [{"text": text}]}, headers=auth)
        (doubted,) = c.get("/api/quotes", params={"q": "bridge"}).json()["items"]
        assert doubted["cue"]["text"] == "has long doubted"
        # The filter on stored statements: none of them is certain.
        everything = c.get("/api/quotes").json()["items"]
        assert everything and all(s["confidence"] < 0.999 for s in everything)
        assert c.get("/api/quotes", params={"min_confidence": 0.999}).json()["items"] == []


def test_a_server_refuses_an_unknown_tagger_when_set_up(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown tagger 'acurate'"):
        ServeSettings(db=tmp_path / "any.db", tagger="acurate")
