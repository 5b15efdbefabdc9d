"""Bootstrap over articles: confidence intervals and paired significance tests.

A resample draws ``n`` articles with replacement from the ``n`` evaluated ones, which is the
same as giving every article a multinomial weight. Because every metric is a function of
additive per-article counts (`eval.metrics`), a resampled score is the weighted sum of the count
table finished by the same function — no matching is redone. Same seed, same intervals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

import numpy as np

from .metrics import Totals

__all__ = [
    "DEFAULT_RESAMPLES",
    "CountTable",
    "resample_weights",
    "bootstrap_distribution",
    "confidence_intervals",
    "paired_bootstrap",
]

DEFAULT_RESAMPLES = 1000
_CHUNK = 200

Statistic = Callable[[Totals], Mapping[str, np.ndarray]]


class CountTable:
    """Per-article counts as a matrix: one row per article, one column per count key."""

    def __init__(self, ids: Sequence[str], counts: Sequence[Mapping[tuple, float]], keys: Sequence[tuple] | None = None):
        if len(ids) != len(counts):
            raise ValueError(f"{len(ids)} ids for {len(counts)} count rows")
        self.ids = list(ids)
        self.keys = sorted(set().union(*counts)) if keys is None else list(keys)
        column = {key: index for index, key in enumerate(self.keys)}
        self.matrix = np.zeros((len(counts), len(self.keys)))
        for row, item in enumerate(counts):
            for key, value in item.items():
                if key in column:
                    self.matrix[row, column[key]] = value

    def __len__(self) -> int:
        return len(self.ids)

    def totals(self, weights: np.ndarray | None = None) -> Totals:
        """Summed counts; ``weights`` ``(resamples, articles)`` gives one total per resample."""
        if weights is None:
            weights = np.ones((1, len(self.ids)))
        return Totals(self.keys, np.atleast_2d(weights) @ self.matrix)

    def subset(self, rows: Sequence[int]) -> CountTable:
        table = CountTable.__new__(CountTable)
        table.ids = [self.ids[row] for row in rows]
        table.keys = list(self.keys)
        table.matrix = self.matrix[list(rows)]
        return table

    def with_keys(self, keys: Sequence[tuple]) -> CountTable:
        """The same table over ``keys`` (a superset of its own): missing columns are zeros."""
        table = CountTable.__new__(CountTable)
        table.ids, table.keys = list(self.ids), list(keys)
        table.matrix = np.zeros((len(self.ids), len(keys)))
        own = {key: index for index, key in enumerate(self.keys)}
        for index, key in enumerate(keys):
            if key in own:
                table.matrix[:, index] = self.matrix[:, own[key]]
        return table


def resample_weights(n_articles: int, n_resamples: int = DEFAULT_RESAMPLES, seed: int = 0) -> Iterator[np.ndarray]:
    """Multinomial article weights, ``(chunk, n_articles)`` at a time; deterministic for a seed."""
    if n_articles < 1:
        raise ValueError("bootstrap: no articles to resample")
    rng = np.random.default_rng(seed)
    probabilities = np.full(n_articles, 1.0 / n_articles)
    done = 0
    while done < n_resamples:
        size = min(_CHUNK, n_resamples - done)
        yield rng.multinomial(n_articles, probabilities, size=size).astype(float)
        done += size


def bootstrap_distribution(
    table: CountTable, statistic: Statistic, n_resamples: int = DEFAULT_RESAMPLES, seed: int = 0
) -> dict[str, np.ndarray]:
    """Each statistic over ``n_resamples`` article resamples."""
    parts: dict[str, list[np.ndarray]] = {}
    for weights in resample_weights(len(table), n_resamples, seed):
        for name, values in statistic(table.totals(weights)).items():
            parts.setdefault(name, []).append(np.asarray(values, dtype=float))
    return {name: np.concatenate(values) for name, values in parts.items()}


def confidence_intervals(
    table: CountTable,
    statistic: Statistic,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, dict[str, float]]:
    """``{name: {"value", "ci_low", "ci_high"}}``: the point score and its percentile interval."""
    point = {name: float(np.asarray(value).reshape(-1)[0]) for name, value in statistic(table.totals()).items()}
    if n_resamples <= 0:
        return {name: {"value": value, "ci_low": None, "ci_high": None} for name, value in point.items()}
    samples = bootstrap_distribution(table, statistic, n_resamples, seed)
    tail = (1.0 - level) / 2 * 100
    intervals = {}
    for name, value in point.items():
        low, high = np.percentile(samples[name], [tail, 100 - tail])
        intervals[name] = {"value": value, "ci_low": float(low), "ci_high": float(high)}
    return intervals


def paired_bootstrap(
    table_a: CountTable,
    table_b: CountTable,
    statistic: Statistic,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, dict[str, float]]:
    """Is system A better than system B on the same articles? One-sided paired bootstrap.

    Both tables must hold the same article ids in the same order; every resample uses the same
    article weights for both. With observed difference ``d = A - B`` and resampled differences
    ``d*``, ``p_value = (1 + #{d* - d >= d}) / (1 + resamples)`` (Berg-Kirkpatrick et al. 2012:
    the resampled differences, shifted to a null mean of 0, reach the observed one); 1 when
    ``d <= 0``. Also returns ``delta`` and its percentile interval.
    """
    if table_a.ids != table_b.ids:
        raise ValueError("paired bootstrap: the two systems were not scored on the same articles in the same order")
    keys = sorted(set(table_a.keys) | set(table_b.keys))
    table_a, table_b = table_a.with_keys(keys), table_b.with_keys(keys)
    observed_a, observed_b = statistic(table_a.totals()), statistic(table_b.totals())
    delta = {name: float(observed_a[name][0] - observed_b[name][0]) for name in observed_a}
    exceed = {name: 0 for name in delta}
    samples: dict[str, list[np.ndarray]] = {name: [] for name in delta}
    for weights in resample_weights(len(table_a), n_resamples, seed):
        scores_a, scores_b = statistic(table_a.totals(weights)), statistic(table_b.totals(weights))
        for name in delta:
            difference = np.asarray(scores_a[name]) - np.asarray(scores_b[name])
            samples[name].append(difference)
            exceed[name] += int(np.sum(difference - delta[name] >= delta[name] - 1e-12))
    tail = (1.0 - level) / 2 * 100
    result = {}
    for name, observed in delta.items():
        values = np.concatenate(samples[name]) if samples[name] else np.zeros(1)
        low, high = np.percentile(values, [tail, 100 - tail])
        p_value = 1.0 if observed <= 0 else (1 + exceed[name]) / (1 + n_resamples)
        result[name] = {"delta": observed, "p_value": float(p_value), "ci_low": float(low), "ci_high": float(high)}
    return result
