"""What a server is started with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: Largest request body accepted (an article to extract or store), in bytes.
MAX_BODY_BYTES = 2_000_000
#: Longest article text the API extracts in one request (about 15,000 words): extraction
#: holds a CPU for about a second per 15,000 characters, and requests wait their turn.
MAX_TEXT_CHARS = 100_000
#: Largest page of results an API client may ask for.
MAX_PAGE_SIZE = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class ServeSettings:
    """The store to serve, the token that allows adding articles (None: read-only) and the
    attribution tagger that extracts and stores articles ("fast" or "accurate")."""

    db: Path
    write_token: str | None = None
    max_body_bytes: int = MAX_BODY_BYTES
    tagger: str = "fast"

    def __post_init__(self) -> None:
        if self.tagger not in ("fast", "accurate"):
            raise ValueError(f"unknown tagger {self.tagger!r}: use fast or accurate")
