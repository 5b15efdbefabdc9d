"""Choose ``roles.vote``: actor role accuracy given gold mentions for each way of pooling the mentions' tags, over runs.

    python scripts/role_vote.py RUN_DIR [RUN_DIR ...] [--split validation] [--output benchmarks/results/role-vote-validation.json]

With the token vote, an actor's role comes from the role scores of its mentions
(`predictor.pool_role_scores`): their sum (``mean``, the rule before) or their normalised product
(``geometric``). Each run predicts the split's gold mentions once per pooling (the same weights,
`Predictor.predict_actors`, no stances) and is scored with `eval.metrics.score_articles`: actor role
accuracy per run, its gain per run (paired: the same weights), and the mean and spread of both
over the runs (several seeds of one config). Choose on ``validation``; score ``test`` once.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from seed_spread import spread

from actorstance.atomic import atomic_write_text
from actorstance.predict_io import load_predictor
from eval.metrics import score_articles
from eval.runner import load_gold

VOTES = ("mean", "geometric")


def role_accuracy(predictor, gold: list, vote: str) -> float:
    """Actor role accuracy (gold mentions) of ``predictor`` on ``gold`` with ``roles.vote`` set to ``vote``."""
    predictor.role_vote = vote
    given = [article.model_copy(update={"stances": []}) for article in gold]
    metrics = score_articles(given, predictor.predict_actors(given, gold_mentions=True), predictor.labels)
    return metrics["headline"]["actor_role_accuracy"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dirs", type=Path, nargs="+")
    parser.add_argument("--split", default="validation")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    output = args.output or Path("benchmarks/results") / f"role-vote-{args.split}.json"
    results: dict = {"split": args.split, "runs": {}}
    for run_dir in args.run_dirs:
        predictor = load_predictor(run_dir)
        gold, results["data"] = load_gold(None, args.split, predictor.labels)
        scores = {vote: role_accuracy(predictor, gold, vote) for vote in VOTES}
        scores["gain"] = scores["geometric"] - scores["mean"]
        results["runs"][str(run_dir)] = scores
        print(run_dir, json.dumps({key: round(value, 4) for key, value in scores.items()}), flush=True)
    results["spread"] = spread(dict(enumerate(results["runs"].values())))
    results["load_average"] = list(os.getloadavg())
    written = atomic_write_text(output, json.dumps(results, indent=2) + "\n")
    print(f"wrote {written}")


if __name__ == "__main__":
    main()
