"""Choose ``actors.min_unnamed_confidence``: actor scores end to end for each floor, over runs.

    python scripts/actor_floor.py RUN_DIR [RUN_DIR ...] [--split validation] [--floors 0 0.6 0.7 0.8 0.85 0.9 0.95 1]
                                  [--stances] [--output benchmarks/results/actor-floor-validation.json]

An unnamed actor ("villagers", "a displaced mother") whose most confident mention scores below the
floor is dropped (`actorstance.grouping`, step 6). The tagger runs once per floor on the same
weights (`Predictor.predict_actors`: mentions, actors and roles, no stances, so each floor costs
seconds); every floor is scored with `eval.metrics.score_articles` on the gold articles of the
split: actor F1, the grouping's CoNLL F1, strict mention F1 and the predicted/gold actor ratio,
per run and as the mean over the runs (several seeds of one config). ``--stances`` predicts the
stance graph too (the run's fitted decision; a stance pass per floor, so minutes rather than
seconds) and adds end-to-end stance F1 and the predicted/gold edge ratio: the floor is there for
the stance graph. Choose on ``validation``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
from pathlib import Path

from actorstance.atomic import atomic_write_text
from actorstance.predict_io import load_predictor
from eval.metrics import score_articles
from eval.runner import load_gold

REPORTED = ("actor_f1", "coref_conll_f1", "mention_strict_f1")
REPORTED_WITH_STANCES = ("e2e_stance_f1",)


def floor_scores(predictor, gold: list, floor: float, stances: bool = False) -> dict:
    """The actor measures (and with ``stances`` the end-to-end stance measures) of ``predictor`` on
    ``gold`` with the floor set to ``floor``."""
    predictor.config.actors.min_unnamed_confidence = floor
    inputs = [article.model_copy(update={"mentions": [], "actors": [], "stances": []}) for article in gold]
    if stances:
        predicted = predictor.predict_articles(inputs)
        metrics = score_articles(gold, predicted, predictor.labels)
    else:
        predicted = predictor.predict_actors(inputs)
        metrics = score_articles([article.model_copy(update={"stances": []}) for article in gold], predicted, predictor.labels)
    scores = {key: metrics["headline"][key] for key in REPORTED + (REPORTED_WITH_STANCES if stances else ())}
    scores["predicted_per_gold_actors"] = metrics["actors"]["predicted_per_gold"]
    scores["predicted_actors"] = sum(len(article.actors) for article in predicted)
    if stances:
        scores["predicted_per_gold_edges"] = sum(len(a.stances) for a in predicted) / max(1, sum(len(a.stances) for a in gold))
    return scores


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dirs", type=Path, nargs="+")
    parser.add_argument("--split", default="validation")
    parser.add_argument("--floors", type=float, nargs="+", default=[0.0, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0])
    parser.add_argument("--stances", action="store_true", help="also predict stances and score the stance graph end to end")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    output = args.output or Path("benchmarks/results") / f"actor-floor-{args.split}.json"
    results: dict = {"runs": {}, "mean": {}}
    for run_dir in args.run_dirs:
        predictor = load_predictor(run_dir)
        gold, source = load_gold(None, args.split, predictor.labels)
        results["data"], results["gold_actors"] = source, sum(len(a.actors) for a in gold)
        results["runs"][str(run_dir)] = {str(floor): floor_scores(predictor, gold, floor, args.stances) for floor in args.floors}
    for floor in map(str, args.floors):
        per_run = [scores[floor] for scores in results["runs"].values()]
        results["mean"][floor] = {key: statistics.fmean(scores[key] for scores in per_run) for key in per_run[0]}
        print(floor, json.dumps({key: round(value, 3) for key, value in results["mean"][floor].items()}), flush=True)
    results["load_average"] = list(os.getloadavg())
    output.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(output, json.dumps(results, indent=2) + "\n")
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
