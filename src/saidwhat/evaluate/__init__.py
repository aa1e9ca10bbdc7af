"""Evaluate: score saidwhat against gold attributions (PolNeAR, hand-annotated news pages)."""

from saidwhat.evaluate.metrics import Report, score
from saidwhat.evaluate.polnear import GoldDocument, evaluate_polnear, read_polnear
from saidwhat.evaluate.realnews import RealNewsReport, evaluate_realnews, read_gold

__all__ = [
    "GoldDocument",
    "RealNewsReport",
    "Report",
    "evaluate_polnear",
    "evaluate_realnews",
    "read_gold",
    "read_polnear",
    "score",
]
