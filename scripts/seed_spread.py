"""How much do the headline numbers move with the training seed? Train one config under several seeds,
evaluate each run, and write the mean and spread of every headline metric.

    python scripts/seed_spread.py configs/default.yaml --seeds 42 43 44 [--split test] [--set training.threads=1]

Runs go to runs/<name>-seed<S>/ (kept, so they can be compared or inspected; a run or evaluation
already there is reused, so an interrupted call resumes); the summary to
benchmarks/results/seed-spread-<name>-<split>.json, from which the README's tables are written. Retrains with the same seed and thread count give
the same weights (docs/reproducibility.md), so the spread over seeds is what a number in the README
can be trusted to: report it as mean ± standard deviation.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def spread(values_by_seed: dict[int, dict[str, float | None]]) -> dict[str, dict]:
    """Metric -> mean, sample standard deviation, min, max and the per-seed values (metrics a run does not report are left out)."""
    metrics = sorted({name for values in values_by_seed.values() for name, value in values.items() if value is not None})
    summary = {}
    for name in metrics:
        values = [values_by_seed[seed][name] for seed in sorted(values_by_seed) if values_by_seed[seed].get(name) is not None]
        summary[name] = {
            "mean": statistics.fmean(values),
            "sd": statistics.stdev(values) if len(values) > 1 else 0.0,
            "min": min(values),
            "max": max(values),
            "values": values,
        }
    return summary


def mean_sd(entry: dict) -> str:
    """A spread entry (``mean``, ``sd``) as "0.888 ± 0.002"."""
    return f"{entry['mean']:.3f} ± {entry['sd']:.3f}"


def render_markdown(summary: dict[str, dict], seeds: list[int]) -> str:
    lines = [f"| metric | mean ± sd over {len(seeds)} seeds | min | max |", "|---|---|---|---|"]
    for name, entry in summary.items():
        lines.append(f"| {name} | {mean_sd(entry)} | {entry['min']:.3f} | {entry['max']:.3f} |")
    return "\n".join(lines) + "\n"


def _run(command: list[str]) -> None:
    subprocess.run(command, cwd=REPO, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("--seeds", type=int, nargs="+", required=True)
    parser.add_argument("--split", default="test")
    parser.add_argument("--output", type=Path, help="summary JSON (default: benchmarks/results/seed-spread-NAME-SPLIT.json)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE", help="passed on to train")
    args = parser.parse_args()
    overrides = [item for override in args.overrides for item in ("--set", override)]
    sys.path.insert(0, str(REPO))
    from actorstance.atomic import atomic_write_text
    from actorstance.config import load_config

    name = load_config(args.config).name
    values_by_seed = {}
    for seed in args.seeds:
        run = REPO / "runs" / f"{name}-seed{seed}"
        if not run.is_dir():  # a run of an earlier, interrupted call is kept
            _run([sys.executable, "-m", "train", str(args.config), "--set", f"seed={seed}", *overrides, "--output", str(run)])
        if not (run / "eval" / args.split / "metrics.json").is_file():
            _run([sys.executable, "-m", "eval", str(run), "--split", args.split])
        metrics = json.loads((run / "eval" / args.split / "metrics.json").read_text(encoding="utf-8"))
        values_by_seed[seed] = {metric: entry["value"] for metric, entry in metrics["headline"].items()}
    summary = spread(values_by_seed)
    out = args.output or REPO / "benchmarks" / "results" / f"seed-spread-{name}-{args.split}.json"
    record = {"config": str(args.config), "overrides": args.overrides, "seeds": args.seeds, "split": args.split, "metrics": summary}
    atomic_write_text(out, json.dumps(record, indent=2) + "\n")
    print(render_markdown(summary, args.seeds))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
