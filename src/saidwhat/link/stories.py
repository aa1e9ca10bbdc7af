"""Near-duplicate articles across the corpus: the same story republished.

Wire copies differ from the original by a headline, a dateline, boilerplate lines
("Reporting by ...", "Sign up for ...") and a few edited words. Two steps find them:

1. ``text_key``: an exact key over the normalised text (quotes, dashes, case and
   whitespace unified), for byte-different but textually identical copies;
2. ``story_signature`` and ``find_story``: a MinHash over word shingles, its LSH band
   keys (``story_keys``) for candidates from ``Postings`` (the store, or ``StoryIndex`` in
   memory) and the estimated Jaccard similarity to verify them.

Everything here is pure and picklable, so a store or a Dask engine can call it.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np
from datasketch import MinHash

from saidwhat.link.postings import (
    MemoryPostings,
    Namespace,
    Postings,
    band_keys,
    lsh_params,
)

#: Permutations of a story signature. 128 gives a Jaccard estimate with a standard error of
#: about 0.04 (sqrt(J(1-J)/128)), small against the gap between a wire copy and another story
#: on the same topic (below), and keeps a stored signature at 1 KiB.
NUM_PERM = 128
#: Seed and permutation scheme of every signature; stored signatures are only comparable
#: with signatures made with the same values. "affine64" stores 64-bit hash values.
SEED = 1
SCHEME = "affine64"
#: Words per shingle. Four-word shingles are rare enough that two different stories on one
#: topic share few (a shared phrase like "Union leader Clara Mendes said" is a couple of
#: shingles), while an edited word removes only four shingles of a wire copy. Tuned on the
#: test articles: Jaccard of wire copy / same-topic story 0.69 / 0.08 with 3 words, 0.68 /
#: 0.06 with 4, 0.66 / 0.05 with 5; 4 keeps the copy high and the other story low.
SHINGLE_WORDS = 4
#: Estimated Jaccard similarity at or above which two articles are one story. A ~170-word
#: wire copy with another headline, dateline and boilerplate lines and two edited words has
#: a true Jaccard of 0.68 (estimates over 60 seeds: mean 0.68, sd 0.04, min 0.57); another
#: story on the same topic by the same outlet, with the same boilerplate, 0.06. Longer
#: articles score higher, since the differing lines are a smaller part. 0.5 leaves about
#: four standard errors to the copy and room for a shared background paragraph (a 40-word
#: paragraph reused in a 150-word story is ~0.2) below.
STORY_THRESHOLD = 0.5
#: LSH is a filter with about 50% recall at its own threshold, so it is built lower than the
#: verification threshold: pairs at the threshold are then near-certain candidates.
_LSH_SLACK = 0.8

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2026": "...",
    }
)
_WORD = re.compile(r"\w+")


def normalise_text(text: str) -> str:
    """``text`` in NFKC, case-folded, with one kind of quote, apostrophe and dash, and
    whitespace collapsed to single spaces."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_QUOTES)
    return " ".join(folded.split())


def text_key(text: str) -> str:
    """The SHA-256 hex digest of the normalised text: equal for exact duplicates."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def shingles(words: Sequence[str], size: int) -> set[str]:
    """The runs of ``size`` consecutive words, each joined by a space; one run of all the
    words when there are fewer (none for no words)."""
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def minhash_of(items: Iterable[str], num_perm: int = NUM_PERM) -> MinHash:
    """A MinHash of the strings ``items`` with the module's seed and scheme."""
    m = MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME, permutations=_permutations(num_perm))
    m.update_batch([item.encode("utf-8") for item in items])
    return m


@functools.cache
def _permutations(num_perm: int) -> np.ndarray:
    """The permutations of the module's seed and scheme (drawn once, not per MinHash)."""
    permutations = MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations
    permutations.flags.writeable = False
    return permutations


def story_signature(text: str) -> MinHash:
    """The MinHash of an article's word shingles (punctuation ignored)."""
    words = _WORD.findall(normalise_text(text))
    return minhash_of(shingles(words, SHINGLE_WORDS))


def signature_bytes(m: MinHash) -> bytes:
    """A signature for storage: its hash values as little-endian uint64."""
    return np.asarray(m.hashvalues, dtype="<u8").tobytes()


def signature_from_bytes(data: bytes) -> MinHash:
    """The signature ``signature_bytes`` stored."""
    values = _signature_values(data).astype(np.uint64)
    return MinHash(
        seed=SEED, scheme=SCHEME, hashvalues=values, permutations=_permutations(NUM_PERM)
    )


def _signature_values(data: bytes) -> np.ndarray:
    if len(data) != NUM_PERM * 8:
        raise ValueError(f"a story signature has {NUM_PERM * 8} bytes, got {len(data)}")
    return np.frombuffer(data, dtype="<u8")


#: LSH ``(bands, rows)`` of the story keys: those datasketch's ``MinHashLSH`` picks at
#: ``STORY_THRESHOLD * _LSH_SLACK``. Stored keys are only comparable with keys made with the same
#: values: changing them (or ``NUM_PERM``, ``SEED``) needs the store's keys rebuilt.
STORY_BANDS, STORY_ROWS = lsh_params(STORY_THRESHOLD * _LSH_SLACK, NUM_PERM)


def story_keys(signature: MinHash, threshold: float = STORY_THRESHOLD) -> list[tuple[int, int]]:
    """The ``(namespace, key)`` postings of a story signature: its LSH band keys (none for an
    empty signature, from an article without words, which is never matched)."""
    if signature.is_empty():
        return []
    bands, rows = (
        (STORY_BANDS, STORY_ROWS)
        if threshold == STORY_THRESHOLD
        else lsh_params(threshold * _LSH_SLACK, NUM_PERM)
    )
    return [(Namespace.STORY_BAND, key) for key in band_keys(signature.hashvalues, bands, rows)]


def find_story(
    postings: Postings,
    signature: MinHash | bytes,
    threshold: float = STORY_THRESHOLD,
    *,
    keys: Iterable[tuple[int, int]] | None = None,
) -> int | None:
    """The item of the most similar indexed story with an estimated Jaccard similarity of at
    least ``threshold``, else None; ties go to the lowest item (the story added first).
    ``keys``: the signature's ``story_keys`` at ``threshold``, when already computed (then
    ``signature`` may be its ``signature_bytes``)."""
    if keys is None:
        if isinstance(signature, bytes):
            signature = signature_from_bytes(signature)
        keys = story_keys(signature, threshold)
    keys = [key for _, key in keys]
    if not keys:
        return None
    candidates = postings.lookup(Namespace.STORY_BAND, keys)
    if not candidates:
        return None
    best: tuple[float, int, int] | None = None
    if isinstance(signature, bytes):
        values = _signature_values(signature)
    else:
        values = np.asarray(signature.hashvalues, dtype=np.uint64)
    for item, data in postings.story_signatures(candidates).items():
        # MinHash.jaccard, without making a MinHash of each candidate
        score = float(np.count_nonzero(values == _signature_values(data))) / len(values)
        if score >= threshold and (best is None or (score, -item) > best[:2]):
            best = (score, -item, item)
    return best[2] if best else None


class StoryIndex:
    """Story signatures in memory (``MemoryPostings``), to find the story an article repeats.

    ``add`` keeps a signature under a unique key (an empty signature, from an article
    without words, is not indexed); ``find`` returns the key of the most similar stored
    article with an estimated Jaccard similarity of at least ``threshold``.
    """

    def __init__(self, threshold: float = STORY_THRESHOLD) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        self.threshold = threshold
        self.postings = MemoryPostings()
        #: key of each item, in the order added (the order breaks ties deterministically).
        self._keys: list[str] = []
        self._known: set[str] = set()

    def add(self, key: str, signature: MinHash) -> None:
        """Index ``signature`` under ``key``; a key may be added once."""
        if key in self._known:
            raise ValueError(f"story key {key!r} is already in the index")
        if signature.is_empty():
            return
        self.postings.add_story(signature_bytes(signature), story_keys(signature, self.threshold))
        self._keys.append(key)
        self._known.add(key)

    def find(self, signature: MinHash) -> str | None:
        """The key of the most similar indexed story at or above the threshold, else None
        (ties go to the story added first)."""
        item = find_story(self.postings, signature, self.threshold)
        return self._keys[item] if item is not None else None

    def __len__(self) -> int:
        return len(self._keys)
