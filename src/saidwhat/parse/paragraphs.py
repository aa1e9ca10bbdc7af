"""Sentences never run over a paragraph break.

Extracted news comes one paragraph a line. The English parser usually starts a sentence
after a line break, but not always: after a closing quote mark it may run the paragraph's
last sentence into the first of the next (“… It wears on you.” ⏎ UPS has multiple…), and
the linker then gives the quote a cue from another paragraph. ``paragraphs`` marks the
first token after a line break as a sentence start before the parser runs; the parser
keeps marks set before it.

Hard-wrapped text (a line break every 70 characters or so, mid-sentence) is the exception:
when most lines end without a sentence's closing punctuation, a single line break starts a
sentence only after such punctuation; a blank line always does.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

#: What a line that ends a sentence (or a paragraph) ends with.
_SENTENCE_END = frozenset('.!?:;…"”’»)]')
#: Fewer lines than this say nothing about wrapping.
_MIN_LINES = 4


def hard_wrapped(text: str) -> bool:
    """Whether most lines of ``text`` break mid-sentence (fixed-width wrapping)."""
    lines = [line.rstrip() for line in text.split("\n") if line.strip()]
    if len(lines) < _MIN_LINES:
        return False
    open_ended = sum(1 for line in lines[:-1] if line[-1] not in _SENTENCE_END)
    return open_ended * 2 > len(lines) - 1


@Language.component("saidwhat_paragraphs")
def paragraphs(doc: Doc) -> Doc:
    """Start a sentence at the first token of every paragraph (see the module's doc)."""
    if len(doc) < 3:
        return doc
    wrapped = hard_wrapped(doc.text)
    for token in doc[1:-1]:
        if not token.is_space or "\n" not in token.text:
            continue
        following, before = doc[token.i + 1], doc[token.i - 1]
        if following.is_space:
            continue  # the run of spaces goes on: its last token decides
        if wrapped and token.text.count("\n") < 2 and before.text[-1] not in _SENTENCE_END:
            continue
        following.is_sent_start = True
        if following.i + 1 < len(doc) and not doc[following.i + 1].is_space:
            # A paragraph's first word is no sentence of its own: marked alone, the start
            # made the parser cut "Royce | Mendes, …, was more cautious" after the first name.
            doc[following.i + 1].is_sent_start = False
    return doc
