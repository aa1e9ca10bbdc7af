"""Server-rendered pages: search, speaker, article, quote cluster, paste."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def render_error(request: Request, status: int, message: str) -> Response:
    """The HTML error page (the message is escaped like everything else)."""
    return templates.TemplateResponse(
        request, "error.html", {"status": status, "message": message}, status_code=status
    )


@router.get("/", response_class=HTMLResponse)
def search(request: Request) -> Response:
    return templates.TemplateResponse(request, "search.html", {})
