"""Extraction requests take turns a piece at a time, within a time budget (serve/turns.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from saidwhat import pipeline
from saidwhat.errors import BudgetError
from saidwhat.model import Document
from saidwhat.serve import ServeSettings, create_app
from saidwhat.serve.turns import TurnLock, budgeted


def test_a_thread_asking_again_queues_behind_one_already_waiting() -> None:
    lock = TurnLock()
    order: list[str] = []
    long_holds = threading.Event()
    short_waits = threading.Event()

    def long_request() -> None:
        for piece in range(3):
            with lock.turn():
                order.append(f"long{piece}")
                if piece == 0:
                    long_holds.set()
                    assert short_waits.wait(5)
                    # let the short request take its ticket before this turn ends
                    while lock._next < 2:
                        pass

    def short_request() -> None:
        assert long_holds.wait(5)
        short_waits.set()
        with lock.turn():
            order.append("short")

    threads = [threading.Thread(target=long_request), threading.Thread(target=short_request)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    # A plain lock lets the releasing thread take it again at once: long0, long1, long2, short.
    assert order == ["long0", "short", "long1", "long2"]


@contextmanager
def _held(lock: TurnLock) -> Iterator[None]:
    """``lock`` held by another thread until the block ends."""
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with lock.turn():
            holding.set()
            assert release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(5)
    try:
        yield
    finally:
        release.set()
        holder.join(5)


def test_a_waiter_that_gives_up_leaves_its_ticket_and_the_queue_goes_on() -> None:
    lock = TurnLock()
    with _held(lock), pytest.raises(TimeoutError), lock.turn(timeout=0.05):
        pass
    with lock.turn(timeout=1):  # the abandoned ticket is skipped, not waited for
        pass


def test_a_request_waiting_past_its_budget_is_told_so() -> None:
    lock = TurnLock()
    gate = budgeted(lock, 0.05)
    with (
        _held(lock),
        pytest.raises(BudgetError, match="after 0 of 100 characters"),
        gate(0, 100),
    ):
        pass


def test_a_piece_is_not_started_after_the_deadline() -> None:
    now = [100.0]
    gate = budgeted(TurnLock(), 30, clock=lambda: now[0])
    with gate(0, 50_000):
        pass
    now[0] = 131.0
    late = gate(20_000, 50_000)
    with pytest.raises(BudgetError, match=r"30 s budget after 20,000 of 50,000 characters"):
        late.__enter__()


@pytest.mark.model
def test_a_long_text_goes_through_the_gate_piece_by_piece() -> None:
    paragraph = "“We will rebuild the bridge by May,” said Ines Okafor, the harbour master."
    text = "\n\n".join([paragraph] * 40)
    seen: list[tuple[int, int]] = []

    def gate(done: int, total: int) -> AbstractContextManager[None]:
        seen.append((done, total))
        return nullcontext()

    whole = pipeline.extract_document(Document(id="d", text=text), tagger="fast")
    pieced = pipeline.extract_document(
        Document(id="d", text=text), tagger="fast", gate=gate, piece_chars=1_000
    )
    assert len(seen) >= 3 and seen[0] == (0, len(text)) and all(t == len(text) for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert [a.content.spans for a in pieced.attributions] == [
        a.content.spans for a in whole.attributions
    ]
    assert [s.name for s in pieced.speakers] == ["Ines Okafor"]


@pytest.mark.model
def test_an_extract_request_out_of_budget_is_a_503_that_says_so(tmp_path: Path) -> None:
    settings = ServeSettings(db=tmp_path / "s.db", write_token="t", extract_seconds=1e-9)
    with TestClient(create_app(settings)) as client:
        response = client.post("/api/extract", json={"text": "“Yes,” she said."})
    assert response.status_code == 503
    assert "ran out of its 1e-09 s budget" in response.json()["error"]["message"]
