"""Whether a predicted speaker names the same entity as a hand-resolved one.

The rule of issue 11, on name keys (``link.names.name_key``: case-folded, no
diacritics, titles or possessives):

- a person's names agree when their words are the same, or the surnames are the
  same and no other word conflicts ("Clinton" and "Hillary Clinton" agree, "Bill
  Clinton" and "Hillary Clinton" do not);
- any other names (organisations, documents, groups, descriptions such as "a
  Kremlin spokesman") agree when the words of one contain the other's ("Kremlin").
"""

from __future__ import annotations

from saidwhat.link.names import name_key, parse_person

#: Words that tell nothing about who is meant, left out of the containment test.
_FILLER = frozenset({"a", "an", "the", "of", "for", "at", "in", "and", "its", "his", "her"})


def _words(name: str, type: str) -> frozenset[str]:
    return frozenset(name_key(name, type).split()) - _FILLER


def _people_agree(gold: str, predicted: str) -> bool:
    a, b = parse_person(name_key(gold)), parse_person(name_key(predicted))
    if a.surname != b.surname:
        return False
    given_a = {a.first, *a.middle} - {None}
    given_b = {b.first, *b.middle} - {None}
    return given_a <= given_b or given_b <= given_a


def speakers_agree(gold: str, gold_type: str | None, predicted: str | None) -> bool:
    """Whether ``predicted`` names the speaker ``gold`` names (of type ``gold_type``)."""
    if not predicted:
        return False
    if (
        gold_type == "PERSON"
        and name_key(gold)
        and name_key(predicted)
        and _people_agree(gold, predicted)
    ):
        return True
    a, b = _words(gold, "ORG"), _words(predicted, "ORG")
    return bool(a and b) and (a <= b or b <= a)
