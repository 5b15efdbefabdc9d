"""Predict the seed article with a run and record what it got right (the README's first example).

    python scripts/seed_prediction.py [RUN_DIR] [--output benchmarks/results/seed-prediction.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from actorstance.atomic import atomic_write_text
from actorstance.corpus import load_corpus
from actorstance.predict_io import load_predictor
from eval.metrics import align_actors

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_5d92d8553a383cf3.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path, nargs="?", default=REPO / "runs" / "default")
    parser.add_argument("--output", type=Path, default=REPO / "benchmarks" / "results" / "seed-prediction.json")
    args = parser.parse_args()
    predictor = load_predictor(args.run_dir)
    gold = load_corpus(SEED, predictor.labels)[0]
    predicted = predictor.predict_articles([gold.model_copy(update={"actors": [], "mentions": [], "stances": []})])[0]
    alignment = align_actors(gold, predicted)
    gold_edges = {(s.holder, s.target): s.label for s in gold.stances}
    stances = [
        {"holder": s.holder, "target": s.target, "label": s.label, "score": s.score,
         "correct": gold_edges.get((alignment.get(s.holder), alignment.get(s.target))) == s.label}  # fmt: skip
        for s in sorted(predicted.stances, key=lambda s: -(s.score or 0.0))
    ]
    result = {
        "run": str(args.run_dir),
        "counts": {
            "mentions": len(predicted.mentions), "actors": len(predicted.actors), "stances": len(predicted.stances),
            "gold_mentions": len(gold.mentions), "gold_actors": len(gold.actors), "gold_stances": len(gold.stances),
            "correct_stances": sum(stance["correct"] for stance in stances),
        },  # fmt: skip
        "actors": [{"id": a.id, "name": a.name, "role": a.role, "code": a.code} for a in predicted.actors],
        "stances": stances,
    }
    atomic_write_text(args.output, json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.output}: {result['counts']}")


if __name__ == "__main__":
    main()
