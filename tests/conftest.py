"""Fixtures several test modules share."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import postgres_fixture
from postgres_fixture import PostgresCluster
from saidwhat import pipeline

#: A text containing this makes extraction fail under ``boom_breaks_extraction``.
BOOM = "BOOM"


@pytest.fixture
def boom_breaks_extraction(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Extraction raises ``ValueError("kaboom")`` on any batch holding a text with BOOM;
    the fixture's value undoes that."""
    real = pipeline._annotate

    def flaky(nlp, documents, batch_size):
        if any(BOOM in d.text for d in documents):
            raise ValueError("kaboom")
        return real(nlp, documents, batch_size)

    monkeypatch.setattr(pipeline, "_annotate", flaky)
    return lambda: monkeypatch.setattr(pipeline, "_annotate", real)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A throwaway PostgreSQL cluster for the session, always stopped at its end; the tests
    that use it are skipped when PostgreSQL is not installed."""
    if not postgres_fixture.available():
        pytest.skip(postgres_fixture.MISSING)
    cluster = PostgresCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster: PostgresCluster) -> str:
    """The URL of a new, empty database of the session's cluster."""
    return postgres_cluster.new_database()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    """Each store backend in turn."""
    return request.param


@pytest.fixture
def location(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """Where a new, empty store of ``backend`` is: a file path, or a PostgreSQL URL."""
    if backend == "sqlite":
        return str(tmp_path / "corpus.db")
    return request.getfixturevalue("postgres_url")
