"""Bootstrap intervals and paired tests: deterministic for a seed, sensible on clear cases."""

from __future__ import annotations

import numpy as np
import pytest

from actorstance.labels import LabelSchema
from eval.bootstrap import CountTable, confidence_intervals, paired_bootstrap, resample_weights
from eval.metrics import article_counts, headline
from tests.test_eval_helpers import gold_article

LABELS = LabelSchema.default()


def _corpus(n: int = 8):
    gold = [gold_article(article_id=f"a{i}") for i in range(n)]
    # half the articles predicted perfectly, the other half with no stances
    predicted = [g if i % 2 else g.model_copy(update={"stances": []}) for i, g in enumerate(gold)]
    empty = [g.model_copy(update={"actors": [], "mentions": [], "stances": []}) for g in gold]
    return gold, predicted, empty


def _table(gold, predicted):
    return CountTable([g.id for g in gold], [article_counts(g, p, LABELS) for g, p in zip(gold, predicted)])


def statistic(totals):
    return headline(totals, LABELS, None, None)


def test_weights_are_deterministic_per_seed_and_sum_to_the_article_count():
    first = np.concatenate(list(resample_weights(5, 450, seed=3)))
    again = np.concatenate(list(resample_weights(5, 450, seed=3)))
    other = np.concatenate(list(resample_weights(5, 450, seed=4)))
    assert first.shape == (450, 5) and (first.sum(axis=1) == 5).all()
    assert np.array_equal(first, again) and not np.array_equal(first, other)


def test_confidence_intervals_are_deterministic_and_bracket_the_value():
    gold, predicted, _ = _corpus()
    table = _table(gold, predicted)
    first = confidence_intervals(table, statistic, n_resamples=300, seed=7)
    assert first == confidence_intervals(table, statistic, n_resamples=300, seed=7)
    assert first != confidence_intervals(table, statistic, n_resamples=300, seed=8)
    stance = first["e2e_stance_f1"]
    assert stance["value"] == pytest.approx(2 / 3)  # recall 1/2, precision 1
    assert 0.0 <= stance["ci_low"] < stance["value"] < stance["ci_high"] <= 1.0
    mention = first["mention_strict_f1"]
    assert mention == {"value": 1.0, "ci_low": 1.0, "ci_high": 1.0}
    assert confidence_intervals(table, statistic, n_resamples=0)["e2e_stance_f1"]["ci_low"] is None


def test_paired_bootstrap_finds_a_clear_difference_and_none_against_itself():
    gold, predicted, empty = _corpus()
    good, bad = _table(gold, predicted), _table(gold, empty)
    result = paired_bootstrap(good, bad, statistic, n_resamples=200, seed=0)
    assert result["mention_strict_f1"]["delta"] == 1.0
    assert result["mention_strict_f1"]["p_value"] == pytest.approx(1 / 201)
    same = paired_bootstrap(good, good, statistic, n_resamples=200, seed=0)
    assert same["e2e_stance_f1"] == {"delta": 0.0, "p_value": 1.0, "ci_low": 0.0, "ci_high": 0.0}
    with pytest.raises(ValueError, match="same articles"):
        paired_bootstrap(good, good.subset([0, 1]), statistic, n_resamples=10)
