"""One error shape for every route: ``{"error": {"status": 404, "message": "..."}}``.

API routes answer JSON; pages answer a small HTML page with the same message.
Unexpected errors are logged and answered "internal error", never with a trace.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from saidwhat.errors import (
    BudgetError,
    InputError,
    ModelError,
    NotFoundError,
    SaidwhatError,
    StoreError,
    TooLargeError,
)

logger = logging.getLogger(__name__)

#: Status codes for saidwhat's own errors; the first matching class wins.
STATUS = (
    (TooLargeError, 413),
    (InputError, 400),
    (NotFoundError, 404),
    (StoreError, 503),
    (ModelError, 503),
    (BudgetError, 503),
)
#: Sent with every response (``app.py`` adds them; 500s get them here).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def error_response(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
        return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)
    # Imported here: pages need the templates, the API does not.
    from saidwhat.serve.pages import render_error

    return render_error(request, status, message)


def install(app: FastAPI) -> None:
    """Register the handlers that map every error to the one shape."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        response = error_response(request, exc.status_code, str(exc.detail))
        response.headers.update(exc.headers or {})  # e.g. WWW-Authenticate on a 401
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:]) or 'body'}: {e['msg']}" for e in exc.errors()
        )
        return error_response(request, 422, problems or "invalid request")

    @app.exception_handler(SaidwhatError)
    async def refused(request: Request, exc: SaidwhatError) -> Response:
        status = next((code for cls, code in STATUS if isinstance(exc, cls)), 500)
        return error_response(request, status, str(exc))

    @app.exception_handler(Exception)
    async def failed(request: Request, exc: Exception) -> Response:
        logger.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        response = error_response(request, 500, "internal error")
        # This handler runs outside the app's middleware, so it adds the headers itself.
        response.headers.update(SECURITY_HEADERS)
        return response
