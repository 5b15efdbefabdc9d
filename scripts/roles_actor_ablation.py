"""Ablation of the actor role decision on one trained run: its actor head against its own tagger's vote.

    python scripts/roles_actor_ablation.py RUN_DIR [--split validation] [--output benchmarks/results/roles-actor-validation.json]

RUN_DIR is a run trained with ``roles.decision: actor`` and the tagger (``configs/roles-actor.yaml``).
Both variants use the same weights and the same predicted mentions; only how an actor's role is
decided changes:
  token_vote   the vote of its mentions' tags (the shipped default)
  actor        the actor head over its marked mentions in windows of the whole article
Each is scored with ``eval.runner.evaluate_run`` (bootstrap intervals); the JSON keeps the headline
numbers. Choose on ``validation``; score ``test`` once, for the decision that won.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

from actorstance.atomic import atomic_write_text
from actorstance.predict_io import load_predictor
from eval.runner import evaluate_run

VARIANTS = ("token_vote", "actor")
REPORTED = ("actor_role_accuracy", "mention_strict_f1", "actor_f1")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--split", default="validation")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    predictor = load_predictor(args.run_dir)
    if predictor.config.roles.decision != "actor" or not predictor.config.roles.tagger:
        parser.error(f"{args.run_dir}: not a run with the actor decision and the tagger (roles.decision: actor, roles.tagger: true)")
    output = args.output or Path("benchmarks/results") / f"roles-actor-{args.split}.json"
    results = {"run": str(args.run_dir), "split": args.split, "load_average": list(os.getloadavg()), "variants": {}}
    with tempfile.TemporaryDirectory() as scratch:
        for name in VARIANTS:
            predictor.role_decision = name
            where = evaluate_run(args.run_dir, split=args.split, output=Path(scratch) / name, predictor=predictor)
            metrics = json.loads((where / "metrics.json").read_text(encoding="utf-8"))
            results["variants"][name] = {key: metrics["headline"][key] for key in REPORTED}
            print(name, json.dumps({key: round(value["value"], 3) for key, value in results["variants"][name].items()}), flush=True)
    output.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(output, json.dumps(results, indent=2) + "\n")
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
