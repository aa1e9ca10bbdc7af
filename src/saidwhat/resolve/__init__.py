"""Resolve: who each source is, and what each statement is about."""

from saidwhat.resolve.speakers import resolve_speakers

__all__ = ["resolve_speakers"]
