"""How far apart the two actors of each gold stance are mentioned, per split: the share of gold edges
that pairs proposed within one sentence (`stance.max_sentence_distance: 0`) can reach at all.

    python scripts/stance_reach.py [--data data/corpus] [--output benchmarks/results/stance-reach.json]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from actorstance.atomic import atomic_write_text
from actorstance.corpus import load_corpus
from eval.errors import gold_edge_distances

REPO = Path(__file__).resolve().parent.parent
FAR = 3  # distances from here on are counted together


def reach(articles) -> dict:
    """Gold edges by the sentence distance of their actors' nearest mentions ("3+": three or more)."""
    counts: Counter = Counter()
    for article in articles:
        for distance in gold_edge_distances(article):
            counts["no mention" if distance is None else f"{FAR}+" if distance >= FAR else str(distance)] += 1
    total = sum(counts.values())
    keys = [str(d) for d in range(FAR)] + [f"{FAR}+", "no mention"]
    return {"gold_edges": total, "by_distance": {k: counts[k] for k in keys}, "one_sentence_share": round(counts["0"] / max(total, 1), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO / "data" / "corpus")
    parser.add_argument("--output", type=Path, default=REPO / "benchmarks" / "results" / "stance-reach.json")
    args = parser.parse_args()
    articles = load_corpus(args.data)
    splits = sorted({a.split for a in articles if a.split})
    result = {"data": str(args.data.relative_to(REPO) if args.data.is_relative_to(REPO) else args.data)}
    result["splits"] = {split: reach([a for a in articles if a.split == split]) for split in splits}
    atomic_write_text(args.output, json.dumps(result, indent=2) + "\n")
    for split, row in result["splits"].items():
        print(split, row)


if __name__ == "__main__":
    main()
