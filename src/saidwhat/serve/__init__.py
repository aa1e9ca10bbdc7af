"""Serve a store over HTTP: the JSON API and the web pages (``saidwhat serve``)."""

from saidwhat.serve.app import create_app
from saidwhat.serve.settings import MAX_BODY_BYTES, MAX_PAGE_SIZE, ServeSettings

__all__ = ["MAX_BODY_BYTES", "MAX_PAGE_SIZE", "ServeSettings", "create_app"]
