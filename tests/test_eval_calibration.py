"""Threshold curve and reliability of scored stance edges: hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

from actorstance.schema import Article, Stance
from eval.calibration import reliability, scored_edges, threshold_curve


def test_scored_edges_compare_pair_and_label_with_gold():
    gold = [Article(id="a", text="x", stances=[Stance(holder="A", target="B", label="SUPPORT"),
                                                Stance(holder="B", target="C", label="OPPOSE")])]  # fmt: skip
    scored = [Article(id="a", text="x", stances=[Stance(holder="A", target="B", label="SUPPORT", score=0.9),
                                                  Stance(holder="B", target="C", label="SUPPORT", score=0.6),
                                                  Stance(holder="C", target="A", label="OPPOSE", score=0.2)])]  # fmt: skip
    scores, correct, gold_edges = scored_edges(gold, scored)
    assert scores.tolist() == [0.9, 0.6, 0.2] and correct.tolist() == [True, False, False] and gold_edges == 2


def test_threshold_curve_on_paper():
    scores, correct = np.array([0.9, 0.6, 0.2]), np.array([True, False, False])
    points = threshold_curve(scores, correct, gold_edges=2, thresholds=(0.0, 0.5, 0.95))
    assert [(p["edges"], p["precision"], p["recall"]) for p in points] == [(3, pytest.approx(1 / 3), 0.5), (2, 0.5, 0.5), (0, 0.0, 0.0)]
    assert points[1]["f1"] == pytest.approx(0.5)


def test_reliability_bins_and_expected_calibration_error():
    scores = np.array([0.05, 0.15, 0.95, 0.95])
    correct = np.array([False, False, True, False])
    result = reliability(scores, correct, bins=10)
    assert [(b["low"], b["count"]) for b in result["bins"]] == [(0.0, 1), (pytest.approx(0.1), 1), (pytest.approx(0.9), 2)]
    # |0 - 0.05| * 1/4 + |0 - 0.15| * 1/4 + |0.5 - 0.95| * 2/4
    assert result["ece"] == pytest.approx(0.05 / 4 + 0.15 / 4 + 0.45 / 2) and result["edges"] == 4
    assert reliability(np.array([1.0]), np.array([True]), bins=10)["bins"][0]["high"] == 1.0
