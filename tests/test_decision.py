"""One stance decision per actor pair: pooling, the joint direction rule, fitting and the decision file."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from actorstance.decision import DECISION_FILE, PairDecision, decide, fit_decision, pool_contexts
from actorstance.schema import Article, Stance

CLASSES = ["NONE", "SUPPORT", "OPPOSE", "NEUTRAL"]


def context(holder, target, start=0, end=10, article="a"):
    return SimpleNamespace(article_id=article, holder=holder, target=target, start=start, end=end)


def distribution(none, support=0.0, oppose=0.0, neutral=0.0):
    return np.array([none, support, oppose, neutral])


def test_pooling_keeps_the_strongest_context_and_lets_none_win():
    contexts = [context("A", "B", 0, 10), context("A", "B", 20, 30), context("B", "C")]
    distributions = [distribution(0.7, 0.3), distribution(0.4, 0.1, 0.5), distribution(0.9, 0.05, 0.05)]
    pooled = pool_contexts(contexts, distributions, CLASSES)
    ab = pooled[("a", "A", "B")]
    assert (ab.label, ab.score, ab.evidence, ab.contexts) == ("OPPOSE", pytest.approx(0.6), (20, 30), 2)
    bc = pooled[("a", "B", "C")]
    assert bc.score == pytest.approx(0.1) and bc.label in ("SUPPORT", "OPPOSE")
    edges = decide(pooled, PairDecision(threshold=0.5))
    assert [(s.holder, s.target, s.label, s.score) for s in edges["a"]] == [("A", "B", "OPPOSE", 0.6)]


def test_none_class_need_not_be_first():
    classes = ["SUPPORT", "NONE", "OPPOSE"]
    pooled = pool_contexts([context("A", "B")], [np.array([0.3, 0.6, 0.1])], classes)
    assert pooled[("a", "A", "B")].score == pytest.approx(0.4) and pooled[("a", "A", "B")].label == "SUPPORT"


def test_the_weaker_direction_loses_the_reverse_margin():
    pooled = pool_contexts(
        [context("A", "B"), context("B", "A")], [distribution(0.2, 0.8), distribution(0.3, 0.7)], CLASSES
    )
    both = decide(pooled, PairDecision(threshold=0.6, reverse_margin=0.0))["a"]
    assert [(s.holder, s.target) for s in both] == [("A", "B"), ("B", "A")]
    one = decide(pooled, PairDecision(threshold=0.6, reverse_margin=0.2))["a"]
    assert [(s.holder, s.target, s.score) for s in one] == [("A", "B", 0.8)]
    # min_score overrides the threshold; the margin still applies: B -> A scores 0.7 - 0.2
    lowered = decide(pooled, PairDecision(threshold=0.6, reverse_margin=0.2), min_score=0.5)["a"]
    assert [(s.holder, s.target, s.score) for s in lowered] == [("A", "B", 0.8), ("B", "A", 0.5)]


def test_fit_picks_the_threshold_with_the_best_edge_f1():
    """Gold: A -> B SUPPORT only. Scores: A -> B 0.9 (SUPPORT), B -> C 0.5 (OPPOSE, wrong).
    Any threshold up to 0.50 keeps both (F1 2/3); above 0.50 and up to 0.90 keeps A -> B alone (F1 1);
    the highest such threshold in the grid wins the tie: 0.90."""
    pooled = pool_contexts([context("A", "B"), context("B", "C")], [distribution(0.1, 0.9), distribution(0.5, 0, 0.5)], CLASSES)
    gold = [Article(id="a", text="x", stances=[Stance(holder="A", target="B", label="SUPPORT")])]
    decision = fit_decision(pooled, gold, none_odds_correction=2.0, fitted_on={"split": "validation"})
    assert decision.threshold == pytest.approx(0.9)
    assert decision.reverse_margin == 0.0 and decision.none_odds_correction == 2.0
    assert decision.fitted_on == {"split": "validation", "edge_f1": 1.0, "gold_edges": 1, "candidate_pairs": 2}


def test_decision_file_round_trip_and_errors(tmp_path):
    decision = PairDecision(threshold=0.42, reverse_margin=0.1, none_odds_correction=3.5, fitted_on={"articles": 25})
    path = decision.save(tmp_path)
    assert path == tmp_path / DECISION_FILE
    assert PairDecision.load(tmp_path) == decision
    assert PairDecision.load(tmp_path / "nowhere") is None
    path.write_text(json.dumps({"reverse_margin": 0.1}))
    with pytest.raises(ValueError, match=rf"{DECISION_FILE}: corrupt decision file \(KeyError"):
        PairDecision.load(tmp_path)
