"""Where the end-to-end stance graph loses the gold edges of a split, per run: actors never mentioned
together, actors not found, found actors never proposed as a pair, pairs below the threshold, wrong
labels (`eval.errors.edge_losses`); and what its kept edges are in the gold graph: right, a wrong
label, a reversed edge, a pair without a stance, or an edge of an actor no gold actor aligns to
(`eval.errors.edge_sources`).

    python scripts/edge_losses.py RUN_DIR [RUN_DIR ...] [--split validation]
                                  [--output benchmarks/results/edge-losses-validation.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from actorstance.atomic import atomic_write_text
from actorstance.predict_io import load_predictor
from eval.errors import EDGE_SOURCES, EDGE_STEPS
from eval.metrics import pair_articles
from eval.runner import edge_analysis, load_gold

REPO = Path(__file__).resolve().parent.parent


def run_losses(run_dir: Path, split: str) -> dict:
    """Gold edges of ``split`` by the step that loses them and kept edges by what they are, with the
    run's own threshold (`eval.runner.edge_analysis`, the harness's numbers)."""
    predictor = load_predictor(run_dir)
    if predictor.decision is None:
        raise SystemExit(f"{run_dir}: no decision.json, so no threshold to score against (actorstance calibrate {run_dir})")
    gold, _ = load_gold(None, split, predictor.labels)
    plain = [article.model_copy(update={"actors": [], "mentions": [], "stances": []}, deep=True) for article in gold]
    analysis = edge_analysis(pair_articles(gold, predictor.predict_articles(plain)))
    steps, sources = analysis["gold_edges"], analysis["predicted_edges"]
    return {"run": str(run_dir), "threshold": predictor.decision.threshold, "gold_edges": sum(steps.values()), "steps": steps,
            "kept_edges": sum(sources.values()), "sources": sources}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dirs", type=Path, nargs="+")
    parser.add_argument("--split", default="validation")
    parser.add_argument("--output", type=Path, default=REPO / "benchmarks" / "results" / "edge-losses-validation.json")
    args = parser.parse_args()
    runs = [run_losses(run_dir, args.split) for run_dir in args.run_dirs]
    result = {"split": args.split, "steps": list(EDGE_STEPS), "sources": list(EDGE_SOURCES), "runs": runs}
    atomic_write_text(args.output, json.dumps(result, indent=2) + "\n")
    for run in runs:
        print(run["run"], run["steps"], run["sources"])


if __name__ == "__main__":
    main()
