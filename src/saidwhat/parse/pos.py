"""Coarse part-of-speech tags from the English model's own rules, without its attribute ruler.

The English model sets ``token.pos_`` with an ``attribute_ruler``: about 180 Matcher
patterns over the tag, word and dependency that also set morphology and lemmas,
which nothing in saidwhat reads. Running the Matcher costs about a seventh of the
whole pipeline's time. ``RulePOS`` applies the same patterns' POS assignments
through dictionary lookups (a later pattern wins, as in the ruler), so the
pipeline gets the same ``pos_`` for a fraction of the cost; ``tests/test_pos.py``
checks that both agree on real news.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.language import Language
from spacy.strings import StringStore
from spacy.tokens import Doc, Token

#: The token attributes the ruler's POS patterns test, and how to read them.
_READERS = {
    "TAG": lambda t: t.tag_,
    "LOWER": lambda t: t.lower_,
    "DEP": lambda t: t.dep_,
    "IS_SPACE": lambda t: t.is_space,
}
_ATTR_IDS = {"TAG": TAG, "LOWER": LOWER, "DEP": DEP, "IS_SPACE": IS_SPACE}


#: The attributes set here; the ruler's MORPH and LEMMA are left out (nothing reads them).
SET = ("POS", "DEP")


@dataclass(frozen=True, slots=True)
class _Rule:
    """One pattern setting ``attr`` to ``value``: its order, all its token specs, the target.

    ``checked`` is False when looking the target up in the index proves it matches
    (a one-token pattern without ``NOT_IN``).
    """

    order: int
    attr: str
    value: str
    specs: tuple[dict[str, Any], ...]
    target: int
    checked: bool


def _indexed(value: Any) -> bool:
    """Whether a condition is a value or an ``IN`` list (``NOT_IN`` is checked instead)."""
    return not isinstance(value, dict) or set(value) == {"IN"}


def _values(value: Any) -> list[Any]:
    return list(value["IN"]) if isinstance(value, dict) else [value]


def _satisfies(found: Any, value: Any) -> bool:
    if isinstance(value, dict):
        if set(value) - {"IN", "NOT_IN"}:
            raise ValueError(f"unsupported condition in a POS pattern: {value}")
        return found in value.get("IN", (found,)) and found not in value.get("NOT_IN", ())
    return found == value


def _matches(token: Token, spec: dict[str, Any]) -> bool:
    return all(_satisfies(_READERS[key](token), value) for key, value in spec.items())


#: Rules by the values of their target token's indexed conditions, per condition keys.
_Table = dict[tuple[int, ...], list[_Rule]]


class RulePOS:
    """Sets ``token.pos`` (and ``dep`` of spaces) as the attribute ruler's patterns would."""

    def __init__(self, patterns: Iterable[dict[str, Any]], strings: StringStore) -> None:
        index: dict[tuple[str, ...], _Table] = {}
        for order, pattern in enumerate(patterns):
            for attr in SET:
                if attr not in pattern["attrs"]:
                    continue
                for specs in pattern["patterns"]:
                    self._check(specs)
                    target = pattern.get("index", 0) % len(specs)
                    keys = tuple(sorted(k for k, v in specs[target].items() if _indexed(v)))
                    checked = len(specs) > 1 or len(keys) < len(specs[target])
                    rule = _Rule(order, attr, pattern["attrs"][attr], tuple(specs), target, checked)
                    table = index.setdefault(keys, {})
                    for values in _product([_values(specs[target][k]) for k in keys]):
                        # As ``Doc.to_array`` gives them: a flag's 0 or 1, a string's id (a
                        # symbol's fixed id for "aux", "POS"..., else its hash).
                        ids = tuple(
                            int(v) if isinstance(v, bool) else strings.add(v) for v in values
                        )
                        table.setdefault(ids, []).append(rule)
        columns = list(_ATTR_IDS)
        self._groups = [(tuple(columns.index(k) for k in keys), t) for keys, t in index.items()]

    @staticmethod
    def _check(specs: list[dict[str, Any]]) -> None:
        unknown = {k for spec in specs for k in spec} - set(_READERS)
        if unknown:
            raise ValueError(f"attribute patterns test unsupported attributes: {sorted(unknown)}")

    def __call__(self, doc: Doc) -> Doc:
        # One array read for every token, then lookups of the ids ``Doc.to_array`` gives:
        # this is what makes it fast.
        rows = doc.to_array(list(_ATTR_IDS.values())).tolist()
        for token, row in zip(doc, rows, strict=True):
            best: dict[str, _Rule] = {}
            for positions, table in self._groups:
                for rule in table.get(tuple(row[p] for p in positions), ()):
                    current = best.get(rule.attr)
                    if (current is None or rule.order > current.order) and _fits(
                        doc, token.i, rule
                    ):
                        best[rule.attr] = rule
            if "POS" in best:
                token.pos_ = best["POS"].value
            if "DEP" in best:
                token.dep_ = best["DEP"].value
        return doc


def _fits(doc: Doc, i: int, rule: _Rule) -> bool:
    """Whether the whole pattern matches with its target token at ``i``."""
    if not rule.checked:
        return True
    start = i - rule.target
    if start < 0 or start + len(rule.specs) > len(doc):
        return False
    return all(_matches(doc[start + k], spec) for k, spec in enumerate(rule.specs))


def _product(choices: list[list[Any]]) -> list[tuple[Any, ...]]:
    combos: list[tuple[Any, ...]] = [()]
    for options in choices:
        combos = [c + (o,) for c in combos for o in options]
    return combos


@Language.factory("saidwhat_pos", default_config={}, assigns=["token.pos", "token.dep"])
def make_rule_pos(nlp: Language, name: str) -> RulePOS:
    """Built from the patterns of the model's ``attribute_ruler`` (see ``load_pipeline``)."""
    return RulePOS(nlp.get_pipe("attribute_ruler").patterns, nlp.vocab.strings)
