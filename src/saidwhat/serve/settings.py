"""What a server is started with."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from saidwhat.attribute import DEFAULT_TAGGER, TAGGER_NAMES

#: Largest request body accepted (an article to extract or store), in bytes.
MAX_BODY_BYTES = 2_000_000
#: Longest article text the API extracts in one request (about 15,000 words): extraction
#: holds a CPU for about a second per 15,000 characters, and requests wait their turn.
MAX_TEXT_CHARS = 100_000
#: Seconds an extraction request may take, waiting for its turns included.
EXTRACT_SECONDS = 60.0
#: Characters of a piece the server extracts at once: a short request waits at most for
#: one piece of a long one (about a second with the accurate tagger). Most articles are one
#: piece, as in ``saidwhat extract``; in a longer text a speaker named more than
#: ``chunks.CONTEXT_CHARS`` before a piece is not seen from it (the command line's pieces
#: are 50,000 characters).
SERVE_PIECE_CHARS = 10_000
#: Largest page of results an API client may ask for.
MAX_PAGE_SIZE = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class ServeSettings:
    """The store to serve (a path or URL, as ``open_store`` takes), the token that allows
    adding articles (None: read-only) and the attribution tagger that extracts and stores
    articles ("accurate" or "fast")."""

    db: str | Path
    write_token: str | None = None
    max_body_bytes: int = MAX_BODY_BYTES
    tagger: str = DEFAULT_TAGGER
    #: Statements less likely than this to be right are not extracted (None: the default).
    min_confidence: float | None = None
    #: Seconds an extraction request may take (``saidwhat serve --extract-timeout``).
    extract_seconds: float = EXTRACT_SECONDS

    def __post_init__(self) -> None:
        if self.tagger not in TAGGER_NAMES:
            raise ValueError(f"unknown tagger {self.tagger!r}: use {' or '.join(TAGGER_NAMES)}")
        if self.min_confidence is not None and not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError(f"min_confidence {self.min_confidence} is not between 0 and 1")
        if not 0 < self.extract_seconds <= 24 * 3600:
            raise ValueError(f"extract_seconds {self.extract_seconds} is not in (0, 86400]")

    def to_json(self) -> str:
        """The settings as JSON (``from_json`` reads them back)."""
        return json.dumps(asdict(self) | {"db": str(self.db)})

    @classmethod
    def from_json(cls, text: str) -> ServeSettings:
        return cls(**json.loads(text))
