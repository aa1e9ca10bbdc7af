"""Seeded fuzzing of the library, the input readers and the API (well under a minute).

The strategies and properties are in ``fuzzing.py``; ``benchmarks/fuzz.py`` runs the
same properties over 10,000+ inputs. A crash either finds becomes a test of its own
(``test_hostile_inputs.py``).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import saidwhat
from fuzzing import check_document, check_item, files, records, runs, texts, write
from saidwhat import pipeline
from saidwhat.ingest.sources import iter_articles
from saidwhat.model import Document
from saidwhat.serve import ServeSettings, create_app

#: More inputs per property (``benchmarks/fuzz.py`` sets it for its long run).
SCALE = int(os.environ.get("SAIDWHAT_FUZZ_SCALE", "1"))
#: The same inputs at every run (derandomized, no example database), unless the long run
#: asks for a seed of its own (``pytest --hypothesis-seed``).
FUZZ = settings(
    derandomize="SAIDWHAT_FUZZ_SEEDED" not in os.environ,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.model
@settings(FUZZ, max_examples=400 * SCALE)
@given(text=st.one_of(texts, runs))
def test_the_library_keeps_its_invariants_on_any_text(text: str) -> None:
    check_document(saidwhat.extract(text, tagger="fast", min_confidence=0.0))


@pytest.mark.model
@settings(FUZZ, max_examples=200 * SCALE)
@given(text=texts, size=st.integers(50, 2_000))
def test_a_text_read_in_pieces_keeps_the_invariants(text: str, size: int) -> None:
    # Small pieces, so that the fuzzed texts cross piece boundaries (the server's path).
    document = Document(id="fuzz", text=text)
    check_document(pipeline.extract_document(document, tagger="fast", piece_chars=size))


@settings(FUZZ, max_examples=1000 * SCALE)
@given(file=files)
def test_readers_give_documents_or_one_line_failures(file: tuple[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp), *file)
        for item in iter_articles([path]):
            check_item(item)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("fuzz") / "s.db"
    settings = ServeSettings(db=db, write_token="token", tagger="fast", min_confidence=0.0)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.model
@settings(FUZZ, max_examples=300 * SCALE)
@given(body=records)
def test_the_api_answers_every_body_without_a_500(client: TestClient, body: dict) -> None:
    json_type = {"content-type": "application/json"}
    for path, payload, headers in (
        ("/api/extract", body, json_type),
        ("/api/articles", {"articles": [body]}, {**json_type, "Authorization": "Bearer token"}),
    ):
        # surrogatepass: a lone surrogate reaches the server as the raw bytes a client sends
        content = json.dumps(payload, ensure_ascii=False).encode("utf-8", "surrogatepass")
        answer = client.post(path, content=content, headers=headers)
        assert answer.status_code != 500, answer.text
        assert isinstance(answer.json(), dict)
