"""benchmarks/semeval_sentiment_transfer.py: the sentiment features of an entity, the per-fold classifier
and the bootstrap intervals, on hand-computed cases."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from actorstance.schema import Actor, Article, Mention
from benchmarks.semeval_sentiment_transfer import fit_fold, main_role_intervals, sentiment_features

MAIN_OF = {"Instigator": "Antagonist", "Tyrant": "Antagonist", "Guardian": "Protagonist", "Victim": "Innocent"}


def _article(article_id: str, roles: list[str]) -> Article:
    text = " ".join(f"E{index}" for index in range(len(roles)))
    actors = [Actor(id=f"E{index}", name=f"E{index}", role=role) for index, role in enumerate(roles)]
    mentions = [Mention(start=3 * index, end=3 * index + 2, text=f"E{index}", actor=f"E{index}") for index in range(len(roles))]
    return Article(id=article_id, text=text, actors=actors, mentions=mentions)


class _Predictor:
    """The two things the features read: the stance classes and per-context distributions."""

    labels = SimpleNamespace(stance_classes=["NONE", "SUPPORT", "OPPOSE", "NEUTRAL"])

    def __init__(self, rows):
        self.rows = rows

    def _context_distributions(self, articles, batch_size):
        contexts = [SimpleNamespace(article_id=a, holder=h, target=t) for a, h, t, _ in self.rows]
        return contexts, [np.array(p, dtype=float) for *_, p in self.rows]


def test_features_average_the_log_sentiment_of_author_contexts_and_drop_none():
    article = _article("a", ["Instigator", "Guardian"])
    predictor = _Predictor(
        [
            ("a", "AUTHOR", "E0", [0.5, 0.1, 0.3, 0.1]),  # stated part renormalised: 0.2 / 0.6 / 0.2
            ("a", "AUTHOR", "E0", [0.0, 0.2, 0.6, 0.2]),
            ("a", "E1", "E0", [0.0, 1.0, 0.0, 0.0]),  # not the author's: ignored
        ]
    )
    features = sentiment_features(predictor, [article])
    np.testing.assert_allclose(features[("a", "E0")], np.log(np.array([0.2, 0.6, 0.2]) + 1e-6), atol=1e-9)
    np.testing.assert_allclose(features[("a", "E1")], np.log(np.full(3, 1 / 3)))  # no context: no evidence


def test_intervals_hold_the_pooled_accuracy_and_the_gain_over_the_majority_class():
    gold = [_article("a", ["Instigator", "Guardian", "Victim"]), _article("b", ["Guardian"])]
    predicted = [_article("a", ["Tyrant", "Guardian", "Instigator"]), _article("b", ["Instigator"])]
    result = main_role_intervals(gold, predicted, ["Antagonist", "Antagonist"], MAIN_OF)
    # main roles right: E0 (Antagonist) and E1 (Protagonist) of a; the majority is right on a's E0 only
    assert result["main_role_accuracy"]["value"] == pytest.approx(2 / 4)
    assert result["gain_over_majority"]["value"] == pytest.approx((2 - 1) / 4)
    for entry in result.values():
        assert entry["ci_low"] <= entry["value"] <= entry["ci_high"]


def test_a_fold_classifier_separates_roles_the_features_separate():
    x = np.array([[-0.1, -3.0, -1.0]] * 12 + [[-3.0, -0.1, -1.0]] * 12)
    y = np.array(["Protagonist"] * 12 + ["Antagonist"] * 12)
    groups = np.array([f"article-{index % 8}" for index in range(24)])
    model, chosen = fit_fold(x, y, groups)
    assert list(model.predict(np.array([[-0.2, -2.5, -1.0], [-2.5, -0.2, -1.0]]))) == ["Protagonist", "Antagonist"]
    assert set(chosen) == {"C", "class_weight"}
