"""Evaluate: score saidwhat against gold attribution corpora (PolNeAR)."""

from saidwhat.evaluate.metrics import Report, score
from saidwhat.evaluate.polnear import GoldDocument, evaluate_polnear, read_polnear

__all__ = ["GoldDocument", "Report", "evaluate_polnear", "read_polnear", "score"]
