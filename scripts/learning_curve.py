"""Is data the limit? Train one config on nested shares of the training articles and score each run on validation.

    python scripts/learning_curve.py [--config configs/default.yaml] [--fractions 0.25 0.5 0.75] \\
        [--full runs/default] [--set training.threads=1] [--output benchmarks/results/stance-learning-curve.json]

The shares are nested (the 25 % articles are among the 50 %), drawn by a seeded shuffle of the
training articles; validation and test stay whole. Each share's corpus and run live under
runs/learning-curve/ and are kept, so a killed run resumes with the shares not yet trained.
``--full`` is the run trained on every training article (trained here when not given). The JSON
holds each point's stance-graph numbers with bootstrap intervals (``stance_runs.run_numbers``), and
an SVG chart of them is written beside it.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from pathlib import Path

from stance_runs import run_numbers

from actorstance.atomic import atomic_write_text
from actorstance.config import load_config
from actorstance.corpus import load_corpus, write_corpus
from actorstance.dataset import split_articles
from eval.plots import interval_bars

REPO = Path(__file__).resolve().parent.parent
WORK = Path("runs/learning-curve")
PLOTTED = {"e2e_stance_f1": "end-to-end stance F1", "stance_macro_f1": "stance macro-F1 (gold actors)"}


def nested_shares(train_ids: list[str], fractions: list[float], seed: int) -> dict[float, list[str]]:
    """Fraction -> the first round(fraction x n) ids of one seeded shuffle, so smaller shares nest in larger ones."""
    order = sorted(train_ids)
    random.Random(seed).shuffle(order)
    return {fraction: order[: max(1, round(fraction * len(order)))] for fraction in fractions}


def _train(config: Path, run: Path, overrides: list[str]) -> None:
    if run.is_dir():
        return  # trained by an earlier, interrupted call
    subprocess.run([sys.executable, "-m", "train", str(config), "--output", str(run), *overrides], cwd=REPO, check=True)


def chart(points: list[dict]) -> str:
    categories = [f"{point['fraction']:.0%}\n{point['train_articles']} articles" for point in points]
    series = {
        title: [(p["headline"][key]["value"], p["headline"][key]["ci_low"], p["headline"][key]["ci_high"]) for p in points]
        for key, title in PLOTTED.items()
    }
    return interval_bars(categories, series, "Stance learning curve (validation, 95% bootstrap intervals)",
                         note="share of the training articles; one run (seed) per share")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=Path("configs/default.yaml"))
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.25, 0.5, 0.75])
    parser.add_argument("--full", type=Path, help="the run on all training articles (default: train it)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--output", type=Path, default=Path("benchmarks/results/stance-learning-curve.json"))
    args = parser.parse_args()
    config = load_config(args.config, args.overrides)
    overrides = [item for override in args.overrides for item in ("--set", override)]
    articles = load_corpus(config.data.paths, config.data.label_schema())
    splits = split_articles(articles, config.data.split_options())
    shares = nested_shares([article.id for article in splits["train"]], args.fractions, config.seed)
    pinned = {article.id: name for name, group in splits.items() for article in group}
    points = []
    for fraction, ids in shares.items():
        chosen = set(ids)
        name = f"share-{round(fraction * 100)}"
        corpus = WORK / f"{name}.jsonl"
        subset = [article for article in articles if article.id in chosen or pinned[article.id] != "train"]
        write_corpus([article.model_copy(update={"split": pinned[article.id]}) for article in subset], corpus)
        _train(args.config, WORK / name, [*overrides, "--set", f"data.paths=[{corpus}]"])
        points.append({"fraction": fraction, "train_articles": len(ids), **run_numbers(WORK / name, "validation", reuse=True)})
    full = args.full or WORK / "share-100"
    _train(args.config, full, overrides)
    points.append({"fraction": 1.0, "train_articles": len(splits["train"]), **run_numbers(full, "validation", reuse=True)})
    atomic_write_text(args.output, json.dumps({"config": str(args.config), "overrides": args.overrides, "points": points}, indent=2) + "\n")
    atomic_write_text(args.output.with_suffix(".svg"), chart(points))
    for point in points:
        print(point["fraction"], {key: round(point["headline"][key]["value"], 3) for key in PLOTTED})
    print(f"wrote {args.output} and {args.output.with_suffix('.svg')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
