"""``saidwhat ingest --dask``: the same store as ``--jobs``, resumable, failures per article.

Small on purpose (the machine is shared): two workers of one thread each, the fast
tagger, the sample corpus. One cluster (``cluster``) serves the ``tcp://`` tests; the
``local:2`` test starts and closes its own, as a user's run does.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
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
from saidwhat.link.linker import link_keys
from saidwhat.model import Document
from saidwhat.parse import load_pipeline
from saidwhat.store import SQLiteStore

pytestmark = pytest.mark.model

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "corpus"
#: What ``ingest --dask local`` says of the dashboard: Dask's needs bokeh, which saidwhat
#: does not install.
DASHBOARD = "http" if importlib.util.find_spec("bokeh") else "none (the scheduler serves none"
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
    assert f"saidwhat: Dask dashboard: {DASHBOARD}" in err and "Traceback" not in err
    assert "stored 16 article(s)" in err
    expected, got = snapshot(by_jobs), snapshot(db)
    assert len(got["articles"]) == 16 and len(got["statements"]) > 50
    assert got["articles"] == expected["articles"]
    assert len(got["statements"]) == len(expected["statements"])
    assert got["statements"] == expected["statements"]
    assert got["speakers"] == expected["speakers"]

    # The rerun, on a running cluster: every article is skipped before it is sent.
    address = cluster.scheduler.address
    command = ["ingest", str(SAMPLES), "--db", str(db), "--dask", address, "--no-dashboard"]
    code, _, err = run(*command, *FAST)
    assert code == 0, err
    assert "stored 0 article(s)" in err and "16 duplicate(s) skipped" in err
    assert "dashboard" not in err
    assert snapshot(db) == got


def ingest_beside_a_bad_article(
    cluster: Client, inputs: Path, name: str, poison: str, db: Path
) -> tuple[int, str]:
    """Ingest five good articles and ``name``.txt (carrying ``poison``) on ``cluster``,
    with ``BoomPlugin`` on its workers; the exit code and stderr."""
    inputs.mkdir()
    for n in range(5):
        (inputs / f"good{n}.txt").write_text(article(n), encoding="utf-8")
    (inputs / f"{name}.txt").write_text(article(9, poison), encoding="utf-8")
    cluster.register_plugin(BoomPlugin())
    try:
        address = cluster.scheduler.address
        code, _, err = run("ingest", str(inputs), "--db", str(db), "--dask", address, *FAST)
    finally:
        cluster.unregister_worker_plugin(BoomPlugin.name)
    return code, err


def test_an_article_that_raises_on_a_worker_is_a_failure_and_the_others_are_stored(
    cluster: Client, tmp_path: Path
) -> None:
    inputs, db = tmp_path / "in", tmp_path / "boom.db"
    address = cluster.scheduler.address
    code, err = ingest_beside_a_bad_article(cluster, inputs, "bad", f" {BOOM}", db)
    assert code == 1 and "Traceback" not in err
    assert "stored 5 article(s)" in err and "1 failed" in err
    reasons = (tmp_path / "boom.db.failures.tsv").read_text(encoding="utf-8")
    assert reasons == f"{inputs / 'bad.txt'}\textraction failed (ValueError: kaboom)\n"
    # Fixed (the plugin is gone): the rerun stores it, and only it.
    code, _, err = run("ingest", str(inputs), "--db", str(db), "--dask", address, *FAST)
    assert code == 0, err
    assert "stored 1 article(s)" in err and "5 duplicate(s) skipped" in err


def test_the_dashboard_link_only_when_there_is_a_dashboard() -> None:
    # No worker: only the scheduler's HTTP server matters here.
    for wanted in (True, False):
        cluster = saidwhat.cluster.local_cluster(0, dashboard=wanted)
        try:
            with Client(cluster) as client:
                link = saidwhat.cluster.dashboard(client)
        finally:
            cluster.close()
        if wanted and DASHBOARD == "http":
            assert link and link.startswith("http://") and link.endswith("/status")
        else:  # not started, or its page says it needs bokeh: no link
            assert link is None


def test_a_worker_whose_vocabulary_outgrew_its_bound_loads_its_pipeline_afresh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # In this process, as on a worker: words it has never read grow the vocabulary.
    monkeypatch.setattr(saidwhat.cluster, "MAX_NEW_STRINGS", 20)
    new = uuid.uuid4().hex[:8]
    documents = [
        Document(id=str(n), text=article(n, f" Zq{new}{n} Wv{new}{n} met Yx{new}{n}."))
        for n in range(4)
    ]
    before = load_pipeline(tagger="fast")
    got = saidwhat.cluster.extract_partition(documents, tagger="fast", min_confidence=None)
    after = load_pipeline(tagger="fast")
    assert after is not before  # loaded afresh, without the words read
    assert len(after.vocab.strings) < len(before.vocab.strings)
    assert f"Zq{new}0" in before.vocab.strings and f"Zq{new}0" not in after.vocab.strings
    assert sum(len(d.attributions) for d in got) >= 4 and not any(d.error for d in got)
    # The same extraction with the fresh pipeline; a small growth keeps it.
    monkeypatch.setattr(saidwhat.cluster, "MAX_NEW_STRINGS", 1_000)
    again = saidwhat.cluster.extract_partition(documents, tagger="fast", min_confidence=None)
    assert [d.to_dict() for d in again] == [d.to_dict() for d in got]
    assert load_pipeline(tagger="fast") is after
    # As ingest submits it: each article also carries its linker's keys, for the writer.
    keyed = saidwhat.cluster.extract_partition(
        documents, tagger="fast", min_confidence=None, link_keys=True
    )
    assert [d.to_dict() for d in keyed] == [d.to_dict() for d in got]
    assert all(d.link_keys == link_keys(d) for d in keyed)
    assert all(d.link_keys is None for d in got)


@pytest.mark.parametrize("threshold", ["65536", "1048576", None])
def test_a_worker_started_with_dasks_trim_threshold_gets_glibcs_back(
    threshold: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[int, int]] = []

    class Libc:
        def mallopt(self, param: int, value: int) -> int:
            calls.append((param, value))
            return 1

    monkeypatch.setattr(saidwhat.cluster.ctypes, "CDLL", lambda name: Libc())
    monkeypatch.setattr(saidwhat.cluster.sys, "platform", "linux")
    if threshold is None:
        monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    else:
        monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", threshold)
    saidwhat.cluster.keep_freed_memory()
    if threshold == saidwhat.cluster.DASK_TRIM_THRESHOLD:  # M_MMAP_THRESHOLD, M_TRIM_THRESHOLD
        assert calls == [(-3, 32 * 2**20), (-1, 64 * 2**20)]
    else:  # glibc's defaults already, or the administrator's choice
        assert calls == []


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
    code, err = ingest_beside_a_bad_article(
        cluster, inputs, "deadly", f" {DIE}", tmp_path / "die.db"
    )
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


# -- the scheduler dies mid-run --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def scheduler_and_worker(logs: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A ``dask scheduler`` and a ``dask worker`` (one thread) as subprocesses, as on a
    real cluster; yields the scheduler's address and process once the worker has joined.
    Both are killed on exit (the worker with its nanny's child)."""
    port = str(free_port())
    address = f"tcp://127.0.0.1:{port}"
    cli = [sys.executable, "-m"]
    commands = {
        "scheduler": [*cli, "distributed.cli.dask_scheduler", "--host", "127.0.0.1"]
        + ["--port", port, "--no-dashboard"],
        "worker": [*cli, "distributed.cli.dask_worker", address, "--nthreads", "1"]
        + ["--no-dashboard"],
    }
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for name, command in commands.items():
            with (logs / f"{name}-{port}.log").open("wb") as log:
                processes.append(
                    subprocess.Popen(command, stdout=log, stderr=log, start_new_session=True)
                )
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(1, timeout=60)
        yield address, processes[0]
    finally:
        for process in processes:
            with suppress(ProcessLookupError):  # its session: the nanny's child too
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def stored(db: Path) -> int:
    """Articles committed in ``db`` so far (0 before its tables exist)."""
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0
    finally:
        conn.close()


def ingest_process(inputs: Path, db: Path, address: str) -> subprocess.Popen[str]:
    """``saidwhat ingest INPUTS --dask ADDRESS`` in its own process, stderr piped."""
    command = [sys.executable, "-c", "from saidwhat.cli import main; main()", "ingest"]
    return subprocess.Popen(
        [*command, str(inputs), "--db", str(db), "--dask", address, *FAST],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_scheduler_killed_mid_run_stops_it_in_one_line_and_a_rerun_stores_the_rest(
    tmp_path: Path,
) -> None:
    count = 200
    inputs = tmp_path / "news.jsonl"
    with inputs.open("w", encoding="utf-8") as out:
        for n in range(count):
            row = {"id": f"a{n}", "url": f"https://news.example/{n}", "text": article(n)}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    db = tmp_path / "dask.db"
    with scheduler_and_worker(tmp_path) as (address, scheduler):
        run_ = ingest_process(inputs, db, address)
        try:
            deadline = time.monotonic() + 120
            while (done := stored(db)) == 0 and run_.poll() is None:
                assert time.monotonic() < deadline, "no article stored in 120 s"
                time.sleep(0.05)
            assert done and run_.poll() is None, "the run ended before its scheduler was killed"
            scheduler.kill()  # as a crash or the OOM killer would
            _, err = run_.communicate(timeout=60)
        finally:
            if run_.poll() is None:
                run_.kill()
                run_.wait()
    assert run_.returncode == 1 and "Traceback" not in err, err
    (line,) = [line for line in err.splitlines() if "Dask dashboard" not in line]
    assert line.startswith(f"saidwhat: error: lost the Dask scheduler at {address}")
    assert line.endswith("the articles written are kept: rerun to finish the rest")
    kept = stored(db)
    assert 0 < kept < count
    # That scheduler serves no dashboard (--no-dashboard), though it has an HTTP server.
    assert "saidwhat: Dask dashboard: none" in err

    # A new scheduler and worker: the rerun skips what was committed and stores the rest.
    with scheduler_and_worker(tmp_path) as (address, _):
        code, _, err = run("ingest", str(inputs), "--db", str(db), "--dask", address, *FAST)
    assert code == 0 and "Traceback" not in err, err
    assert f"stored {count - kept} article(s)" in err and f"{kept} duplicate(s) skipped" in err
    # Every article once, with what one uninterrupted single-process run stores.
    single = tmp_path / "single.db"
    code, _, err = run("ingest", str(inputs), "--db", str(single), "--jobs", "1", *FAST)
    assert code == 0, err
    expected, got = snapshot(single), snapshot(db)
    assert len(got["articles"]) == count
    assert got == expected
