"""Link: the same story, quote and speaker across the articles of a corpus.

Pure functions over plain data, and the postings they look candidates up in
(``postings``): kept by the corpus store, or in memory for small indexes.
"""

from saidwhat.link.names import name_key, role_key, roles_agree, surname_key
from saidwhat.link.postings import MemoryPostings, Namespace, Postings
from saidwhat.link.quotes import (
    MIN_WORDS,
    QuoteIndex,
    find_cluster,
    format_diff,
    quote_keys,
    quote_words,
    word_diff,
)
from saidwhat.link.speakers import (
    KnownSpeaker,
    SpeakerEvidence,
    index_keys,
    link_speaker,
    lookup_keys,
)
from saidwhat.link.stories import (
    StoryIndex,
    find_story,
    normalise_text,
    signature_bytes,
    signature_from_bytes,
    story_keys,
    story_signature,
    text_key,
)

__all__ = [
    "MIN_WORDS",
    "KnownSpeaker",
    "MemoryPostings",
    "Namespace",
    "Postings",
    "QuoteIndex",
    "SpeakerEvidence",
    "StoryIndex",
    "find_cluster",
    "find_story",
    "format_diff",
    "index_keys",
    "link_speaker",
    "lookup_keys",
    "name_key",
    "normalise_text",
    "quote_keys",
    "quote_words",
    "role_key",
    "roles_agree",
    "signature_bytes",
    "signature_from_bytes",
    "story_keys",
    "story_signature",
    "surname_key",
    "text_key",
    "word_diff",
]
