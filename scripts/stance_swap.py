"""Stance models compared under one tagger: each run's stance classifier scored on the actors of one run.

    python scripts/stance_swap.py runs/default --stance runs/default runs/stance-mpnet [--split validation] \\
        --output benchmarks/results/stance-encoder-validation.json

A stance model trained on its own (``configs/stance-only.yaml``, any encoder) cannot be scored end to end
by itself: it has no tagger. Here the actors run (first argument) predicts mentions and actors, end to end
and for the gold mentions, and each ``--stance`` run decides the stance graph on those same actors with its
own decision file (`Predictor.predict_stances` on the predicted actors), so the
stance models differ and nothing else does. Listing the actors run among the ``--stance`` runs gives its
own evaluation, the baseline of the same tagger.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from actorstance.atomic import atomic_write_text
from actorstance.corpus import load_corpus
from actorstance.predict_io import load_predictor
from actorstance.schema import Article
from eval.runner import evaluate_predictions

HEADLINE = ("stance_macro_f1", "stance_accuracy", "e2e_stance_f1", "e2e_stance_macro_f1")


def swap_scores(actors_predictor, stance_predictor, gold: list[Article], end_to_end: list[Article], given: list[Article], bootstrap: int) -> dict:
    """Headline stance scores (with intervals) and per-label F1 given gold actors of ``stance_predictor``
    deciding on ``end_to_end`` and ``given``, the actors run's predictions of ``gold``."""
    metrics = evaluate_predictions(
        gold, stance_predictor.predict_stances(end_to_end), stance_predictor.predict_stances(given), actors_predictor.labels,
        n_bootstrap=bootstrap, tasks=("roles", "stance"),
    )  # fmt: skip
    headline = {name: metrics["headline"][name] for name in HEADLINE}
    per_label = metrics["gold_mentions"]["stances"]["per_label"]
    return {"headline": headline, "label_f1_gold_actors": {label: scores["f1"] for label, scores in per_label.items()}}


def describe(run_dir: Path, config) -> dict:
    """What the stance run is (``config``, its RunConfig): its encoder, training settings and training time."""
    metrics = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8"))
    training = config.training
    return {
        "run": str(run_dir), "tasks": list(config.tasks), "encoder": config.model.name, "seed": config.seed,
        "learning_rate": training.learning_rate, "epochs": training.epochs, "threads": training.threads,
        "train_time_s": metrics.get("train_time_s"),
        "num_parameters": metrics.get("num_parameters"),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("actors_run", type=Path, help="the run whose tagger and grouping predict the actors")
    parser.add_argument("--stance", type=Path, nargs="+", required=True, help="runs whose stance models are compared")
    parser.add_argument("--split", default="validation")
    parser.add_argument("--bootstrap", type=int, default=1000, help="article resamples for the intervals (0: none)")
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args(argv)
    actors_predictor = load_predictor(args.actors_run)
    gold = [a for a in load_corpus(actors_predictor.config.data.paths, actors_predictor.labels) if a.split == args.split]
    texts = [article.model_copy(update={"stances": [], "mentions": [], "actors": []}) for article in gold]
    end_to_end = actors_predictor.predict_actors(texts)
    given = actors_predictor.predict_actors([article.model_copy(update={"stances": []}) for article in gold], gold_mentions=True)
    result: dict = {"actors_run": str(args.actors_run), "split": args.split, "articles": len(gold), "stance_runs": []}
    for run_dir in args.stance:
        stance_predictor = load_predictor(run_dir)
        scores = swap_scores(actors_predictor, stance_predictor, gold, end_to_end, given, args.bootstrap)
        result["stance_runs"].append(describe(run_dir, stance_predictor.config) | scores)
        print(run_dir, json.dumps({name: round(entry["value"], 4) for name, entry in scores["headline"].items()}), flush=True)
    result["command"] = "python scripts/stance_swap.py " + " ".join(sys.argv[1:] if argv is None else argv)
    atomic_write_text(args.output, json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
