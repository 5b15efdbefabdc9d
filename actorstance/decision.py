"""One stance decision per actor pair: pool the contexts of a pair, decide both directions together,
and keep an edge only when its score reaches a threshold fitted on validation data.

The classifier scores contexts (stretches of text where two actors are both mentioned). A pair's
score is the strongest evidence any of its contexts gives that a stance is stated,
``max_i (1 - P_i(NONE))``, and its label is that context's most probable stated label, so NONE wins a
pair unless some context is confident enough. The two directions of a pair are decided jointly:
the weaker direction's score is lowered by ``reverse_margin``, so ``B -> A`` survives beside
``A -> B`` only when the text states it about as strongly (the classifier often mirrors a stance).

`PairDecision` is saved as ``decision.json`` in the run directory (fitted by `fit_decision` at the
end of training); ``min_score`` at predict time overrides its threshold.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .labels import NONE_LABEL
from .schema import Article, Span, Stance

__all__ = [
    "DECISION_FILE",
    "PairDecision",
    "PairScore",
    "pool_contexts",
    "decide",
    "fit_decision",
    "none_odds_correction",
]

DECISION_FILE = "decision.json"

_THRESHOLDS = np.round(np.arange(0.02, 0.99, 0.02), 2)
_MARGINS = (0.0, 0.05, 0.1, 0.2, 0.3, 1.0)


@dataclass(frozen=True)
class PairDecision:
    """The fitted decision rule of a run (``decision.json``)."""

    threshold: float
    reverse_margin: float = 0.0
    none_odds_correction: float = 1.0
    fitted_on: dict = field(default_factory=dict)

    def summary(self) -> dict:
        """Threshold, reverse margin and what it was fitted on, in one flat dict (metrics.json, model cards)."""
        return {"threshold": self.threshold, "reverse_margin": self.reverse_margin, **self.fitted_on}

    def save(self, run_dir: str | Path) -> Path:
        from .atomic import atomic_write_text

        path = Path(run_dir) / DECISION_FILE
        atomic_write_text(path, json.dumps(asdict(self), indent=2))
        return path

    @classmethod
    def load(cls, run_dir: str | Path) -> PairDecision | None:
        """The run's decision, or None for a run trained before decisions were saved."""
        path = Path(run_dir) / DECISION_FILE
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                threshold=float(data["threshold"]),
                reverse_margin=float(data.get("reverse_margin", 0.0)),
                none_odds_correction=float(data.get("none_odds_correction", 1.0)),
                fitted_on=dict(data.get("fitted_on") or {}),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path}: corrupt decision file ({type(error).__name__}: {error})") from None


def none_odds_correction(prior: dict | None) -> float:
    """The factor that undoes training's NONE subsampling, from ``{"natural": ..., "trained": ...}``
    NONE-per-stance ratios (metrics.json's ``stance_none_per_positive``); 1 when either is missing."""
    prior = prior or {}
    return prior["natural"] / prior["trained"] if prior.get("trained") and prior.get("natural") else 1.0


@dataclass
class PairScore:
    """The pooled evidence for one ordered pair of one article."""

    article_id: str
    holder: str
    target: str
    score: float  # max over contexts of 1 - P(NONE)
    label: str  # most probable stated label in the strongest context
    evidence: tuple[int, int]  # that context's character range
    contexts: int = 1


def pool_contexts(contexts: Sequence, distributions: Sequence[np.ndarray], classes: Sequence[str]) -> dict[tuple[str, str, str], PairScore]:
    """``(article_id, holder, target) -> PairScore`` from per-context class distributions.

    ``contexts`` need ``article_id``, ``holder``, ``target``, ``start`` and ``end`` (`StanceContext`).
    """
    none = list(classes).index(NONE_LABEL)
    stated = [index for index in range(len(classes)) if index != none]
    pooled: dict[tuple[str, str, str], PairScore] = {}
    for context, distribution in zip(contexts, distributions):
        key = (context.article_id, context.holder, context.target)
        score = float(1.0 - distribution[none])
        known = pooled.get(key)
        if known is not None:
            known.contexts += 1
            if score <= known.score:
                continue
        label = classes[stated[int(np.argmax(distribution[stated]))]]
        pooled[key] = PairScore(*key, score, label, (context.start, context.end), known.contexts if known else 1)
    return pooled


def _joint_scores(pooled: dict[tuple[str, str, str], PairScore], reverse_margin: float) -> dict[tuple[str, str, str], float]:
    """Decision score per ordered pair: the weaker direction of a pair loses ``reverse_margin``."""
    scores = {}
    for key, pair in pooled.items():
        reverse = pooled.get((pair.article_id, pair.target, pair.holder))
        weaker = reverse is not None and (reverse.score, reverse.holder) > (pair.score, pair.holder)
        scores[key] = max(0.0, pair.score - reverse_margin) if weaker else pair.score
    return scores


def decide(
    pooled: dict[tuple[str, str, str], PairScore], decision: PairDecision, min_score: float | None = None
) -> dict[str, list[Stance]]:
    """Article id -> the stance edges that pass the decision (``min_score`` overrides its threshold)."""
    threshold = decision.threshold if min_score is None else min_score
    edges: dict[str, list[Stance]] = {}
    for key, score in sorted(_joint_scores(pooled, decision.reverse_margin).items()):
        score = round(score, 4)  # as written in the record, so that filtering written edges by score gives the same edges
        if score < threshold:
            continue
        pair = pooled[key]
        edges.setdefault(pair.article_id, []).append(
            Stance(
                holder=pair.holder, target=pair.target, label=pair.label,
                evidence=[Span(start=pair.evidence[0], end=pair.evidence[1])], score=score,
            )  # fmt: skip
        )
    return edges


def _edge_f1(pooled, gold_edges: dict[tuple[str, str, str], str], reverse_margin: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall and F1 of labelled edges at every threshold of ``_THRESHOLDS``."""
    scores = _joint_scores(pooled, reverse_margin)
    keys = list(scores)
    values = np.array([scores[key] for key in keys])
    correct = np.array([gold_edges.get(key) == pooled[key].label for key in keys])
    kept = values[None, :] >= _THRESHOLDS[:, None]
    true_positive = (kept & correct[None, :]).sum(axis=1)
    predicted = kept.sum(axis=1)
    precision = np.divide(true_positive, predicted, out=np.zeros(len(_THRESHOLDS)), where=predicted > 0)
    recall = true_positive / max(len(gold_edges), 1)
    f1 = np.divide(2 * precision * recall, precision + recall, out=np.zeros(len(_THRESHOLDS)), where=precision + recall > 0)
    return precision, recall, f1


def fit_decision(
    pooled: dict[tuple[str, str, str], PairScore],
    gold: Iterable[Article],
    none_odds_correction: float = 1.0,
    fitted_on: dict | None = None,
) -> PairDecision:
    """The threshold and reverse margin with the best labelled-edge F1 against ``gold`` stances.

    Ties go to the higher threshold (fewer edges), then the smaller margin.
    """
    gold_edges = {(article.id, s.holder, s.target): s.label for article in gold for s in article.stances}
    best: tuple[float, float, float] | None = None
    for margin in _MARGINS:
        _, _, f1 = _edge_f1(pooled, gold_edges, margin)
        index = int(np.flatnonzero(f1 == f1.max())[-1])
        candidate = (float(f1[index]), float(_THRESHOLDS[index]), -margin)
        if best is None or candidate > best:
            best = candidate
    assert best is not None
    f1, threshold, negative_margin = best
    info = {**(fitted_on or {}), "edge_f1": round(f1, 4), "gold_edges": len(gold_edges), "candidate_pairs": len(pooled)}
    return PairDecision(threshold=threshold, reverse_margin=-negative_margin, none_odds_correction=none_odds_correction, fitted_on=info)
