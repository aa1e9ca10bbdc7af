"""The same quoted words across articles: clusters of one quotation's variants.

Outlets quote one sentence differently: other quote marks and casing, a word changed,
the quote cut short, or joined with the next sentence. ``QuoteIndex.find`` matches a
quote to a cluster by a cascade, the first stage with a match deciding:

1. exact: the same normalised words;
2. near: one or two words changed; candidates from MinHash LSH over word 3-grams,
   verified by the ``difflib`` ratio of the word lists;
3. contained: one quote is a contiguous run of the other's words (truncated, or
   joined with more text), the shorter having at least ``MIN_CONTAINED`` words.

Within a stage the best-scoring cluster wins, ties going to the lowest cluster id.
Quotes under ``MIN_WORDS`` words are never clustered: short phrases ("no comment",
"fake news") recur across unrelated stories.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from difflib import SequenceMatcher
from typing import Literal

from datasketch import MinHashLSH

from saidwhat.link.stories import minhash_of, normalise_text, shingles

#: Fewest words of a quote that is clustered at all.
MIN_WORDS = 5
#: Fewest words of the shorter quote in a containment match (truncated or joined): a run of
#: five words inside a longer quote is too often a stock phrase ("at the end of the day").
MIN_CONTAINED = 6
#: Lowest ``SequenceMatcher.ratio`` (2 * matching words / total words) of a near match. One
#: word changed in a 5-word quote gives 0.8, two in a 10-word quote 0.8, one in 20 words 0.95;
#: two different quotes sharing a long opening ("We will not back down, and we will ...")
#: stay below (0.57 in the tests). Lower would join stock openings with different endings.
NEAR_RATIO = 0.8
#: Word 3-grams padded with two boundary marks at each end, so that a 5-word quote with one
#: word changed still shares 4 of 10 grams (Jaccard 0.4) instead of none.
_GRAM = 3
_PAD = ("\x02", "\x02")
_END = ("\x03", "\x03")
#: LSH over the grams: 256 permutations at threshold 0.25 (datasketch picks 64 bands of 3)
#: make a pair at Jaccard 0.33 (two words changed in ten) a candidate with probability ~0.9,
#: and one at 0.4 (one word in five) with ~0.98, while pairs sharing one gram of ten (Jaccard
#: ~0.1) are candidates ~6% of the time. Candidates are only verified, so recall matters most.
_NUM_PERM = 256
_LSH_THRESHOLD = 0.25

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+(?:'[^\W_]+)*")

Op = Literal["equal", "delete", "insert"]
Words = tuple[str, ...]


def quote_words(text: str) -> list[str]:
    """The normalised words of a quote: case-folded, quote marks, punctuation and dashes
    dropped (hyphenated words split), apostrophes unified, numbers kept ("1,000" = "1000")."""
    return [w.replace(",", "") for w in _TOKEN.findall(normalise_text(text))]


def _grams(words: Sequence[str]) -> set[str]:
    return shingles([*_PAD, *words, *_END], _GRAM)


def _runs(words: Words, size: int) -> Iterator[Words]:
    for i in range(len(words) - size + 1):
        yield words[i : i + size]


def _contains(longer: Words, shorter: Words) -> bool:
    return any(run == shorter for run in _runs(longer, len(shorter)))


class QuoteIndex:
    """Quote clusters, each with one or more variants (texts), to find a quote's cluster."""

    def __init__(self) -> None:
        #: variant number -> (cluster id, words)
        self._variants: list[tuple[int, Words]] = []
        self._seen: set[tuple[int, Words]] = set()
        self._exact: dict[Words, int] = {}
        self._lsh = MinHashLSH(threshold=_LSH_THRESHOLD, num_perm=_NUM_PERM)
        #: every MIN_CONTAINED-word run of a variant -> variant numbers (query inside a variant)
        self._runs: dict[Words, set[int]] = defaultdict(set)
        #: first MIN_CONTAINED-word run of a variant -> variant numbers (a variant inside query)
        self._heads: dict[Words, set[int]] = defaultdict(set)

    def add(self, cluster_id: int, text: str) -> None:
        """Add ``text`` as a variant of cluster ``cluster_id`` (ignored under MIN_WORDS words)."""
        words = tuple(quote_words(text))
        if len(words) < MIN_WORDS or (cluster_id, words) in self._seen:
            return
        number = len(self._variants)
        self._variants.append((cluster_id, words))
        self._seen.add((cluster_id, words))
        self._exact.setdefault(words, cluster_id)
        self._lsh.insert(number, minhash_of(_grams(words), _NUM_PERM))
        if len(words) >= MIN_CONTAINED:
            for run in _runs(words, MIN_CONTAINED):
                self._runs[run].add(number)
            self._heads[words[:MIN_CONTAINED]].add(number)

    def find(self, text: str) -> int | None:
        """The cluster whose quote is the same quoted words as ``text``, else None."""
        words = tuple(quote_words(text))
        if len(words) < MIN_WORDS:
            return None
        if words in self._exact:
            return self._exact[words]
        near = self._near(words)
        return near if near is not None else self._contained(words)

    def _near(self, words: Words) -> int | None:
        candidates = self._lsh.query(minhash_of(_grams(words), _NUM_PERM))
        scores: dict[int, float] = {}
        for number in candidates:
            cluster, variant = self._variants[number]
            ratio = SequenceMatcher(None, words, variant, autojunk=False).ratio()
            if ratio >= NEAR_RATIO:
                scores[cluster] = max(ratio, scores.get(cluster, 0.0))
        return _best(scores)

    def _contained(self, words: Words) -> int | None:
        if len(words) < MIN_CONTAINED:
            return None
        numbers = set(self._runs.get(words[:MIN_CONTAINED], ()))
        for run in _runs(words, MIN_CONTAINED):
            numbers |= self._heads.get(run, set())
        scores: dict[int, float] = {}
        for number in numbers:
            cluster, variant = self._variants[number]
            longer, shorter = (words, variant) if len(words) >= len(variant) else (variant, words)
            if _contains(longer, shorter):
                coverage = len(shorter) / len(longer)
                scores[cluster] = max(coverage, scores.get(cluster, 0.0))
        return _best(scores)

    def __len__(self) -> int:
        """The number of variants indexed."""
        return len(self._variants)


def _best(scores: dict[int, float]) -> int | None:
    """The cluster with the highest score, the lowest id among equals; None for none."""
    if not scores:
        return None
    return min(scores, key=lambda cluster: (-scores[cluster], cluster))


def word_diff(base: str, variant: str) -> list[tuple[Op, str]]:
    """A word-level diff of two quotes: ("equal" | "delete" | "insert", text) pieces.

    Words are compared normalised (case, quote marks, punctuation) but the pieces keep
    the original words: equal and deleted text from ``base``, inserted text from
    ``variant``. A replacement is a delete followed by an insert.
    """
    old, new = base.split(), variant.split()
    matcher = SequenceMatcher(None, _keys(old), _keys(new), autojunk=False)
    pieces: list[tuple[Op, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(("equal", " ".join(old[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("delete", " ".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(("insert", " ".join(new[j1:j2])))
    return pieces


def _keys(tokens: list[str]) -> list[str]:
    return [" ".join(quote_words(token)) for token in tokens]


def format_diff(pieces: Sequence[tuple[str, str]]) -> str:
    """A diff as one line, like ``git diff --word-diff``: ``[-old-]{+new+}``."""
    out: list[str] = []
    previous = None
    for op, text in pieces:
        if op == "delete":
            piece = f"[-{text}-]"
        elif op == "insert":
            piece = f"{{+{text}+}}"
        elif op == "equal":
            piece = text
        else:
            raise ValueError(f"unknown diff op {op!r}: expected equal, delete or insert")
        if out and not (previous == "delete" and op == "insert"):
            out.append(" ")
        out.append(piece)
        previous = op
    return "".join(out)
