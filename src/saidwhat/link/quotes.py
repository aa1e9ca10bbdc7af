"""The same quoted words across articles: clusters of one quotation's variants.

Outlets quote one sentence differently: other quote marks and casing, a word changed,
the quote cut short, or joined with the next sentence. ``find_cluster`` matches a
quote to a cluster among the variants held by ``Postings`` (the store, or ``QuoteIndex``
in memory), looking candidates up by the variant keys of ``quote_keys``, by a cascade,
the first stage with a match deciding:

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
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Literal

from saidwhat.link.postings import (
    MemoryPostings,
    Namespace,
    Postings,
    band_keys,
    lsh_params,
    text_keys,
)
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
#: (Fewer bands would write fewer postings: 20 of 2 over 40 permutations keep that recall,
#: but their keys are shared far more widely, and at 300,000 statements a lookup met 13
#: times as many candidates: 177 on average against 14.)
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


#: LSH ``(bands, rows)`` of the quote keys, as datasketch's ``MinHashLSH`` picks them.
QUOTE_BANDS, QUOTE_ROWS = lsh_params(_LSH_THRESHOLD, _NUM_PERM)


@dataclass(frozen=True, slots=True)
class QuoteKeys:
    """The lookup keys of a quote's normalised words (``quote_keys``)."""

    exact: int
    bands: tuple[int, ...]
    #: Every ``MIN_CONTAINED``-word run, and the first (none under ``MIN_CONTAINED`` words).
    runs: tuple[int, ...]
    head: int | None

    def postings(self) -> list[tuple[int, int]]:
        """The ``(namespace, key)`` pairs under which a variant with these words is indexed."""
        band, run = int(Namespace.QUOTE_BAND), int(Namespace.QUOTE_RUN)
        pairs = [(int(Namespace.QUOTE_EXACT), self.exact)]
        pairs += [(band, key) for key in dict.fromkeys(self.bands)]
        pairs += [(run, key) for key in dict.fromkeys(self.runs)]
        if self.head is not None:
            pairs.append((int(Namespace.QUOTE_HEAD), self.head))
        return pairs

    def lookups(self) -> dict[int, list[int]]:
        """The keys ``find_cluster`` may look up for these words, by namespace."""
        wanted = {
            int(Namespace.QUOTE_EXACT): [self.exact],
            int(Namespace.QUOTE_BAND): [*self.bands],
        }
        if self.head is not None:
            wanted[int(Namespace.QUOTE_RUN)] = [self.head]
            wanted[int(Namespace.QUOTE_HEAD)] = [*self.runs]
        return wanted


def quote_keys(words: Words) -> QuoteKeys:
    """The keys of normalised quote words (at least ``MIN_WORDS`` of them)."""
    signature = minhash_of(_grams(words), _NUM_PERM)
    runs = tuple(text_keys(" ".join(run) for run in _runs(words, MIN_CONTAINED)))
    return QuoteKeys(
        exact=text_keys([" ".join(words)])[0],
        bands=tuple(band_keys(signature.hashvalues, QUOTE_BANDS, QUOTE_ROWS)),
        runs=runs,
        head=runs[0] if runs else None,
    )


def find_cluster(postings: Postings, words: Words, keys: QuoteKeys | None = None) -> int | None:
    """The cluster whose quote is the same quoted words as ``words`` (normalised, see
    ``quote_words``) among the variants in ``postings``, else None."""
    if len(words) < MIN_WORDS:
        return None
    keys = keys or quote_keys(words)
    exact = _variants(postings, postings.lookup(Namespace.QUOTE_EXACT, [keys.exact]))
    same = [item for item, (_, variant) in exact.items() if variant == words]
    if same:
        return exact[min(same)][0]  # the first variant with these words
    near = _near(postings, words, keys)
    return near if near is not None else _contained(postings, words, keys)


def _variants(postings: Postings, items: set[int]) -> dict[int, tuple[int, Words]]:
    if not items:
        return {}
    return {
        item: (cluster, tuple(text.split(" ")))
        for item, (cluster, text) in postings.quote_variants(items).items()
    }


def _near(postings: Postings, words: Words, keys: QuoteKeys) -> int | None:
    candidates = postings.lookup(Namespace.QUOTE_BAND, list(dict.fromkeys(keys.bands)))
    scores: dict[int, float] = {}
    counts = Counter(words)
    for cluster, variant in _variants(postings, candidates).values():
        # the ratio's upper bounds first, as difflib.get_close_matches does: a candidate
        # sharing a gram or two is rarely near
        total = len(words) + len(variant)
        if 2 * min(len(words), len(variant)) < NEAR_RATIO * total:
            continue
        if 2 * (counts & _counts(variant)).total() < NEAR_RATIO * total:
            continue
        ratio = SequenceMatcher(None, words, variant, autojunk=False).ratio()
        if ratio >= NEAR_RATIO:
            scores[cluster] = max(ratio, scores.get(cluster, 0.0))
    return _best(scores)


@lru_cache(maxsize=16384)
def _counts(words: Words) -> Counter[str]:
    """The words' counts (a much-quoted cluster's variants are candidates again and again;
    never change the result)."""
    return Counter(words)


def _contained(postings: Postings, words: Words, keys: QuoteKeys) -> int | None:
    if keys.head is None:
        return None
    # the query's head inside a variant, or a variant's head inside the query
    items = postings.lookup(Namespace.QUOTE_RUN, [keys.head])
    items |= postings.lookup(Namespace.QUOTE_HEAD, list(dict.fromkeys(keys.runs)))
    scores: dict[int, float] = {}
    for cluster, variant in _variants(postings, items).values():
        longer, shorter = (words, variant) if len(words) >= len(variant) else (variant, words)
        if len(shorter) >= MIN_CONTAINED and _contains(longer, shorter):
            coverage = len(shorter) / len(longer)
            scores[cluster] = max(coverage, scores.get(cluster, 0.0))
    return _best(scores)


class QuoteIndex:
    """Quote clusters in memory (``MemoryPostings``), each with one or more variants
    (texts), to find a quote's cluster."""

    def __init__(self) -> None:
        self.postings = MemoryPostings()
        self._seen: set[tuple[int, Words]] = set()

    def add(self, cluster_id: int, text: str) -> None:
        """Add ``text`` as a variant of cluster ``cluster_id`` (ignored under MIN_WORDS words)."""
        words = tuple(quote_words(text))
        if len(words) < MIN_WORDS or (cluster_id, words) in self._seen:
            return
        self._seen.add((cluster_id, words))
        self.postings.add_variant(cluster_id, " ".join(words), quote_keys(words).postings())

    def find(self, text: str) -> int | None:
        """The cluster whose quote is the same quoted words as ``text``, else None."""
        return find_cluster(self.postings, tuple(quote_words(text)))

    def __len__(self) -> int:
        """The number of variants indexed."""
        return len(self._seen)


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
    return list(_word_diff(base, variant))


@lru_cache(maxsize=1 << 14)
def _word_diff(base: str, variant: str) -> tuple[tuple[Op, str], ...]:
    """``word_diff``, cached: a cluster's page and the listings diff its wordings against
    its first report again and again. Wordings that differ in one word (changed, added or
    cut: the usual variant) skip the general matcher, whose diff is then the same up to
    where an insertion among repeated words goes."""
    old, new = base.split(), variant.split()
    a, b = [_key(w) for w in old], [_key(w) for w in new]
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    if len(a) - head - tail <= 1 and len(b) - head - tail <= 1:
        opcodes = [("equal", 0, head, 0, head)] if head else []
        opcodes.append(("replace", head, len(a) - tail, head, len(b) - tail))
        opcodes += [("equal", len(a) - tail, len(a), len(b) - tail, len(b))] if tail else []
    else:
        opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    pieces: list[tuple[Op, str]] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            pieces.append(("equal", " ".join(old[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("delete", " ".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(("insert", " ".join(new[j1:j2])))
    return tuple(pieces)


@lru_cache(maxsize=1 << 16)
def _key(token: str) -> str:
    """One word, normalised; cached, as a cluster's wordings repeat the same words."""
    return " ".join(quote_words(token))


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
