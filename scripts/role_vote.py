"""Choose the token vote's settings: actor role accuracy given gold mentions per way of pooling the mentions' tags, over runs.

    python scripts/role_vote.py RUN_DIR [RUN_DIR ...] [--split validation] [--output benchmarks/results/role-vote-validation.json]

With the token vote, an actor's role comes from the role scores of its mentions
(`predictor.pool_role_scores`): their sum (``mean``, the rule before) or their normalised product
(``geometric``); ``geometric+dictionary`` then gives an actor the role its dictionary-linked mentions
all imply (``actors.dictionary_roles``, the label set's ``dictionary_roles``: "the PLA" is a state's
forces); ``+given_head`` reads the mentions' role scores off the tagger head re-fitted for given
mentions (``roles.given_role_head``, `actorstance.given_roles`; runs without one score as without it). Each run predicts the split's gold mentions once per variant (the same weights,
`Predictor.predict_actors`, no stances) and is scored with `eval.metrics.score_articles`: actor role
accuracy per run, each step's gain per run (paired: the same weights), and the mean and spread of
all over the runs (several seeds of one config). Choose on ``validation``; score ``test`` once.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
from pathlib import Path

from seed_spread import spread

from actorstance.atomic import atomic_write_text
from actorstance.predict_io import load_predictor
from eval.metrics import score_articles
from eval.runner import load_gold

VARIANTS = {
    "mean": ("mean", False, False),
    "geometric": ("geometric", False, False),
    "geometric+dictionary": ("geometric", True, False),
    "geometric+dictionary+given_head": ("geometric", True, True),
}
"""Variant name -> (``roles.vote``, ``actors.dictionary_roles``, ``roles.given_role_head``)."""


def role_accuracy(predictor, gold: list, vote: str, dictionary_roles: bool = False, given_head: bool = False) -> float:
    """Actor role accuracy (gold mentions) of ``predictor`` on ``gold`` with ``roles.vote`` set to ``vote``,
    ``actors.dictionary_roles`` to ``dictionary_roles`` and ``roles.given_role_head`` to ``given_head``."""
    predictor.role_vote = vote
    predictor.config.actors.dictionary_roles = dictionary_roles
    predictor._role_options = dataclasses.replace(predictor._role_options, given_role_head=given_head)
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
        scores = {name: role_accuracy(predictor, gold, *settings) for name, settings in VARIANTS.items()}
        scores["gain"] = scores["geometric"] - scores["mean"]
        scores["dictionary_gain"] = scores["geometric+dictionary"] - scores["geometric"]
        scores["given_head_gain"] = scores["geometric+dictionary+given_head"] - scores["geometric+dictionary"]
        results["runs"][str(run_dir)] = scores
        print(run_dir, json.dumps({key: round(value, 4) for key, value in scores.items()}), flush=True)
    results["spread"] = spread(dict(enumerate(results["runs"].values())))
    results["load_average"] = list(os.getloadavg())
    written = atomic_write_text(output, json.dumps(results, indent=2) + "\n")
    print(f"wrote {written}")


if __name__ == "__main__":
    main()
