"""Postings: the linker's indexes as integer keys → items, kept by a store or in memory.

Story and quote matching look candidates up by keys (LSH band keys, exact-words keys,
word-run keys), then verify them against payloads fetched for the candidates only:
an article's MinHash signature, a quote variant's cluster and words. Anything that
answers ``Postings`` can hold the indexes: ``MemoryPostings`` here (tests, small
in-memory indexes), a corpus store (``saidwhat.store.Store``: ``SQLiteStore`` keeps them
in the ``link_keys`` and ``quote_variants`` tables, later PostgreSQL). The keys are computed
here and in ``stories``/``quotes`` only, so every implementation holds the same ones.

Keys are signed 64-bit integers (an SQLite INTEGER, a PostgreSQL BIGINT); a namespace
keeps the kinds of key apart. A collision between two different keys only adds a
candidate, which verification then rejects.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from enum import IntEnum
from typing import Protocol

import numpy as np
from datasketch.lsh import _optimal_param


class Namespace(IntEnum):
    """The kinds of key; stored as integers, so never renumber one."""

    #: LSH band of an article's story signature → article (the store's article rowid).
    STORY_BAND = 1
    #: LSH band of a quote variant's 3-gram MinHash → variant.
    QUOTE_BAND = 2
    #: A variant's normalised words, whole → variant.
    QUOTE_EXACT = 3
    #: Every ``MIN_CONTAINED``-word run of a variant → variant.
    QUOTE_RUN = 4
    #: A variant's first ``MIN_CONTAINED``-word run → variant.
    QUOTE_HEAD = 5


#: ``(namespace, key)`` pairs of one item.
Keys = Sequence[tuple[int, int]]


class Postings(Protocol):
    """Keys → items, and the payloads that verify the items found."""

    def lookup(self, namespace: int, keys: Collection[int]) -> set[int]:
        """The items indexed under any of ``keys`` in ``namespace``."""
        ...

    def story_signatures(self, items: Collection[int]) -> dict[int, bytes]:
        """The stored signature (``signature_bytes``) of each story item."""
        ...

    def quote_variants(self, items: Collection[int]) -> dict[int, tuple[int, str]]:
        """``(cluster id, normalised words joined by spaces)`` of each variant item."""
        ...


def key_of(*parts: bytes) -> int:
    """A signed 64-bit key of ``parts`` (BLAKE2b, each part length-prefixed)."""
    digest = hashlib.blake2b(digest_size=8)
    for part in parts:
        digest.update(len(part).to_bytes(4, "little"))
        digest.update(part)
    return int.from_bytes(digest.digest(), "little", signed=True)


def text_keys(texts: Iterable[str]) -> list[int]:
    """The key of each string."""
    return [key_of(text.encode("utf-8")) for text in texts]


def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """``(bands, rows)`` that datasketch's ``MinHashLSH`` picks for ``threshold`` (equal
    false-positive and false-negative weights)."""
    return _optimal_param(threshold, num_perm, 0.5, 0.5)


def band_keys(hashvalues: np.ndarray, bands: int, rows: int) -> list[int]:
    """One key per LSH band: the band number with the band's hash values, chained through
    the SplitMix64 finaliser (a bijection, vectorised over the bands). Two signatures share
    a band key when ``MinHashLSH`` would put them in one bucket (and, but for a 64-bit
    collision, only then)."""
    values = np.asarray(hashvalues, dtype=np.uint64)[: bands * rows].reshape(bands, rows)
    keys = _mix(np.arange(bands, dtype=np.uint64) + _GOLDEN)
    for column in range(rows):
        keys = _mix(keys ^ values[:, column])
    return keys.view(np.int64).tolist()


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser on each value (uint64 arithmetic wraps modulo 2**64)."""
    x = (x ^ (x >> np.uint64(30))) * _MIX1
    x = (x ^ (x >> np.uint64(27))) * _MIX2
    return x ^ (x >> np.uint64(31))


class MemoryPostings:
    """``Postings`` in dictionaries, with items numbered in the order added."""

    def __init__(self) -> None:
        self._items: dict[tuple[int, int], set[int]] = defaultdict(set)
        self._signatures: dict[int, bytes] = {}
        self._variants: dict[int, tuple[int, str]] = {}

    def add_keys(self, item: int, keys: Keys) -> None:
        for namespace, key in keys:
            self._items[(namespace, key)].add(item)

    def add_story(self, signature: bytes, keys: Keys) -> int:
        """Index a story signature; returns its item."""
        item = len(self._signatures)
        self._signatures[item] = signature
        self.add_keys(item, keys)
        return item

    def add_variant(self, cluster_id: int, words: str, keys: Keys) -> int:
        """Index a quote variant; returns its item."""
        item = len(self._variants)
        self._variants[item] = (cluster_id, words)
        self.add_keys(item, keys)
        return item

    def lookup(self, namespace: int, keys: Collection[int]) -> set[int]:
        found: set[int] = set()
        for key in keys:
            found |= self._items.get((namespace, key), set())
        return found

    def story_signatures(self, items: Collection[int]) -> dict[int, bytes]:
        return {item: self._signatures[item] for item in items}

    def quote_variants(self, items: Collection[int]) -> dict[int, tuple[int, str]]:
        return {item: self._variants[item] for item in items}
