"""``saidwhat ingest --dask``: the same store as ``--jobs``, resumable, failures per article.

Small on purpose (the machine is shared): two workers of one thread each, the fast
tagger, the sample corpus. One cluster (``cluster``) serves the ``tcp://`` tests; the
``local:2`` test starts and closes its own, as a user's run does.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import cloudpickle
import dask
import pytest
from click.testing import CliRunner
from distributed import Client, LocalCluster, WorkerPlugin

import saidwhat.cluster
from saidwhat.cli import main
from saidwhat.cluster import DaskExecutor
from saidwhat.errors import ClusterError
from saidwhat.model import Document
from saidwhat.store import SQLiteStore

pytestmark = pytest.mark.model

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "corpus"
FAST = ("--tagger", "fast")
#: A text holding this fails inside the worker under ``BoomPlugin``; one holding DIE kills it.
BOOM, DIE = "BOOM", "DIE"

# The plugin below is defined here, not in an installed module: ship it by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def article(n: int, extra: str = "") -> str:
    return (
        f"Councillors met for the {n}th time on the harbour levy on Monday.\n\n"
        f"“We cannot wait another {n + 2} weeks,” Amara Okafor said after the vote.{extra}\n\n"
        f"Okafor added that the city would publish figure {n * 7} by Friday."
    )


class BoomPlugin(WorkerPlugin):
    """On each worker, extraction raises ``ValueError("kaboom")`` on a batch holding BOOM
    (as ``conftest.boom_breaks_extraction`` does in this process); undone on teardown."""

    name = "saidwhat-test-boom"

    def setup(self, worker: object) -> None:
        import os

        from saidwhat import pipeline

        self.real = pipeline._annotate
        real = self.real

        def flaky(nlp, documents, batch_size):
            if any(DIE in d.text for d in documents):
                os._exit(1)  # the worker process dies, as on a segfault or the OOM killer
            if any(BOOM in d.text for d in documents):
                raise ValueError("kaboom")
            return real(nlp, documents, batch_size)

        pipeline._annotate = flaky

    def teardown(self, worker: object) -> None:
        from saidwhat import pipeline

        pipeline._annotate = self.real


@pytest.fixture(scope="module")
def cluster() -> Iterator[Client]:
    """A running two-worker cluster, reached by the CLI at ``tcp://…``. A task whose worker
    dies is given up at once (saidwhat then resubmits it), to keep the test short; one
    task per worker at a time, so that none dies beside the one that killed its worker."""
    limits = {"allowed-failures": 0, "worker-saturation": 1.0}
    with dask.config.set({f"distributed.scheduler.{k}": v for k, v in limits.items()}):
        local = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
    try:
        client = Client(local)
        try:
            yield client
        finally:
            client.close()
    finally:
        local.close()


def snapshot(db: Path) -> dict[str, object]:
    """What a store holds: articles (with their story), statements and speakers."""
    conn = sqlite3.connect(db)
    try:
        articles = conn.execute(
            "SELECT id, story_id, language, attributed FROM articles ORDER BY id"
        ).fetchall()
    finally:
        conn.close()
    with SQLiteStore(db, readonly=True) as store:
        statements = [s.to_dict() for s in store.iter_statements()]
        speakers = [s.to_dict() for s in store.speakers(None, limit=100_000)]
    return {"articles": articles, "statements": statements, "speakers": speakers}


@pytest.fixture(scope="module")
def by_jobs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("jobs") / "jobs.db"
    code, _, err = run("ingest", str(SAMPLES), "--db", str(db), "--jobs", "1", *FAST)
    assert code == 0, err
    return db


def test_local_cluster_stores_what_jobs_1_stores_and_a_rerun_adds_nothing(
    by_jobs: Path, cluster: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Partitions of 3 articles, 4 in flight: they complete out of order, are written in order.
    monkeypatch.setattr(saidwhat.cluster, "PARTITION_ARTICLES", 3)
    db = tmp_path / "dask.db"
    code, _, err = run("ingest", str(SAMPLES), "--db", str(db), "--dask", "local:2", *FAST)
    assert code == 0, err
    assert "saidwhat: Dask dashboard: http" in err and "Traceback" not in err
    assert "stored 16 article(s)" in err
    expected, got = snapshot(by_jobs), snapshot(db)
    assert len(got["articles"]) == 16 and len(got["statements"]) > 50
    assert got["articles"] == expected["articles"]
    assert len(got["statements"]) == len(expected["statements"])
    assert got["statements"] == expected["statements"]
    assert got["speakers"] == expected["speakers"]

    # The rerun, on a running cluster: every article is skipped before it is sent.
    address = cluster.scheduler.address
    code, _, err = run("ingest", str(SAMPLES), "--db", str(db), "--dask", address, *FAST)
    assert code == 0, err
    assert "stored 0 article(s)" in err and "16 duplicate(s) skipped" in err
    assert snapshot(db) == got


def test_an_article_that_raises_on_a_worker_is_a_failure_and_the_others_are_stored(
    cluster: Client, tmp_path: Path
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for n in range(5):
        (inputs / f"good{n}.txt").write_text(article(n), encoding="utf-8")
    (inputs / "bad.txt").write_text(article(9, f" {BOOM}"), encoding="utf-8")
    db = tmp_path / "boom.db"
    cluster.register_plugin(BoomPlugin())
    try:
        address = cluster.scheduler.address
        code, _, err = run("ingest", str(inputs), "--db", str(db), "--dask", address, *FAST)
    finally:
        cluster.unregister_worker_plugin(BoomPlugin.name)
    assert code == 1 and "Traceback" not in err
    assert "stored 5 article(s)" in err and "1 failed" in err
    reasons = (tmp_path / "boom.db.failures.tsv").read_text(encoding="utf-8")
    assert reasons == f"{inputs / 'bad.txt'}\textraction failed (ValueError: kaboom)\n"
    # Fixed (the plugin is gone): the rerun stores it, and only it.
    code, _, err = run("ingest", str(inputs), "--db", str(db), "--dask", address, *FAST)
    assert code == 0, err
    assert "stored 1 article(s)" in err and "5 duplicate(s) skipped" in err


def test_dask_and_jobs_together_are_refused_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "no.db"
    code, _, err = run("ingest", str(SAMPLES), "--db", str(db), "--dask", "local", "--jobs", "2")
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("saidwhat: error: --dask and --jobs 2")
    assert not db.exists()


def test_a_scheduler_that_cannot_be_reached_fails_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "no.db"
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        code, _, err = run("ingest", str(SAMPLES), "--db", str(db), "--dask", "tcp://127.0.0.1:1")
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("saidwhat: error: cannot reach the Dask scheduler at tcp://127.0.0.1:1")
    assert not db.exists()


def test_a_malformed_dask_address_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("ingest", str(SAMPLES), "--db", str(tmp_path / "x.db"), "--dask", "lcoal")
    assert code == 2 and "'lcoal' is not local, local:N or a scheduler address" in err


def test_an_article_that_kills_its_worker_is_a_failure_and_the_others_are_stored(
    cluster: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its partition fails, then the article alone (no retry: each costs a worker restart).
    monkeypatch.setattr(saidwhat.cluster, "PARTITION_ARTICLES", 3)
    monkeypatch.setattr(saidwhat.cluster, "RETRIES", 0)
    inputs = tmp_path / "in"
    inputs.mkdir()
    for n in range(5):
        (inputs / f"good{n}.txt").write_text(article(n), encoding="utf-8")
    (inputs / "deadly.txt").write_text(article(9, f" {DIE}"), encoding="utf-8")
    db = tmp_path / "die.db"
    cluster.register_plugin(BoomPlugin())
    try:
        address = cluster.scheduler.address
        code, _, err = run("ingest", str(inputs), "--db", str(db), "--dask", address, *FAST)
    finally:
        cluster.unregister_worker_plugin(BoomPlugin.name)
    assert code == 1 and "Traceback" not in err
    # Its partition's other articles were resubmitted one by one, and stored.
    assert "stored 5 article(s)" in err and "1 failed" in err
    (reason,) = (tmp_path / "die.db.failures.tsv").read_text(encoding="utf-8").splitlines()
    assert reason.startswith(f"{inputs / 'deadly.txt'}\textraction failed (KilledWorker")


def test_workers_that_cannot_load_the_pipeline_stop_the_run_in_one_line(cluster: Client) -> None:
    documents = [Document(id="a", text=article(1))]
    with pytest.raises(ClusterError, match="cannot load saidwhat's pipeline") as raised:
        list(DaskExecutor(cluster)(documents, tagger="no-such-tagger", min_confidence=None))
    assert "\n" not in str(raised.value)


def test_more_local_workers_than_cores_warn_and_too_many_are_refused(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    many = (os.cpu_count() or 1) + 1
    # With --jobs 2 the run stops before any worker starts: only the option's checks run.
    code, _, err = run(
        "ingest", str(SAMPLES), "--db", str(db), "--dask", f"local:{many}", "--jobs", "2"
    )
    assert code == 2
    assert f"warning: --dask local:{many} starts more worker processes than" in err
    code, _, err = run("ingest", str(SAMPLES), "--db", str(db), "--dask", "local:100000")
    assert code == 2 and "at most 256 worker processes" in err and not db.exists()
