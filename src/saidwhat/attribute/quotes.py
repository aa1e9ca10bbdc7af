"""Find quotations in raw news text, whatever the quote marks.

A pure, linear-time scanner (no spaCy). It knows straight and curly marks
(``"…"``, ``“…”``, ``'…'``, ``‘…’``), the European styles (``„…“``, ``„…”``,
``‚…‘``, ``«…»``, ``»…«``, ``‹…›``, ``”…”``), CJK corner brackets (``「…」``,
``『…』``) and the ASCII stand-ins ``''`` and ````…''``. The cascade:

1. Split the text into paragraphs at every line break; a quotation never
   crosses one (blank lines are skipped).
2. Classify each mark by its glyph and its neighbours, like Markdown's
   flanking rules: a mark before a word opens, a mark after a word closes,
   whatever the glyph (so mistyped ``“…“`` and ``”…”`` work, and ``“…"`` mixes
   styles). Single marks between letters, before elisions (``'em``, ``'90s``,
   ``rock 'n' roll``) or after plural possessives followed by another single
   closer (``the Smiths' house``) are apostrophes. Straight double marks after
   a digit (``6'2"``, ``a 12" pipe``) are inch marks unless they are needed to
   close a quotation.
3. Match marks with a small stack per paragraph (at most ``MAX_DEPTH`` deep),
   so ``“He said ‘no’,” she said`` is one quotation with one nested one. A
   second opener of the same family nests only if enough closers follow in the
   paragraph; otherwise the first quotation is taken as unclosed and a new one
   starts. A closer closes the innermost open quotation of its family.
4. Drop what is not a quotation: no letter or digit inside, an unclosed one
   whose opener was ambiguous or that is longer than ``MAX_UNCLOSED``, and
   every quotation of a paragraph whose marks are mostly strays (garbage).
5. Link paragraphs by the news convention: a paragraph ending inside a
   quotation continues it when the next paragraph opens with a mark of the
   same family. Each paragraph gives its own fragment (offsets stay within
   paragraphs); the fragment carried on has ``continued``, the next one
   ``continuation``; :func:`quote_runs` groups them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

__all__ = ["MAX_DEPTH", "MAX_UNCLOSED", "Quote", "find_quotes", "quote_runs"]

#: An unclosed, not continued quotation longer than this (marks included) is
#: dropped: a stray mark, not a quotation. News paragraphs are far shorter.
MAX_UNCLOSED = 1500
#: News never nests quotations four deep; deeper openers count as strays.
MAX_DEPTH = 4
#: A paragraph with at least this many stray marks, making up more than a
#: third of its marks, is garbage and yields nothing. Chosen on random strings
#: of marks and words (tests/test_quotes.py): real paragraphs have 0–2 strays.
_GARBAGE_STRAYS = 4

# Families: a closer only closes an opener of its family.
_DOUBLE, _SINGLE, _GUILLEMET, _SINGLE_GUILLEMET, _CORNER, _WHITE_CORNER = range(6)
# Roles of a mark; _WEAK is a single closer that may be an apostrophe.
_OPEN, _CLOSE, _EITHER, _APOS, _INCH, _WEAK = range(6)

#: glyph -> (family, fixed role or None when the context decides)
_GLYPHS: dict[str, tuple[int, int | None]] = {
    '"': (_DOUBLE, None),
    "\uff02": (_DOUBLE, None),  # fullwidth "
    "''": (_DOUBLE, None),
    "‘‘": (_DOUBLE, None),
    "’’": (_DOUBLE, None),
    "``": (_DOUBLE, _OPEN),
    "“": (_DOUBLE, None),
    "”": (_DOUBLE, None),
    "„": (_DOUBLE, _OPEN),
    "‟": (_DOUBLE, _OPEN),
    "'": (_SINGLE, None),
    "‘": (_SINGLE, None),
    "’": (_SINGLE, None),
    "‚": (_SINGLE, _OPEN),
    "‛": (_SINGLE, _OPEN),
    "«": (_GUILLEMET, None),
    "»": (_GUILLEMET, None),
    "‹": (_SINGLE_GUILLEMET, None),
    "›": (_SINGLE_GUILLEMET, None),
    "「": (_CORNER, _OPEN),
    "」": (_CORNER, _CLOSE),
    "『": (_WHITE_CORNER, _OPEN),
    "』": (_WHITE_CORNER, _CLOSE),
}
_OPENERS = frozenset("“‘«‹")  # the glyphs' own direction, where the context says nothing
_CLOSERS = frozenset("”’»›")
_STRAIGHT_DOUBLE = frozenset("\"\uff02'")  # first character of ", ＂ and ''
_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines splits at
# One character class (fast to scan for) finds marks and line breaks; pairs are joined after.
_TOKEN = re.compile("[`" + "".join(g for g in _GLYPHS if len(g) == 1) + _BREAKS + "]")
_PAIRS = frozenset(g for g in _GLYPHS if len(g) == 2)
_NONSPACE = re.compile(r"\S")
_ALNUM = re.compile(r"[^\W_]")
_QUOTE_CHARS = "".join(g for g in _GLYPHS if len(g) == 1) + "`"
# What may stand right before an opener / right after a closer, besides space.
_BEFORE_OPEN = frozenset("([{<—–-/:;*_¿¡" + _QUOTE_CHARS)
_AFTER_CLOSE = frozenset(".,;:!?)]}>…—–-/*_" + _QUOTE_CHARS)
_NOT_AFTER_OPEN = frozenset(".,;:!?)]}>")
_OPEN_BRACKETS = frozenset("([{<")
# Words an apostrophe starts: 'em, 'til, 'tis, 'cause, rock 'n' roll, the '90s.
_ELISION = re.compile(
    r"(?:em|til|tis|twas|cause|cos|coz|cuz|bout|nuff|n|s|d|ll|re|ve|m|t|\d\ds?)(?!\w)",
    re.IGNORECASE,
)
# An unclosed single quotation is kept only when it opens like a quotation.
_LEAD_IN = frozenset(":,—–-(" + _BREAKS)


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation: ``start``/``end`` include the marks, ``inner_*`` exclude them.

    ``inner_start``/``inner_end`` also exclude the spaces just inside the marks.
    ``closed`` is False when no closing mark was found: the quotation then ends
    at its paragraph's end (or where a new quotation clearly starts) and
    ``end == inner_end``. ``continued`` marks a fragment whose quotation goes
    on in the next paragraph; that next fragment has ``continuation``.
    ``nested`` holds the quotations inside this one, e.g. ``‘no’`` in
    ``“He said ‘no’,”``.
    """

    start: int
    end: int
    inner_start: int
    inner_end: int
    closed: bool = True
    continued: bool = False
    continuation: bool = False
    nested: tuple[Quote, ...] = ()


class _Open:
    """An opener on the stack and the closed quotations found inside it so far."""

    __slots__ = ("family", "start", "inner", "clear", "children", "continuation", "stop")

    def __init__(self, family: int, start: int, inner: int, clear: bool) -> None:
        self.family = family
        self.start = start
        self.inner = inner
        self.clear = clear  # opened by context, not by default
        self.children: list[Quote] = []
        self.continuation = False
        self.stop = inner  # where the paragraph (or the quotation) ends, if unclosed


def find_quotes(text: str) -> list[Quote]:
    """Top-level quotations of ``text``, sorted, non-overlapping, never across a line break.

    Nested quotations are in ``Quote.nested``. A quotation continued over
    paragraphs gives one fragment per paragraph (see :func:`quote_runs`).
    """
    out: list[Quote] = []
    pending: _Open | None = None  # unclosed at the end of the previous paragraph
    for start, end, marks in _lines(text):
        if not marks:
            if pending is not None and _NONSPACE.search(text, start, end):
                _emit(text, out, pending, continued=False)  # a paragraph without marks
                pending = None
            continue
        closed, unclosed = _Paragraph(text, start, end).scan(marks)
        if pending is not None:
            head = closed[0] if closed else unclosed
            follows = head is not None and not text[start : head.start].strip()
            same = follows and _family_at(text, head.start) == pending.family
            if same and unclosed is not None and head is unclosed:
                same = _ALNUM.search(text, unclosed.inner, unclosed.stop) is not None
            if not same:
                _emit(text, out, pending, continued=False)
            elif _emit(text, out, pending, continued=True):
                if closed:
                    closed[0] = replace(closed[0], continuation=True)  # rare: fine to copy
                elif unclosed is not None:
                    unclosed.continuation = True
        out.extend(closed)
        pending = unclosed
    if pending is not None:
        _emit(text, out, pending, continued=False)
    return out


def quote_runs(quotes: list[Quote]) -> list[list[Quote]]:
    """Group ``find_quotes`` results into runs: a quotation and its continuations."""
    runs: list[list[Quote]] = []
    run: list[Quote] = []
    for quote in quotes:
        run.append(quote)
        if not quote.continued:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    return runs


def _lines(text: str) -> Iterator[tuple[int, int, list[tuple[int, int, str]]]]:
    """(start, end, marks) of each line, line breaks excluded; a mark is (start, end, glyph)."""
    start = 0
    tick = -2  # where the last backtick was: only `` is a mark
    marks: list[tuple[int, int, str]] = []
    for m in _TOKEN.finditer(text):
        i = m.start()
        glyph = m.group()
        if glyph in _BREAKS:
            yield start, i, marks
            start = i + 1
            marks = []
        elif marks and marks[-1][1] == i and marks[-1][2] + glyph in _PAIRS:
            marks[-1] = (i - 1, i + 1, marks[-1][2] + glyph)
        elif glyph != "`":
            marks.append((i, i + 1, glyph))
        elif tick == i - 1:
            marks.append((i - 1, i + 1, "``"))
        else:
            tick = i
    yield start, len(text), marks


def _family_at(text: str, i: int) -> int:
    """The family of the mark at ``i``."""
    glyph = text[i : i + 2] if text[i : i + 2] in _GLYPHS else text[i]
    return _GLYPHS[glyph][0]


def _emit(text: str, out: list[Quote], o: _Open, *, continued: bool) -> bool:
    """Append the unclosed quotation ``o`` to ``out`` (True), or its nested ones if it is none."""
    quote = _unclosed(text, o, continued=continued)
    if quote is None:
        out.extend(o.children)
        return False
    out.append(quote)
    return True


def _unclosed(text: str, o: _Open, *, continued: bool) -> Quote | None:
    """The unclosed quotation ``o`` ending at ``o.stop``, or None if it is not plausible."""
    inner_start, end = _strip(text, o.inner, o.stop)
    if not _ALNUM.search(text, inner_start, end):
        return None
    if not (continued or o.continuation):
        if not o.clear or end - o.start > MAX_UNCLOSED:
            return None
        if o.family == _SINGLE and not _leads_in(text, o.start):
            return None  # likely an apostrophe: 'Scuse me
    return Quote(
        o.start,
        end,
        inner_start,
        end,
        closed=False,
        continued=continued,
        continuation=o.continuation,
        nested=tuple(o.children),
    )


def _leads_in(text: str, i: int) -> bool:
    """Whether the mark at ``i`` starts its line or follows a colon, comma or dash."""
    i -= 1
    while i >= 0 and text[i] in " \t\xa0":
        i -= 1
    return i < 0 or text[i] in _LEAD_IN


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """``start``/``end`` moved inwards over white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _classify(text: str, i: int, j: int, end: int, p: str, family: int) -> int:
    """The role of the mark ``text[i:j]`` (not of fixed role) after the character ``p``."""
    n = text[j] if j < end else " "
    if p == " " and n.isalnum():  # the common cases first: ␣"word and word"␣
        return _APOS if family == _SINGLE and _ELISION.match(text, j, end) else _OPEN
    if n == " " and p.isalpha():
        if family == _SINGLE and _maybe_apostrophe(text, i, j, end, p):
            return _WEAK
        return _CLOSE
    inch = family == _DOUBLE and p.isdigit() and text[i] in _STRAIGHT_DOUBLE
    if p.isalnum() and n.isalnum():  # don't, O'Brien, 6'2, said"Hello"
        return _APOS if family == _SINGLE else _INCH if inch else _EITHER
    opens = not n.isspace() and n not in _NOT_AFTER_OPEN and (p.isspace() or p in _BEFORE_OPEN)
    closes = not p.isspace() and p not in _OPEN_BRACKETS and (n.isspace() or n in _AFTER_CLOSE)
    if opens and not closes:
        if family == _SINGLE and _ELISION.match(text, j, end):
            return _APOS
        return _OPEN
    if inch:
        return _INCH
    if closes and not opens:
        if family == _SINGLE and _maybe_apostrophe(text, i, j, end, p):
            return _WEAK
        return _CLOSE
    if n in _NOT_AFTER_OPEN:  # nothing opens before a comma: a spaced closer
        return _CLOSE
    return _EITHER


def _skip_attributes(text: str, marks: list[tuple[int, int, str]], roles: list[int]) -> None:
    """Take the marks of markup attributes (``<a href="…">``) out of play."""
    k = 0
    while k < len(marks):
        i, _, glyph = marks[k]
        k += 1
        if glyph in "\"'" and i > 0 and text[i - 1] == "=":
            roles[k - 1] = _APOS
            while k < len(marks) and marks[k][2] != glyph:
                k += 1
            if k < len(marks):
                roles[k] = _APOS
                k += 1


def _maybe_apostrophe(text: str, i: int, j: int, end: int, p: str) -> bool:
    """Whether a single closer may end a word instead: the Smiths' house, goin' home, 5' tall."""
    if p.isdigit():
        return True
    if not (p in "sSzZxX" or (p in "nN" and i > 1 and text[i - 2] in "iI")):
        return False
    m = _NONSPACE.search(text, j, min(end, j + 8))
    return j < end and text[j].isspace() and m is not None and m.group().isalnum()


class _Paragraph:
    """The quotations of one line, matched with a stack."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.out: list[Quote] = []
        self.stack: list[_Open] = []
        self.strays = 0
        self.families: list[int] = []

    def scan(self, marks: list[tuple[int, int, str]]) -> tuple[list[Quote], _Open | None]:
        """Closed top-level quotations and the quotation still open at the end, if any."""
        if len(marks) > 64 and len(marks) * 4 > self.end - self.start:
            return [], None  # more marks than words: garbage, and skipping it keeps us fast
        roles, closers_after, plain_after = self._roles(marks)
        used = 0
        for k, (i, j, glyph) in enumerate(marks):
            role = roles[k]
            if role == _APOS:
                continue
            used += 1
            family = self.families[k]
            level = self._level(family)
            if role == _INCH:
                # 6'2" is an inch mark unless the marks after it pair up without it.
                if level < 0 or plain_after[k] % 2:
                    continue
                role = _CLOSE
            if role == _EITHER:
                role = _CLOSE if level >= 0 else _EITHER
                if glyph in (_CLOSERS if role == _EITHER else _OPENERS):
                    self.strays += 1  # a spaced ” that opens: a sign of garbage
            if role == _CLOSE:
                if level >= 0:
                    self._close(level, i, j)
                elif family != _SINGLE:  # a lone single closer is an apostrophe
                    self.strays += 1
                continue
            if role == _OPEN and level >= 0:
                depth = sum(1 for o in self.stack if o.family == family)
                if closers_after[k] <= depth:  # too few closers to nest: a new quotation
                    self._restart(level, i)
            if len(self.stack) >= MAX_DEPTH:
                self.strays += 1
                continue
            self.stack.append(_Open(family, i, j, role == _OPEN))
        return self._finish(used)

    def _roles(self, marks: list[tuple[int, int, str]]) -> tuple[list[int], list[int], list[int]]:
        """Roles of the marks, and per mark how many closers / non-inch marks of its kind follow."""
        text, start, end = self.text, self.start, self.end
        families = self.families = [_GLYPHS[glyph][0] for _, _, glyph in marks]
        roles = [
            _classify(text, i, j, end, text[i - 1] if i > start else " ", family)
            if (fixed := _GLYPHS[glyph][1]) is None
            else fixed
            for (i, j, glyph), family in zip(marks, families, strict=True)
        ]
        _skip_attributes(text, marks, roles)
        closers_after = [0] * len(marks)
        plain_after = [0] * len(marks)
        closers = [0] * 6
        plain = [0] * 6
        single_closer_next = False
        for k in range(len(marks) - 1, -1, -1):
            role = roles[k]
            if role == _WEAK:  # an apostrophe if a single closer follows before any opener
                role = roles[k] = _APOS if single_closer_next else _CLOSE
            if role == _APOS:
                continue
            family = families[k]
            closers_after[k] = closers[family]
            plain_after[k] = plain[family]
            if family == _SINGLE:
                single_closer_next = role != _OPEN
            if role != _OPEN:
                closers[family] += 1
            if role != _INCH:
                plain[family] += 1
        return roles, closers_after, plain_after

    def _level(self, family: int) -> int:
        """Index of the innermost open quotation of ``family``, or -1."""
        for level in range(len(self.stack) - 1, -1, -1):
            if self.stack[level].family == family:
                return level
        return -1

    def _pop(self) -> _Open:
        """Pop the innermost opener; its nested quotations go to its parent."""
        o = self.stack.pop()
        (self.stack[-1].children if self.stack else self.out).extend(o.children)
        return o

    def _close(self, level: int, i: int, j: int) -> None:
        """Close the opener at ``level`` with the mark ``text[i:j]``; inner openers are strays."""
        while len(self.stack) > level + 1:
            self._pop()
            self.strays += 1
        o = self.stack.pop()
        inner_start, inner_end = _strip(self.text, o.inner, i)
        if _ALNUM.search(self.text, inner_start, inner_end):
            quote = Quote(o.start, j, inner_start, inner_end, nested=tuple(o.children))
            (self.stack[-1].children if self.stack else self.out).append(quote)
        else:  # "" or " " (ditto marks)
            self.stack.append(o)
            self._pop()
            self.strays += 1

    def _restart(self, level: int, i: int) -> None:
        """End the opener at ``level`` (and those inside it) before a new opener at ``i``."""
        while len(self.stack) > max(level, 1):
            self._pop()
            self.strays += 1
        if level == 0:
            o = self.stack.pop()
            o.stop = i
            _emit(self.text, self.out, o, continued=False)

    def _finish(self, used: int) -> tuple[list[Quote], _Open | None]:
        """Wind up the stack at the end of the line; drop everything if it is garbage."""
        while len(self.stack) > 1:
            self._pop()
            self.strays += 1
        unclosed = self.stack.pop() if self.stack else None
        if unclosed is not None:
            unclosed.stop = self.end
        if self.strays >= _GARBAGE_STRAYS and self.strays * 3 > used:
            return [], None
        return self.out, unclosed
