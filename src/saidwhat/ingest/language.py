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
