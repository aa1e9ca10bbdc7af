"""The corpus linker: decides, for one extracted article, its story, speakers and quote clusters.

It holds the in-memory indexes (story MinHashes, clustered quotes) rebuilt from the
store when a run starts, asks the store for speaker candidates, and is told what
was committed so the next article sees it. The decisions themselves are the pure
functions of ``stories``, ``quotes`` and ``speakers``.
"""

from __future__ import annotations

from typing import Protocol

from saidwhat.attribute.quotes import find_quotes
from saidwhat.link.quotes import MIN_WORDS, QuoteIndex, quote_words
from saidwhat.link.speakers import (
    KnownSpeaker,
    SpeakerEvidence,
    index_keys,
    link_speaker,
    lookup_keys,
    name_key,
)
from saidwhat.link.stories import (
    StoryIndex,
    signature_bytes,
    signature_from_bytes,
    story_signature,
    text_key,
)
from saidwhat.model import Attribution, Document, LinkedArticle, LinkedQuote, LinkedSpeaker, Speaker

#: Speaker types linked across articles; GROUPs ("officials") and NORPs stay per article.
LINKED_TYPES = frozenset({"PERSON", "ORG", "GPE"})
_PRONOUNS = frozenset(
    {"he", "she", "they", "him", "her", "them", "his", "hers", "their", "it", "its", "i", "we"}
)
_NAME_PARTICLES = frozenset(
    {"de", "da", "van", "von", "der", "bin", "al", "la", "le", "del", "of", "for", "and", "the"}
)


class LinkerStore(Protocol):
    """What the linker needs from a store."""

    def story_signatures(self) -> object: ...
    def cluster_quotes(self) -> object: ...
    def speaker_candidates(self, keys: frozenset[str]) -> list[KnownSpeaker]: ...


class CorpusLinker:
    """Links articles to what the store already holds; call ``committed`` after each write."""

    def __init__(self, store: LinkerStore) -> None:
        self.store = store
        self.stories = StoryIndex()
        self._story_of: dict[str, str] = {}
        for article_id, story_id, signature in store.story_signatures():
            self.stories.add(article_id, signature_from_bytes(signature))
            self._story_of[article_id] = story_id
        self.quotes = QuoteIndex()
        for cluster_id, text in store.cluster_quotes():
            self.quotes.add(cluster_id, text)

    def link(self, document: Document, *, attributed: bool = True) -> LinkedArticle:
        """The article's identity, story, speakers and quote clusters, ready for the store."""
        key = text_key(document.text)
        signature = story_signature(document.text)
        similar = self.stories.find(signature)
        article_id = key[:16]
        names = {name_key(s.name, s.type) for s in document.speakers}
        names |= {name_key(e.name, e.type) for a in document.attributions for e in a.about}
        return LinkedArticle(
            id=article_id,
            text_key=key,
            signature=signature_bytes(signature),
            story_id=self._story_of.get(similar, article_id) if similar else article_id,
            document=document,
            attributed=attributed,
            speakers=[
                self._link_speaker(s, frozenset(names - {name_key(s.name, s.type)}))
                for s in document.speakers
                if s.type in LINKED_TYPES
            ],
            quotes=[self._link_quote(a) for a in document.attributions],
            about_keys=[[name_key(e.name, e.type) for e in a.about] for a in document.attributions],
        )

    def committed(self, linked: LinkedArticle, new_clusters: dict[int, int]) -> None:
        """Add a stored article to the indexes (``new_clusters``: attribution index → cluster)."""
        self.stories.add(linked.id, signature_from_bytes(linked.signature))
        self._story_of[linked.id] = linked.story_id
        for index, quote in enumerate(linked.quotes):
            if quote is not None:
                cluster_id = (
                    quote.cluster_id if quote.cluster_id is not None else new_clusters[index]
                )
                self.quotes.add(cluster_id, quote.text)

    def _link_speaker(self, speaker: Speaker, context: frozenset[str]) -> LinkedSpeaker:
        evidence = SpeakerEvidence(
            name=speaker.name,
            type=speaker.type,
            roles=frozenset(speaker.roles),
            context=context,
        )
        corpus_id = link_speaker(evidence, self.store.speaker_candidates(lookup_keys(evidence)))
        # The resolver's name is always an alias; mentions count when they read as names.
        names = dict.fromkeys(
            [speaker.name, *(m.text for m in speaker.mentions if _is_name(m.text))]
        )
        aliases = tuple(names)
        record = KnownSpeaker(0, speaker.name, speaker.type, set(aliases), set(), set())
        return LinkedSpeaker(
            speaker=speaker,
            corpus_id=corpus_id,
            keys=frozenset(index_keys(record)),
            context=context,
            aliases=aliases,
        )

    def _link_quote(self, attribution: Attribution) -> LinkedQuote | None:
        text = quoted_words(attribution)
        if text is None:
            return None
        return LinkedQuote(text=text, cluster_id=self.quotes.find(text))


def quoted_words(attribution: Attribution) -> str | None:
    """The words an attribution quotes, long enough to cluster; None for paraphrase.

    A mixed statement's longest quotation counts; a direct one counts whole.
    """
    if attribution.kind == "indirect":
        return None
    text = attribution.content.text
    inner = [text[q.inner_start : q.inner_end] for q in find_quotes(text) if q.closed]
    if inner:
        text = max(inner, key=len)
    elif attribution.kind != "direct":
        return None
    return text.strip().rstrip(",;:") if len(quote_words(text)) >= MIN_WORDS else None


def _is_name(text: str) -> bool:
    """Whether a mention reads as a name ("Blinken"), not "he" or "the minister"."""
    words = text.replace("’s", "").replace("'s", "").split()
    if not words or len(words) > 6 or text.casefold() in _PRONOUNS:
        return False
    capitalised = all(w[0].isupper() or w.casefold() in _NAME_PARTICLES for w in words)
    return capitalised and words[0].casefold() not in {"the", "a", "an"}
