"""Lines of a scraped page that are not the article: disclaimers, "read more" links, credits.

Statements found in them are dropped ("Disclaimer: the views expressed are the
author's" has a source, a cue and a content, and is not news).
"""

from __future__ import annotations

import re

_LINE = re.compile(
    r"""^[ \t>*•·|-]*(?:
        disclaimer\b | read\ (?:more|also|next)\b | also\ read\b | see\ also\b
      | more\ (?:on|about)\ (?:the|this)\ (?:subject|topic|story)\b
      | related(?:\ (?:articles?|stories|news|coverage|content))?\s*[:–—-]
      | share\ (?:this|on)\b | follow\ us\b | subscribe\b | sign\ up\b | advertisement\b
      | (?:copyright\b|©) | all\ rights\ reserved\b | click\ here\b | recommended\b
      | (?:file\ )?(?:photo|image|video|picture)s?(?:\ credit)?\s*: | editor['’]s\ note\s*:
      | (?:this|the)\ (?:article|story|report)\ (?:was|has\ been)\ (?:updated|first\ published)\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)


def boilerplate_lines(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each line of ``text`` that is page furniture, in order."""
    ranges = []
    start = 0
    for line in text.splitlines(keepends=True):
        if _LINE.match(line):
            ranges.append((start, start + len(line.rstrip("\r\n"))))
        start += len(line)
    return ranges


def in_boilerplate(spans: tuple[tuple[int, int], ...], lines: list[tuple[int, int]]) -> bool:
    """Whether most of the characters of ``spans`` lie in boilerplate ``lines``."""
    total = sum(e - s for s, e in spans)
    inside = sum(
        max(0, min(e, line_end) - max(s, line_start))
        for s, e in spans
        for line_start, line_end in lines
    )
    return total > 0 and inside * 2 > total
