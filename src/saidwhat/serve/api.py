"""The JSON API under ``/api``: thin routes over the store and the extractor."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from saidwhat.store import SQLiteStore

router = APIRouter(prefix="/api", tags=["api"])


def reader(request: Request) -> SQLiteStore:
    """This thread's read-only store."""
    return request.app.state.stores.reader()


@router.get("/stats")
def stats(request: Request) -> dict[str, Any]:
    """Counts of what the store holds."""
    return reader(request).stats()
