"""The corpus linker: decides, for one extracted article, its story, speakers and quote clusters.

It holds no per-article state: the indexes (story LSH bands, quote variant keys) are
postings the store keeps (``saidwhat.link.postings``), looked up per article, and the
keys of a new article and of its new quote variants travel in the ``LinkedArticle``
so the store writes them in the article's own transaction. Memory stays flat in the
corpus size. The decisions themselves are the pure functions of ``stories``,
``quotes`` and ``speakers``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from saidwhat.attribute.quotes import find_quotes
from saidwhat.link.postings import Postings
from saidwhat.link.quotes import MIN_WORDS, QuoteKeys, find_cluster, quote_keys, quote_words
from saidwhat.link.speakers import (
    KnownSpeaker,
    SpeakerEvidence,
    index_keys,
    link_speaker,
    lookup_keys,
    name_key,
)
from saidwhat.link.stories import (
    find_story,
    signature_bytes,
    story_keys,
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


@dataclass(frozen=True, slots=True)
class QuoteWords:
    """The words an attribution quotes, normalised, with their lookup keys."""

    text: str
    words: tuple[str, ...]
    keys: QuoteKeys


@dataclass(frozen=True, slots=True)
class LinkKeys:
    """What linking computes from the article alone, before it reads the store: its text
    key, story signature and band keys, and each attribution's quoted words and keys.
    A pure function of the article (``link_keys``), so extraction workers compute it
    (``Document.link_keys``) and the one writer only looks up and decides."""

    text_key: str
    #: A digest of the text as given (``text_digest``): cheaper than ``text_key`` to check
    #: that the keys are this text's.
    text_digest: bytes
    signature: bytes
    story_keys: tuple[tuple[int, int], ...]
    #: Per attribution, in order: its quoted words, or None when it quotes none to cluster.
    quotes: tuple[QuoteWords | None, ...]


def link_keys(document: Document) -> LinkKeys:
    """The article's ``LinkKeys``."""
    signature = story_signature(document.text)
    quotes = []
    for attribution in document.attributions:
        text = quoted_words(attribution)
        if text is None:
            quotes.append(None)
            continue
        words = tuple(quote_words(text))
        quotes.append(QuoteWords(text, words, quote_keys(words)))
    return LinkKeys(
        text_key=text_key(document.text),
        text_digest=text_digest(document.text),
        signature=signature_bytes(signature),
        story_keys=tuple(story_keys(signature)),
        quotes=tuple(quotes),
    )


def text_digest(text: str) -> bytes:
    """A 128-bit BLAKE2b digest of ``text`` exactly as given."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def lookups(*articles: LinkKeys) -> dict[int, list[int]]:
    """The keys linking articles with these ``LinkKeys`` may look up (their stories',
    ``find_story``, and their quotes', ``find_cluster``), by namespace."""
    wanted: dict[int, list[int]] = {}
    for keys in articles:
        for namespace, key in keys.story_keys:
            wanted.setdefault(namespace, []).append(key)
        for quote in keys.quotes:
            if quote is not None:
                for namespace, some in quote.keys.lookups().items():
                    wanted.setdefault(namespace, []).extend(some)
    return wanted


def with_link_keys(document: Document) -> Document:
    """``document`` carrying its ``LinkKeys`` (as extraction workers hand it back)."""
    return replace(document, link_keys=link_keys(document))


class LinkerStore(Postings, Protocol):
    """What the linker needs from a store: the postings, and speakers."""

    def prefetch(self, keys: Mapping[int, Collection[int]]) -> None: ...
    def story_of(self, item: int) -> str: ...
    def speaker_candidates(
        self, keys: frozenset[str], *, context: frozenset[str] | None = None
    ) -> list[KnownSpeaker]: ...


class CorpusLinker:
    """Links articles to what the store already holds (no state of its own: the store's
    postings include every article it has committed, by any process)."""

    def __init__(self, store: LinkerStore) -> None:
        self.store = store

    def prefetch(self, documents: Iterable[Document]) -> None:
        """Tell the store what linking ``documents`` (a write batch, inside
        ``Store.writing``) will look up, so it can read the postings in one pass."""
        keys = [d.link_keys for d in documents if isinstance(d.link_keys, LinkKeys)]
        self.store.prefetch(lookups(*keys))

    def link(self, document: Document, *, attributed: bool = True) -> LinkedArticle:
        """The article's identity, story, speakers and quote clusters, ready for the store
        (from ``document.link_keys`` when it carries them for its text)."""
        keys = document.link_keys
        if not isinstance(keys, LinkKeys) or keys.text_digest != text_digest(document.text):
            keys = link_keys(document)
        key = keys.text_key
        similar = find_story(self.store, keys.signature, keys=keys.story_keys)
        article_id = key[:16]
        names = {name_key(s.name, s.type) for s in document.speakers}
        names |= {name_key(e.name, e.type) for a in document.attributions for e in a.about}
        return LinkedArticle(
            id=article_id,
            text_key=key,
            signature=keys.signature,
            story_id=self.store.story_of(similar) if similar is not None else article_id,
            document=document,
            attributed=attributed,
            story_keys=list(keys.story_keys),
            speakers=[
                self._link_speaker(s, frozenset(names - {name_key(s.name, s.type)}))
                for s in document.speakers
                if s.type in LINKED_TYPES
            ],
            quotes=self._link_quotes(keys.quotes),
            about_keys=[[name_key(e.name, e.type) for e in a.about] for a in document.attributions],
        )

    def _link_speaker(self, speaker: Speaker, context: frozenset[str]) -> LinkedSpeaker:
        evidence = SpeakerEvidence(
            name=speaker.name,
            type=speaker.type,
            roles=frozenset(speaker.roles),
            context=context,
        )
        # only the context names this article has matter (``link_speaker`` asks whether
        # they meet), so a much-quoted speaker's thousands of others are not read
        candidates = self.store.speaker_candidates(lookup_keys(evidence), context=context)
        corpus_id = link_speaker(evidence, candidates)
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

    def _link_quotes(self, quotes: tuple[QuoteWords | None, ...]) -> list[LinkedQuote | None]:
        """Each attribution's quote and cluster; attributions of the article quoting the same
        new words share one new cluster."""
        linked: list[LinkedQuote | None] = []
        opened: dict[tuple[str, ...], int] = {}
        for index, quote in enumerate(quotes):
            if quote is None:
                linked.append(None)
                continue
            cluster_id = find_cluster(self.store, quote.words, quote.keys)
            same_as = opened.setdefault(quote.words, index) if cluster_id is None else index
            linked.append(
                LinkedQuote(
                    text=quote.text,
                    cluster_id=cluster_id,
                    words=" ".join(quote.words),
                    keys=tuple(quote.keys.postings()),
                    same_as=same_as if same_as != index else None,
                )
            )
        return linked


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
