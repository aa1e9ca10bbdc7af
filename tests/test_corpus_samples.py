"""The shipped sample corpus, ingested once: stories, speakers and quotes linked across outlets.

``samples/corpus/README.md`` lists what each article is there to show.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import saidwhat
from saidwhat.cli import main
from saidwhat.store import QuoteFilter, SQLiteStore

pytestmark = pytest.mark.model

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "corpus"
KESSEL_QUOTE = "We will not accept a deal that leaves our farmers paying for the tariffs of others"
STRIKE_WIRE = (
    "https://meridianpress.example/business/2026/03/09/calder-bay-dockworkers-strike-automation"
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "saidwhat.db"
    code, _, err = run("ingest", str(SAMPLES), "--db", str(path))
    assert code == 0, err
    assert "stored 16 article(s)" in err
    assert "2 near-duplicate(s) joined to a story" in err
    assert "not attributed (language): 1 fr" in err
    return path


@pytest.fixture
def store(db: Path) -> SQLiteStore:
    with SQLiteStore(db, readonly=True) as opened:
        yield opened


def test_wire_copies_form_one_story_with_each_outlet_kept(store: SQLiteStore) -> None:
    (wire,) = [
        s for s in store.quotes(QuoteFilter(outlet="Meridian"), limit=500) if s.url == STRIKE_WIRE
    ][:1]
    _, _, story_id = store.article(wire.article_id)
    story = store.story(story_id)
    assert [outlet for _, outlet, _, _ in story] == [
        "Meridian Press Agency",
        "The Calder Bay Ledger",
        "Norvania Today",
    ]
    assert store.stats()["republished_stories"] == 1


def test_two_people_with_one_surname_stay_two_speakers(store: SQLiteStore) -> None:
    people = {s.name: s for s in store.speakers("Brask") if s.type == "PERSON"}
    assert set(people) == {"Helena Brask", "Jonas Brask"}
    mayor, professor = people["Helena Brask"], people["Jonas Brask"]
    assert any(r.role.lower() == "mayor" for r in mayor.roles)
    assert not any(r.role.lower() == "mayor" for r in professor.roles)
    assert mayor.articles >= 3 and professor.articles >= 3
    # The surname alone, in articles naming only one of them, went to the right one.
    by_mayor = store.quotes(QuoteFilter(speaker=mayor.id), limit=100)
    assert not any("hydrolog" in s.attribution.content.text for s in by_mayor)


def test_name_variants_link_to_one_speaker_across_outlets(store: SQLiteStore) -> None:
    (kessel,) = [s for s in store.speakers("Kessel") if s.type == "PERSON"]
    assert kessel.name == "Alexandra Kessel"
    assert {"Alexandra Kessel", "Sasha Kessel", "Kessel"} <= set(kessel.aliases)
    outlets = {s.outlet for s in store.quotes(QuoteFilter(speaker=kessel.id), limit=100)}
    assert len(outlets) >= 4


def test_a_reworded_and_a_truncated_quote_join_the_first_appearance(store: SQLiteStore) -> None:
    cluster = next(c for c in store.clusters() if c.text.startswith(KESSEL_QUOTE))
    assert cluster.first.outlet == "Meridian Press Agency"
    assert cluster.first.published == "2026-03-02T19:45:00Z"
    assert len({o.outlet for o in cluster.occurrences}) == 5
    by_outlet = {v.outlets: v for v in cluster.variants}
    reworded = by_outlet[("Norvania Today",)]
    assert ("delete", "will not") in reworded.diff and ("insert", "cannot") in reworded.diff
    truncated = by_outlet[("The Calder Bay Ledger",)]
    assert [op for op, _ in truncated.diff] == ["equal", "delete"]
    assert all(o.speaker and o.speaker.name == "Alexandra Kessel" for o in cluster.occurrences)


def test_quotes_command_formats(db: Path) -> None:
    code, out, _ = run(
        "quotes", "--db", str(db), "--speaker", "Kessel", "-q", "tariffs", "--format", "jsonl"
    )
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert records and all(r["speaker"]["name"] == "Alexandra Kessel" for r in records)
    assert {"article_id", "url", "outlet", "published", "cluster_id"} <= set(records[0])
    assert all("tariff" in r["content"]["text"].lower() for r in records)
    code, out, _ = run(
        "quotes",
        "--db",
        str(db),
        "--kind",
        "direct",
        "--since",
        "2026-03-12",
        "--format",
        "csv",
        "--limit",
        "5",
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 5
    assert all(r["kind"] == "direct" and r["published"] >= "2026-03-12" for r in rows)
    code, _, err = run("quotes", "--db", str(db), "--since", "last week")
    assert code == 1 and "not a date" in err and "Traceback" not in err


def test_show_clusters_speakers_stats_and_export(db: Path, tmp_path: Path) -> None:
    code, out, _ = run("clusters", "--db", str(db), "--format", "table")
    assert code == 0 and "[-will not-]{+cannot+}" in out
    code, out, _ = run("speakers", "--db", str(db), "-q", "Brask", "--format", "jsonl")
    assert {json.loads(line)["name"] for line in out.splitlines()} >= {
        "Helena Brask",
        "Jonas Brask",
    }
    code, out, _ = run("quotes", "--db", str(db), "--limit", "1", "--format", "jsonl")
    article_id = json.loads(out)["article_id"]
    code, out, _ = run("show", article_id, "--db", str(db), "--format", "json")
    record = json.loads(out)
    assert code == 0 and record["id"] == article_id and record["attributions"]
    for statement in record["attributions"]:
        s, e = statement["content"]["spans"][0]
        assert record["text"][s:e] in statement["content"]["text"]
    code, _, err = run("show", "nope", "--db", str(db))
    assert code == 1 and "no article 'nope'" in err
    code, out, _ = run("stats", "--db", str(db), "--format", "json")
    stats = json.loads(out)
    assert stats["articles"] == 16 and stats["languages"] == {"en": 15, "fr": 1}
    for form, name in (("jsonl", "x.jsonl"), ("parquet", "x.parquet")):
        missing = tmp_path / "no-such-dir" / name
        code, _, err = run("export", "--db", str(db), "--format", form, "--to", str(missing))
        assert code == 1 and err.startswith("saidwhat: error:") and err.count("\n") == 1
    target = tmp_path / "statements.parquet"
    code, _, err = run("export", "--db", str(db), "--format", "parquet", "--to", str(target))
    assert code == 0 and pq.read_table(target).num_rows == stats["statements"]


def test_notebook_api_over_the_sample_corpus(db: Path) -> None:
    with saidwhat.open(db) as corpus:
        frame = corpus.quotes_frame(about="Calder Bay")
        assert len(frame) > 0 and set(frame["outlet"]) >= {"The Calder Bay Ledger"}
        assert corpus.article(frame["article_id"][0]).text
