"""Publication dates as ISO 8601: a date, or a UTC date and time."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

_DATE_TIME = "%Y-%m-%dT%H:%M:%SZ"


def iso_date(value: object) -> str | None:
    """``value`` as ``YYYY-MM-DD``, or ``YYYY-MM-DDTHH:MM:SSZ`` when it has a time; else None.

    Reads ISO 8601 (``2025-03-14``, ``2025-03-14T20:30:26+01:00``, ``2025-03-14 20:30:26Z``)
    and RFC 2822 (``Fri, 14 Mar 2025 20:30:26 +0100``, as in RSS). Times are converted to
    UTC; a time without a zone is taken to be UTC. Anything else is None.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    for parse in (datetime.fromisoformat, parsedate_to_datetime):
        try:
            return _utc(parse(text))
        except (ValueError, TypeError, IndexError, OverflowError):
            continue
    return None


def iso_from_struct(value: time.struct_time | None) -> str | None:
    """A UTC ``time.struct_time`` (as feedparser gives) as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return time.strftime(_DATE_TIME, value) if value is not None else None


def _utc(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime(_DATE_TIME)
