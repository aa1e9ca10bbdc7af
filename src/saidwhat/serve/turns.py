"""Extraction requests take turns, a piece of text at a time, within a time budget.

The spaCy pipeline is shared by the server's threads and parsing is CPU-bound, so one
piece is parsed at a time. Turns are first come, first served *per piece*
(``TurnLock``): a long text goes through piece by piece, and a short request that
arrives meanwhile waits for one piece, not for the whole text. Each request has a
deadline; a piece is not started after it (``BudgetError``: the answer says so).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from saidwhat.errors import BudgetError


class TurnLock:
    """A lock served in the order it was asked for (a ticket lock): a thread that releases
    it and asks again queues behind the threads already waiting. A thread that gives up
    waiting (``timeout``) leaves its ticket, and the queue skips it."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._next = 0
        self._serving = 0
        self._abandoned: set[int] = set()

    @contextmanager
    def turn(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the lock in turn; ``TimeoutError`` after ``timeout`` seconds of waiting."""
        with self._changed:
            ticket = self._next
            self._next += 1
            if not self._changed.wait_for(lambda: ticket == self._serving, timeout):
                self._abandoned.add(ticket)
                raise TimeoutError(f"no turn within {timeout} s")
        try:
            yield
        finally:
            with self._changed:
                self._serving += 1
                while self._serving in self._abandoned:
                    self._abandoned.remove(self._serving)
                    self._serving += 1
                self._changed.notify_all()


def budgeted(
    lock: TurnLock, seconds: float, clock: Callable[[], float] = time.monotonic
) -> Callable[[int, int], AbstractContextManager[None]]:
    """A gate for ``pipeline.extract_document``: each piece waits its turn and is started
    only while the ``seconds`` given to the whole request (waiting included) last."""
    deadline = clock() + seconds

    def out_of_time(done: int, total: int) -> BudgetError:
        return BudgetError(
            f"the extraction ran out of its {seconds:g} s budget after {done:,} of "
            f"{total:,} characters: the server is busy or the text is long "
            "(try again, or use saidwhat extract)"
        )

    @contextmanager
    def gate(done: int, total: int) -> Iterator[None]:
        try:
            turn = lock.turn(timeout=max(deadline - clock(), 0.0))
            turn.__enter__()
        except TimeoutError:
            raise out_of_time(done, total) from None
        try:
            if clock() > deadline:
                raise out_of_time(done, total)
            yield
        finally:
            turn.__exit__(None, None, None)

    return gate
