"""Link: the same story, quote and speaker across the articles of a corpus.

Pure functions and small in-memory indexes over plain data; the corpus store (and a
batch engine) calls them and keeps the results.
"""

from saidwhat.link.names import name_key, role_key, roles_agree, surname_key
from saidwhat.link.quotes import MIN_WORDS, QuoteIndex, format_diff, quote_words, word_diff
from saidwhat.link.speakers import (
    KnownSpeaker,
    SpeakerEvidence,
    index_keys,
    link_speaker,
    lookup_keys,
)
from saidwhat.link.stories import (
    StoryIndex,
    normalise_text,
    signature_bytes,
    signature_from_bytes,
    story_signature,
    text_key,
)

__all__ = [
    "MIN_WORDS",
    "KnownSpeaker",
    "QuoteIndex",
    "SpeakerEvidence",
    "StoryIndex",
    "format_diff",
    "index_keys",
    "link_speaker",
    "lookup_keys",
    "name_key",
    "normalise_text",
    "quote_words",
    "role_key",
    "roles_agree",
    "signature_bytes",
    "signature_from_bytes",
    "story_signature",
    "surname_key",
    "text_key",
    "word_diff",
]
