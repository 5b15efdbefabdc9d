"""scripts/decision_variants.py: each variant's pooling on a hand-computed pair, eval's counting, and the
shipped variant giving exactly the Predictor's own pair scores."""

from __future__ import annotations

import numpy as np
import pytest

from actorstance.schema import Article, Stance
from actorstance.dataset import StanceContext
from tests.test_docs import _script

variants = _script("decision_variants")
CLASSES = ["NONE", "SUPPORT", "OPPOSE", "NEUTRAL"]
CONTEXTS = [StanceContext("a", "IRN", "HEZ", 0, 10, (), ()), StanceContext("a", "IRN", "HEZ", 20, 30, (), ())]
DISTRIBUTIONS = [np.array([0.7, 0.2, 0.05, 0.05]), np.array([0.4, 0.1, 0.45, 0.05])]


def _pooled(name: str, biases: tuple[float, float] = (0.0, 0.0)):
    variant = next(variant for variant in variants.VARIANTS if variant.name == name)
    return variants.pool(variants.pair_contexts(CONTEXTS, DISTRIBUTIONS), CLASSES, variant, biases)[("a", "IRN", "HEZ")]


@pytest.mark.parametrize(
    ("name", "biases", "score", "label"),
    [
        ("strongest context", (0.0, 0.0), 0.6, "OPPOSE"),  # the second context: 1 - 0.4, its likeliest stance
        ("label biases", (3.0, 0.0), 0.6, "NEUTRAL"),  # log 0.05 + 3 = 0.004 > log 0.45 = -0.80
        ("weighted labels", (0.0, 0.0), 0.6, "OPPOSE"),  # 0.3 * (.2, .05, .05) + 0.6 * (.1, .45, .05) = (.12, .285, .045)
        ("noisy-OR", (0.0, 0.0), 0.72, "OPPOSE"),  # 1 - 0.7 * 0.4
        ("mean score", (0.0, 0.0), 0.45, "OPPOSE"),  # (0.3 + 0.6) / 2
    ],
)
def test_each_variant_pools_a_pairs_contexts(name, biases, score, label):
    pooled = _pooled(name, biases)
    assert (pooled.score, pooled.label, pooled.evidence, pooled.contexts) == (pytest.approx(score), label, (20, 30), 2)


def test_weighted_labels_let_many_weak_contexts_outvote_the_strongest():
    contexts = CONTEXTS + [StanceContext("a", "IRN", "HEZ", 40, 50, (), ())]
    distributions = [np.array([0.5, 0.5, 0.0, 0.0]), np.array([0.45, 0.0, 0.55, 0.0]), np.array([0.5, 0.5, 0.0, 0.0])]
    pairs = variants.pair_contexts(contexts, distributions)
    shipped, weighted = (next(v for v in variants.VARIANTS if v.name == name) for name in ("strongest context", "weighted labels"))
    assert variants.pool(pairs, CLASSES, shipped, (0.0, 0.0))[("a", "IRN", "HEZ")].label == "OPPOSE"
    assert variants.pool(pairs, CLASSES, weighted, (0.0, 0.0))[("a", "IRN", "HEZ")].label == "SUPPORT"  # 0.5 > 0.3025


def test_stance_scores_count_as_eval_does():
    gold = Article(id="a", text="x", stances=[Stance(holder="A", target="B", label="SUPPORT"), Stance(holder="B", target="A", label="OPPOSE")])
    predicted = {"a": [Stance(holder="A", target="B", label="SUPPORT"), Stance(holder="C", target="A", label="NEUTRAL")]}
    macro, edge_f1 = variants.stance_scores([gold], predicted, ["SUPPORT", "OPPOSE", "NEUTRAL"])
    assert macro == pytest.approx((1.0 + 0.0 + 0.0) / 3)  # SUPPORT right; OPPOSE missed; NEUTRAL invented
    assert edge_f1 == pytest.approx(0.5)  # 1 right of 2 predicted and 2 gold


def test_the_shipped_variant_is_the_predictors_own_pooling(predictor, small_corpus):
    articles = [article.model_copy(update={"stances": []}) for article in small_corpus]
    pairs = variants.pair_contexts(*predictor.stance_distributions(articles))
    shipped = next(v for v in variants.VARIANTS if v.name == variants.SHIPPED)
    pooled = variants.pool(pairs, predictor.labels.stance_classes, shipped, (0.0, 0.0))
    expected = predictor.pair_scores(articles)
    assert pooled.keys() == expected.keys() and pooled
    for key, pair in expected.items():
        assert (pooled[key].score, pooled[key].label, pooled[key].evidence) == (pytest.approx(pair.score), pair.label, pair.evidence)
