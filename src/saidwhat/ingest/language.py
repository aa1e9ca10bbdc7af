"""The language of an article, with py3langid (its model ships inside the package)."""

from __future__ import annotations

import py3langid

#: Below this many characters language identification is unreliable; such texts are
#: taken to be in English, the language the engine reads.
MIN_CHARS = 200
#: Characters looked at: the start of an article tells its language.
SAMPLE_CHARS = 5_000


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text``'s language ("en" for texts too short to tell)."""
    sample = text[:SAMPLE_CHARS]
    if len(sample.strip()) < MIN_CHARS:
        return "en"
    language, _ = py3langid.classify(sample)
    return str(language)


def language_code(value: object) -> str | None:
    """A language tag an input gives ("en", "EN", "en-US", "en_GB") as its ISO 639 code
    ("en"); None for anything else, so that the language is detected instead."""
    if not isinstance(value, str):
        return None
    primary = value.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary.isascii() and primary.isalpha() and len(primary) in (2, 3) else None
