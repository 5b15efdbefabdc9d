"""The token vote's pooling of an actor's mention scores (`predictor.pool_role_scores`), by hand."""

from __future__ import annotations

import numpy as np
import pytest

from actorstance.config import RolesConfig
from actorstance.predictor import pool_role_scores


def test_mean_sums_the_raw_scores_so_a_mention_weighs_as_much_as_it_is_tagged():
    pooled = pool_role_scores([np.array([0.6, 0.2]), np.array([0.1, 0.1])], "mean")
    assert pooled == pytest.approx([0.7, 0.3])  # (0.6 + 0.1, 0.2 + 0.1) / 1.0


def test_geometric_lets_the_role_every_mention_finds_likely_beat_one_a_single_mention_is_sure_of():
    scores = [np.array([0.9, 0.1, 0.0]), np.array([0.0, 0.5, 0.5])]
    assert pool_role_scores(scores, "mean").argmax() == 0  # sums 0.9, 0.6, 0.5
    # sqrt(0.9 * 0.001), sqrt(0.1 * 0.5), sqrt(0.001 * 0.5) = 0.03, 0.223607, 0.022361; normalised:
    assert pool_role_scores(scores, "geometric") == pytest.approx([0.108708, 0.810266, 0.081026], abs=1e-6)


def test_one_mention_gives_its_own_normalised_scores_either_way():
    score = np.array([0.3, 0.1, 0.0, 0.1])
    for vote in ("mean", "geometric"):
        assert pool_role_scores([score], vote) == pytest.approx([0.6, 0.2, 0.0, 0.2])


def test_an_unknown_vote_is_refused_and_the_config_defaults_to_geometric():
    with pytest.raises(ValueError, match="roles.vote: expected 'geometric' or 'mean', got 'median'"):
        pool_role_scores([np.array([0.5, 0.5])], "median")
    assert RolesConfig().vote == "geometric"
