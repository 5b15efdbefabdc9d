"""Would another stance decision rule beat the shipped one? Cross-fitted on the validation split.

    python scripts/decision_variants.py RUN [RUN ...] [--split validation] [--halvings 10]
        [--output benchmarks/results/decision-variants-validation.json]

The weights are the runs'; only the decision changes. Each run scores the candidate pairs of the
split's articles once, given gold actors (`Predictor.stance_distributions`). Then, ``--halvings``
times, the articles are cut into two random halves: every variant fits its free parameters on one
half (the threshold and reverse margin of `decision.fit_decision`, and label biases where it has
them) and is scored on the other, and the other way round, so a variant with more parameters gains
nothing from fitting them on the articles it is scored on. Scores are those of ``eval``: stance
macro-F1 given gold actors (NONE excluded) and labelled edge F1 given gold actors.

Variants:
  strongest context   the shipped rule: a pair's score is the largest 1 - P(NONE) of its contexts,
                      its label the likeliest stance of that context
  label biases        + log-odds added to NEUTRAL and OPPOSE before a label is picked (fitted for
                      macro-F1 on the grid `BIAS_GRID`): decision-time class-imbalance handling
  weighted labels     the label from all the pair's contexts, each context's stance distribution
                      weighted by its 1 - P(NONE)
  noisy-OR            a pair's score is 1 - the product of its contexts' P(NONE)
  mean score          a pair's score is the mean of its contexts' 1 - P(NONE)
"""

from __future__ import annotations

import argparse
import json
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from actorstance.atomic import atomic_write_text
from actorstance.corpus import load_corpus
from actorstance.decision import PairScore, decide, fit_decision
from actorstance.labels import NONE_LABEL
from actorstance.machine import git_commit, git_dirty
from actorstance.predict_io import load_predictor
from actorstance.schema import Article, Stance
from eval.metrics import stance_label_lists

REPO = Path(__file__).resolve().parent.parent
SHIPPED = "strongest context"
BIAS_GRID = tuple((neutral, oppose) for neutral in (0.0, 0.5, 1.0, 1.5, 2.0, 3.0) for oppose in (-0.5, 0.0, 0.5, 1.0))


@dataclass(frozen=True)
class Variant:
    name: str
    score: Callable[[np.ndarray], float]  # a pair's score from its contexts' P(NONE)
    weighted_labels: bool = False
    label_biases: bool = False


def _strongest(none: np.ndarray) -> float:
    return float(np.max(1.0 - none))


VARIANTS = (
    Variant(SHIPPED, _strongest),
    Variant("label biases", _strongest, label_biases=True),
    Variant("weighted labels", _strongest, weighted_labels=True),
    Variant("noisy-OR", lambda none: float(1.0 - np.prod(none))),
    Variant("mean score", lambda none: float(np.mean(1.0 - none))),
)


@dataclass
class PairContexts:
    """The contexts of one ordered pair: their character ranges and class distributions (rows)."""

    spans: list[tuple[int, int]]
    distributions: np.ndarray


def pair_contexts(contexts: Sequence, distributions: Sequence[np.ndarray]) -> dict[tuple[str, str, str], PairContexts]:
    grouped: dict[tuple[str, str, str], tuple[list, list]] = {}
    for context, distribution in zip(contexts, distributions):
        spans, rows = grouped.setdefault((context.article_id, context.holder, context.target), ([], []))
        spans.append((context.start, context.end))
        rows.append(distribution)
    return {key: PairContexts(spans, np.stack(rows)) for key, (spans, rows) in grouped.items()}


def pool(
    pairs: dict[tuple[str, str, str], PairContexts], classes: Sequence[str], variant: Variant, biases: tuple[float, float]
) -> dict[tuple[str, str, str], PairScore]:
    """Each pair's `PairScore` under ``variant`` with ``biases`` (NEUTRAL, OPPOSE) on the label's log-odds."""
    none = list(classes).index(NONE_LABEL)
    stated = [index for index in range(len(classes)) if index != none]
    offsets = np.array([dict(zip(("NEUTRAL", "OPPOSE"), biases)).get(classes[index], 0.0) for index in stated])
    pooled = {}
    for key, pair in pairs.items():
        strongest = int(np.argmax(1.0 - pair.distributions[:, none]))
        if variant.weighted_labels:
            evidence = ((1.0 - pair.distributions[:, none])[:, None] * pair.distributions[:, stated]).sum(axis=0)
        else:
            evidence = pair.distributions[strongest, stated]
        label = classes[stated[int(np.argmax(np.log(evidence + 1e-12) + offsets))]]
        score = variant.score(pair.distributions[:, none])
        pooled[key] = PairScore(*key, score, label, pair.spans[strongest], len(pair.spans))
    return pooled


def stance_scores(articles: Sequence[Article], edges: dict[str, list[Stance]], labels: Sequence[str]) -> tuple[float, float]:
    """(stance macro-F1 over ``labels``, labelled edge F1) of ``edges`` against the gold ``articles``, over
    ``eval``'s candidate pairs (`eval.metrics.stance_label_lists`); the edge F1 is the micro F1 over ``labels``."""
    from sklearn.metrics import f1_score

    y_true, y_pred = stance_label_lists([(article, article.model_copy(update={"stances": edges.get(article.id, [])})) for article in articles])
    return tuple(float(f1_score(y_true, y_pred, labels=list(labels), average=average, zero_division=0)) for average in ("macro", "micro"))


def stated_labels(classes: Sequence[str]) -> list[str]:
    return [label for label in classes if label != NONE_LABEL]


def fit_and_score(pairs, classes: Sequence[str], variant: Variant, fit_on: list[Article], score_on: list[Article]) -> tuple[float, float]:
    """Fit ``variant`` on the articles ``fit_on`` (best macro-F1 over its biases), score it on ``score_on``."""
    fit_ids, score_ids = {a.id for a in fit_on}, {a.id for a in score_on}
    fit_pairs = {key: pair for key, pair in pairs.items() if key[0] in fit_ids}
    best = None
    for biases in BIAS_GRID if variant.label_biases else ((0.0, 0.0),):
        pooled = pool(fit_pairs, classes, variant, biases)
        decision = fit_decision(pooled, fit_on)
        macro = stance_scores(fit_on, decide(pooled, decision), stated_labels(classes))[0]
        if best is None or macro > best[0]:
            best = (macro, biases, decision)
    _, biases, decision = best
    held_out = pool({key: pair for key, pair in pairs.items() if key[0] in score_ids}, classes, variant, biases)
    return stance_scores(score_on, decide(held_out, decision), stated_labels(classes))


def compare(run_dir: Path, split: str, halvings: int, data: Path) -> dict:
    predictor = load_predictor(run_dir)
    articles = [article for article in load_corpus(data, predictor.labels) if article.split == split]
    given = [article.model_copy(update={"stances": []}) for article in articles]
    contexts, distributions = predictor.stance_distributions(given)
    pairs, classes = pair_contexts(contexts, distributions), predictor.labels.stance_classes
    rng = np.random.default_rng(0)
    held_out: dict[str, list[tuple[float, float]]] = {variant.name: [] for variant in VARIANTS}
    for _ in range(halvings):
        order = rng.permutation(len(articles))
        halves = [[articles[i] for i in order[: len(order) // 2]], [articles[i] for i in order[len(order) // 2 :]]]
        for fit_on, score_on in (halves, halves[::-1]):
            for variant in VARIANTS:
                held_out[variant.name].append(fit_and_score(pairs, classes, variant, fit_on, score_on))
    shipped = np.array(held_out[SHIPPED])
    result = {}
    for name, scores in held_out.items():
        values = np.array(scores)
        result[name] = {
            "macro_f1": round(float(values[:, 0].mean()), 4),
            "edge_f1": round(float(values[:, 1].mean()), 4),
            "macro_f1_minus_shipped": round(float((values[:, 0] - shipped[:, 0]).mean()), 4),
            "halves_above_shipped": int((values[:, 0] > shipped[:, 0]).sum()),
            "halves_below_shipped": int((values[:, 0] < shipped[:, 0]).sum()),
        }
    return {"articles": len(articles), "candidate_pairs": len(pairs), "contexts": len(contexts), "variants": result}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", type=Path, nargs="+")
    parser.add_argument("--split", default="validation")
    parser.add_argument("--halvings", type=int, default=10, help="random halvings of the articles (each scored both ways)")
    parser.add_argument("--data", type=Path, default=REPO / "data" / "corpus")
    parser.add_argument("--output", type=Path, help="default: benchmarks/results/decision-variants-SPLIT.json")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message=".*markers did not fit.*")
    runs = {str(run): compare(run, args.split, args.halvings, args.data) for run in args.runs}
    summary = {
        variant.name: {
            "macro_f1_minus_shipped": [runs[run]["variants"][variant.name]["macro_f1_minus_shipped"] for run in runs],
            "edge_f1": [runs[run]["variants"][variant.name]["edge_f1"] for run in runs],
        }
        for variant in VARIANTS
    }
    result = {"split": args.split, "halvings": args.halvings, "runs": runs, "summary": summary, "git_commit": git_commit(), "git_dirty": git_dirty()}
    output = args.output or REPO / "benchmarks" / "results" / f"decision-variants-{args.split}.json"
    atomic_write_text(output, json.dumps(result, indent=2) + "\n")
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
