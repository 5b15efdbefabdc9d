"""Coreference scores of the actor grouping: MUC, B-cubed and CEAF-e (the CoNLL-2012 definitions of
Pradhan et al. 2014).

Clusters are actors, their members the mention spans ``(start, end)``. Scores are kept as additive
numerators and denominators per article, so that corpus scores are micro-averaged over articles
(as the CoNLL scorer does) and bootstrap resamples are sums, like every other count in
`eval.metrics`. A mention one side lacks counts against that side's recall or precision.

The ``scorch`` package returns only ratios per document (and fails on CEAF-e when no cluster
overlaps), so the numerators are computed here; tests check them against ``scorch`` where it works.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from scipy.optimize import linear_sum_assignment

from actorstance.schema import Article

__all__ = ["COREF_METRICS", "clusters", "coreference_counts", "coreference_scores"]

COREF_METRICS = ("muc", "b3", "ceafe")


def clusters(article: Article) -> list[set[tuple[int, int]]]:
    """The article's actors as sets of mention spans (actors without mentions left out)."""
    by_actor: dict[str, set[tuple[int, int]]] = {}
    for mention in article.mentions:
        by_actor.setdefault(mention.actor, set()).add((mention.start, mention.end))
    return list(by_actor.values())


def _muc_numerator(key: list[set], response: list[set]) -> float:
    """Sum over key clusters of ``|k| - |partition of k by the response|`` (unmatched mentions: singletons)."""
    owner = {member: index for index, cluster in enumerate(response) for member in cluster}
    total = 0
    for cluster in key:
        parts = {owner.get(member, ("alone", member)) for member in cluster}
        total += len(cluster) - len(parts)
    return float(total)


def _b3_numerator(key: list[set], response: list[set]) -> float:
    """Sum over key clusters and response clusters of ``|k ∩ r|² / |k|``."""
    return float(sum(len(k & r) ** 2 / len(k) for k in key for r in response))


def _ceafe_numerator(key: list[set], response: list[set]) -> float:
    """The best one-to-one alignment's total Dice similarity ``2|k ∩ r| / (|k| + |r|)``."""
    if not key or not response:
        return 0.0
    similarity = np.array([[2 * len(k & r) / (len(k) + len(r)) for r in response] for k in key])
    rows, columns = linear_sum_assignment(similarity, maximize=True)
    return float(similarity[rows, columns].sum())


_NUMERATORS = {"muc": _muc_numerator, "b3": _b3_numerator, "ceafe": _ceafe_numerator}
_DENOMINATORS = {
    "muc": lambda partition: float(sum(len(cluster) - 1 for cluster in partition)),
    "b3": lambda partition: float(sum(len(cluster) for cluster in partition)),
    "ceafe": lambda partition: float(len(partition)),
}


def coreference_counts(gold: Article, predicted: Article) -> Counter:
    """``("coref", metric, "recall" | "precision", "num" | "den")`` counts of one article pair.

    Precision is recall with the roles of key and response swapped (true of all three metrics)."""
    key, response = clusters(gold), clusters(predicted)
    counts: Counter = Counter()
    for metric in COREF_METRICS:
        for side, (first, second) in (("recall", (key, response)), ("precision", (response, key))):
            counts[("coref", metric, side, "num")] += _NUMERATORS[metric](first, second)
            counts[("coref", metric, side, "den")] += _DENOMINATORS[metric](first)
    return counts


def coreference_scores(totals) -> dict[str, dict[str, np.ndarray]]:
    """Metric -> recall, precision, F1 (vectors over resamples) from summed `coreference_counts`;
    ``conll`` is the mean F1 of the three (the CoNLL-2012 score)."""
    result: dict[str, dict[str, np.ndarray]] = {}
    for metric in COREF_METRICS:
        values = {}
        for side in ("recall", "precision"):
            numerator, denominator = totals[("coref", metric, side, "num")], totals[("coref", metric, side, "den")]
            values[side] = np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator > 0)
        total = values["recall"] + values["precision"]
        values["f1"] = np.divide(2 * values["recall"] * values["precision"], total, out=np.zeros_like(total), where=total > 0)
        result[metric] = values
    result["conll"] = {"f1": np.mean([result[metric]["f1"] for metric in COREF_METRICS], axis=0)}
    return result
