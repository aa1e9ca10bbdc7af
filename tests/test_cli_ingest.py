"""``saidwhat ingest`` and the query commands, end to end with the model."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from saidwhat.cli import main
from saidwhat.store.sqlite_postings import logged_postings

pytestmark = pytest.mark.model

VOA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "voa" / "voa_stories.jsonl"
SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "corpus"

_PEOPLE = ["Amara Okafor", "Viktor Hale", "Lena Brandt", "Omar Said", "Ruth Castell"]
_TOPICS = ["the harbour levy", "the bridge tender", "the grain quota", "the rail strike"]


def synthetic_article(n: int) -> str:
    """A short, distinct article with a direct and an indirect statement."""
    person = _PEOPLE[n % len(_PEOPLE)]
    topic = _TOPICS[n % len(_TOPICS)]
    return (
        f"Councillors met for the {n}th time on {topic} on Monday.\n\n"
        f"“We cannot wait another {n + 2} weeks for {topic},” {person} said after the vote.\n\n"
        f"{person.split()[1]} added that the city would publish figure {n * 7} by Friday."
    )


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        tables = ("articles", "attributions", "attributions_fts")
        found = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
        posted = {row[0] for row in conn.execute("SELECT item FROM link_keys WHERE namespace = 1")}
        posted |= {item for namespace, _, item in logged_postings(conn) if namespace == 1}
        found["posted"] = len(posted)  # articles under their story postings
        found["distinct_sources"] = conn.execute(
            "SELECT count(DISTINCT source_id) FROM articles"
        ).fetchone()[0]
        found["orphans"] = conn.execute(
            "SELECT count(*) FROM attributions WHERE article_id NOT IN (SELECT id FROM articles)"
        ).fetchone()[0]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return found
    finally:
        conn.close()


def test_sigkill_mid_ingest_then_rerun_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    inputs = tmp_path / "articles"
    inputs.mkdir()
    total = 240
    for n in range(total):
        (inputs / f"a{n:03d}.txt").write_text(synthetic_article(n), encoding="utf-8")
    db = tmp_path / "kill.db"
    command = [sys.executable, "-m", "saidwhat.cli", "ingest", str(inputs), "--db", str(db)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and process.poll() is None:
        if db.exists():
            try:
                stored = counts(db)["articles"]
            except sqlite3.OperationalError:  # the schema is being created
                stored = 0
            if stored >= 40:
                break
        time.sleep(0.05)
    assert process.poll() is None, "ingest finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    after_kill = counts(db)
    assert 40 <= after_kill["articles"] < total
    # Whole articles only: each stored article has its postings, no statement lost its article.
    assert after_kill["posted"] == after_kill["articles"]
    assert after_kill["attributions_fts"] == after_kill["attributions"]
    assert after_kill["orphans"] == 0

    code, _, err = run("ingest", str(inputs), "--db", str(db))
    assert code == 0, err
    assert f"stored {total - after_kill['articles']} article(s)" in err
    assert f"{after_kill['articles']} duplicate(s) skipped" in err
    final = counts(db)
    assert final["articles"] == final["distinct_sources"] == total
    assert final["posted"] == total and final["orphans"] == 0


@pytest.mark.skipif(not VOA.exists(), reason=f"VOA stories not found at {VOA} (../shared)")
def test_voa_twice_stores_each_story_once(tmp_path: Path) -> None:
    db = tmp_path / "voa.db"
    lines = [line for line in VOA.read_text(encoding="utf-8").splitlines() if line.strip()]
    code, _, err = run("ingest", str(VOA), "--db", str(db))
    assert code == 0, err
    first = counts(db)["articles"]
    assert first == len({json.loads(line)["text"] for line in lines})
    code, _, err = run("ingest", str(VOA), "--db", str(db))
    assert code == 0, err
    assert "stored 0 article(s)" in err and f"{len(lines)} duplicate(s) skipped" in err
    assert counts(db)["articles"] == first
    code, out, _ = run("stats", "--db", str(db), "--format", "json")
    stats = json.loads(out)
    assert stats["articles"] == first and stats["statements"] > 5 * first


def test_failures_are_listed_with_reasons_and_set_the_exit_status(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text(synthetic_article(1), encoding="utf-8")
    (inputs / "empty.txt").write_bytes(b"")
    record = json.dumps({"text": synthetic_article(2)})
    (inputs / "export.jsonl").write_text(f"{record}\nnot json\n", encoding="utf-8")
    db = tmp_path / "f.db"
    code, _, err = run("ingest", str(inputs), "--db", str(db))
    assert code == 1
    assert "stored 2 article(s)" in err and "2 failed" in err
    assert "Traceback" not in err
    reasons = (tmp_path / "f.db.failures.tsv").read_text(encoding="utf-8").splitlines()
    assert len(reasons) == 2
    assert any(line.startswith(str(inputs / "empty.txt")) for line in reasons)
    assert any("export.jsonl:2" in line for line in reasons)


def test_a_mistyped_path_fails_in_one_line_and_makes_no_store(tmp_path: Path) -> None:
    db = tmp_path / "typo.db"
    code, _, err = run("ingest", str(tmp_path / "nwes"), str(tmp_path / "*.warc"), "--db", str(db))
    assert code == 1 and err.count("\n") == 1 and "nwes" in err
    assert not db.exists()


def test_query_commands_on_a_missing_store_fail_in_one_line(tmp_path: Path) -> None:
    code, _, err = run("quotes", "--db", str(tmp_path / "none.db"))
    assert code == 1 and err.count("\n") == 1 and "saidwhat ingest" in err


def test_an_article_extraction_fails_on_is_listed_and_not_stored(
    tmp_path: Path, boom_breaks_extraction
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text(synthetic_article(3), encoding="utf-8")
    (inputs / "bad.txt").write_text(synthetic_article(4) + " BOOM", encoding="utf-8")
    db = tmp_path / "x.db"
    code, _, err = run("ingest", str(inputs), "--db", str(db))
    assert code == 1 and "stored 1 article(s)" in err and "1 failed" in err
    assert "Traceback" not in err
    reasons = (tmp_path / "x.db.failures.tsv").read_text(encoding="utf-8")
    assert "bad.txt\textraction failed (ValueError: kaboom)" in reasons
    boom_breaks_extraction()  # fixed: the rerun stores it
    code, _, err = run("ingest", str(inputs), "--db", str(db))
    assert code == 0 and "stored 1 article(s)" in err and "1 duplicate(s) skipped" in err
