"""How much do the headline numbers move with the training seed? Train one config under several seeds,
evaluate each run, and write the mean and spread of every headline metric.

    python scripts/seed_spread.py configs/default.yaml --seeds 1 2 3 4 5 [--split test]

Runs go to runs/<name>-seed<S>/ (kept, so they can be compared or inspected); the summary to
runs/<name>-seeds.json and runs/<name>-seeds.md. Retrains with the same seed and thread count give
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


def render_markdown(summary: dict[str, dict], seeds: list[int]) -> str:
    lines = [f"| metric | mean ± sd over {len(seeds)} seeds | min | max |", "|---|---|---|---|"]
    for name, entry in summary.items():
        lines.append(f"| {name} | {entry['mean']:.3f} ± {entry['sd']:.3f} | {entry['min']:.3f} | {entry['max']:.3f} |")
    return "\n".join(lines) + "\n"


def _run(command: list[str]) -> None:
    subprocess.run(command, cwd=REPO, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("--seeds", type=int, nargs="+", required=True)
    parser.add_argument("--split", default="test")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from actorstance.config import load_config

    name = load_config(args.config).name
    values_by_seed = {}
    for seed in args.seeds:
        run = Path("runs") / f"{name}-seed{seed}"
        _run([sys.executable, "-m", "train", str(args.config), "--set", f"seed={seed}", "--output", str(run), "--overwrite"])
        _run([sys.executable, "-m", "eval", str(run), "--split", args.split])
        metrics = json.loads((REPO / run / "eval" / args.split / "metrics.json").read_text(encoding="utf-8"))
        values_by_seed[seed] = {metric: entry["value"] for metric, entry in metrics["headline"].items()}
    summary = spread(values_by_seed)
    out = REPO / "runs" / f"{name}-seeds"
    out.with_suffix(".json").write_text(json.dumps({"config": str(args.config), "seeds": args.seeds, "split": args.split,
                                                    "metrics": summary}, indent=2) + "\n")  # fmt: skip
    out.with_suffix(".md").write_text(render_markdown(summary, args.seeds))
    print(render_markdown(summary, args.seeds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
