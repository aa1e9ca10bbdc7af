"""The web app: JSON API under ``/api``, server-rendered pages, static assets, OpenAPI docs.

``create_app`` builds it for one store. Every response carries a strict
Content-Security-Policy (only this app's own scripts, styles and images; no inline
script), request bodies are size-limited, and errors have one shape (``errors.py``).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from swagger_ui_bundle import swagger_ui_path

from saidwhat.serve import errors
from saidwhat.serve.settings import ServeSettings
from saidwhat.serve.stores import StoreAccess
from saidwhat.serve.turns import TurnLock

STATIC = Path(__file__).parent / "static"


#: The environment variable through which ``saidwhat serve --workers N`` hands its settings to
#: the worker processes (``app_from_environment``).
SETTINGS_VARIABLE = "SAIDWHAT_SERVE_SETTINGS"


def app_from_environment() -> FastAPI:
    """The app of the settings in ``$SAIDWHAT_SERVE_SETTINGS`` (a worker's factory)."""
    return create_app(ServeSettings.from_json(os.environ[SETTINGS_VARIABLE]))


def create_app(settings: ServeSettings) -> FastAPI:
    """The app serving the store at ``settings.db``."""
    from saidwhat.serve import api, pages  # imported here: they import this module's names

    stores = StoreAccess(settings.db)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        stores.close()

    app = FastAPI(
        title="saidwhat",
        summary="Who said what, about whom, where and when: statements from news.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    # The Swagger UI that ships in a package here (4.15) reads OpenAPI 3.0 documents only;
    # the schema FastAPI writes is also valid 3.0 for these routes.
    app.openapi_version = "3.0.3"
    app.state.settings = settings
    app.state.stores = stores
    app.state.turns = TurnLock()  # extraction, one piece of text at a time
    errors.install(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    # The more specific mount first: Starlette matches mounts in order.
    app.mount("/static/swagger", StaticFiles(directory=str(swagger_ui_path)), name="swagger")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(_DOCS_PAGE)

    app.add_middleware(_Guard, max_body=settings.max_body_bytes)
    return app


_DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>saidwhat API</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/swagger/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script></body></html>"""


class _Guard:
    """Adds the security headers to every response and refuses bodies over ``max_body``.

    The size is checked on ``Content-Length`` and again while the body streams in,
    so a chunked upload cannot get past it.
    """

    def __init__(self, app: ASGIApp, *, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.max_body:
            await self._too_large(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body:
                raise _BodyTooLarge(self.max_body)
            return message

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = errors.SECURITY_HEADERS.items()
                extra = [(k.lower().encode(), v.encode()) for k, v in headers]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, limited, secured)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = errors.error_response(Request(scope), 413, _BodyTooLarge(self.max_body).detail)
        await self._secured_send(response, scope, receive, send)

    async def _secured_send(
        self, response: Response, scope: Scope, receive: Receive, send: Send
    ) -> None:
        for key, value in errors.SECURITY_HEADERS.items():
            response.headers[key] = value
        await response(scope, receive, send)


class _BodyTooLarge(HTTPException):
    """A streamed request body passed the limit: an HTTP error, so that FastAPI's body
    parsing passes it on (it turns other errors into a 400) and the handlers answer 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than {limit} bytes")
