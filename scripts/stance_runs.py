"""Compare trained runs of stance-training variants (seeds, pre-training, loss weights, data size) on one split.

    python scripts/stance_runs.py --variant default=runs/default,runs/default-seed43 \\
        --variant park2021=runs/park-seed42,runs/park-seed43 [--split validation] --output FILE.json

Each run is evaluated as it ships (``eval.runner.evaluate_run``: its decision file, dictionary and
nominal joining), and each variant gets the mean, sample deviation and range of every number over
its runs (``seed_spread.spread``), beside each run's own value with its bootstrap interval and the
edge F1 its decision was fitted to on validation. An ensemble (``actorstance ensemble``) is one run,
its seed its members' ("42+43+44"). ``--reuse`` reads an evaluation already in RUN/eval/SPLIT instead
of predicting again.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import yaml
from seed_spread import spread
from stance_ablation import summarise

from actorstance.atomic import atomic_write_text
from actorstance.ensemble import ensemble_members
from eval.runner import evaluate_run


def run_numbers(run_dir: Path, split: str, reuse: bool) -> dict:
    """One run's stance-graph numbers on ``split`` and the decision it was trained with."""
    evaluation = run_dir / "eval" / split
    if not (reuse and (evaluation / "metrics.json").is_file()):
        evaluation = evaluate_run(run_dir, split=split)
    decision = json.loads((run_dir / "decision.json").read_text(encoding="utf-8"))
    members = ensemble_members(run_dir)
    seed = "+".join(str(_seed(member)) for member in members) if members else _seed(run_dir)
    return {"run": str(run_dir), "seed": seed, "decision": decision, **summarise(evaluation)}


def _seed(run_dir: Path) -> int:
    return yaml.safe_load((run_dir / "config.yaml").read_text(encoding="utf-8"))["seed"]


def flat_values(numbers: dict) -> dict[str, float]:
    """The numbers a variant's spread is taken over."""
    values = {name: entry["value"] for name, entry in numbers["headline"].items()}
    values |= {key: numbers[key] for key in ("predicted_per_gold_edges", "predicted_per_gold_actors", "none_recall_gold_actors")}
    values |= {f"{label.lower()}_f1_gold_actors": f1 for label, f1 in numbers.get("label_f1_gold_actors", {}).items()}
    values["fitted_edge_f1_validation"] = numbers["decision"]["fitted_on"]["edge_f1"]
    return values


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", action="append", required=True, metavar="NAME=RUN[,RUN...]")
    parser.add_argument("--split", default="validation")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--reuse", action="store_true", help="use an existing RUN/eval/SPLIT evaluation")
    args = parser.parse_args()
    results: dict = {"split": args.split, "variants": {}}
    for option in args.variant:
        name, separator, runs = option.partition("=")
        if not separator or not runs:
            parser.error(f"--variant {option!r}: expected NAME=RUN[,RUN...]")
        numbers = [run_numbers(Path(run), args.split, args.reuse) for run in runs.split(",")]
        summary = spread({index: flat_values(entry) for index, entry in enumerate(numbers)})
        results["variants"][name] = {"runs": numbers, "spread": summary}
        print(name, json.dumps({key: round(entry["mean"], 3) for key, entry in summary.items()}), flush=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.output, json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
