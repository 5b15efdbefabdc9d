"""How the stance decision threshold trades precision for recall, and whether edge scores are calibrated.

Both are computed from *scored* predictions: every candidate pair with its decision score (a run's
predictions with ``min_score=0``), against the gold edges of the same articles, given gold actors.
An edge is correct when the gold article has the same ordered pair with the same label.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from actorstance.schema import Article

__all__ = ["scored_edges", "threshold_curve", "reliability"]

THRESHOLDS = tuple(round(value, 2) for value in np.arange(0.0, 1.0001, 0.02))


def scored_edges(gold: Sequence[Article], scored: Sequence[Article]) -> tuple[np.ndarray, np.ndarray, int]:
    """Scores and correctness of every scored edge, and the number of gold edges (pairs by article id)."""
    gold_by_id = {article.id: {(s.holder, s.target): s.label for s in article.stances} for article in gold}
    scores, correct = [], []
    for article in scored:
        edges = gold_by_id.get(article.id, {})
        for stance in article.stances:
            scores.append(stance.score if stance.score is not None else 1.0)
            correct.append(edges.get((stance.holder, stance.target)) == stance.label)
    return np.array(scores, dtype=float), np.array(correct, dtype=bool), sum(len(edges) for edges in gold_by_id.values())


def threshold_curve(scores: np.ndarray, correct: np.ndarray, gold_edges: int, thresholds: Sequence[float] = THRESHOLDS) -> list[dict]:
    """Precision, recall, F1 and edge count when only edges scoring at least each threshold are kept."""
    points = []
    for threshold in thresholds:
        kept = scores >= threshold
        true_positive, predicted = int((kept & correct).sum()), int(kept.sum())
        precision = true_positive / predicted if predicted else 0.0
        recall = true_positive / gold_edges if gold_edges else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        points.append({"threshold": float(threshold), "precision": precision, "recall": recall, "f1": f1, "edges": predicted})
    return points


def reliability(scores: np.ndarray, correct: np.ndarray, bins: int = 10) -> dict:
    """Equal-width score bins (mean score, share correct, count) and the expected calibration error."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    rows, error = [], 0.0
    for index in range(bins):
        inside = (scores >= edges[index]) & ((scores < edges[index + 1]) if index < bins - 1 else (scores <= edges[index + 1]))
        count = int(inside.sum())
        if not count:
            continue
        confidence, accuracy = float(scores[inside].mean()), float(correct[inside].mean())
        error += count / len(scores) * abs(accuracy - confidence)
        rows.append({"low": float(edges[index]), "high": float(edges[index + 1]), "confidence": confidence, "accuracy": accuracy, "count": count})
    return {"bins": rows, "ece": error, "edges": int(len(scores))}
