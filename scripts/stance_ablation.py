"""Ablation of the stance-graph changes on one trained run: each step's effect, with bootstrap intervals.

    python scripts/stance_ablation.py RUN_DIR [--split validation] [--output benchmarks/results/stance-ablation-validation.json]

Variants (the same weights; only how predictions are decided and grouped changes):
  legacy       every pair with a context classified as a stance is an edge; actors by surface and alias table
  decision     + one decision per pair with the fitted threshold and reverse margin (decision.json)
  dictionary   + names linked to the actor dictionary
  full         + nominals and short forms joined to a named actor
  confident    + unnamed actors whose best mention is below actors.min_unnamed_confidence dropped
  appositions  + an appositive description joined to the mention it describes
  linker       + nominals linked by the run's learned linker (linker.json) instead of the nearest-before rule
  named_heads  + a name the dictionary lacks joined to the linked actor it is built on ("Yemen's Houthi movement")
  constraints  + a nominal never joins what its own words rule out: its sponsor, a republic for "the kingdom"
  unsure_links + a nominal below the floor joins its likeliest named actor at actors.unsure_link_threshold (shipped)
Each variant is evaluated with ``eval.runner.evaluate_run`` on a copy of the run whose config and
decision file say what the variant does; the JSON holds every headline number with its interval.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import warnings
from pathlib import Path

import yaml

from actorstance.atomic import atomic_write_text
from actorstance.config import load_config
from actorstance.decision import DECISION_FILE
from eval.runner import evaluate_run

SHIPPED = load_config(Path(__file__).resolve().parent.parent / "configs" / "default.yaml").actors
"""The shipped default's grouping settings: the steps that ship take their values from it."""
STEPS = (
    ("legacy", {"decision": False, "dictionary": False, "resolve_nominals": False, "appositions": False, "linker": False,
                "named_heads": False, "nominal_constraints": False, "unsure_link_threshold": None, "min_unnamed_confidence": 0.0}),
    ("decision", {"decision": True}),
    ("dictionary", {"dictionary": True}),
    ("full", {"resolve_nominals": True}),
    ("confident", {"min_unnamed_confidence": SHIPPED.min_unnamed_confidence}),
    ("appositions", {"appositions": True}),
    ("linker", {"linker": True}),
    ("named_heads", {"named_heads": True}),
    ("constraints", {"nominal_constraints": True}),
    ("unsure_links", {"unsure_link_threshold": SHIPPED.unsure_link_threshold}),
)  # fmt: skip
"""Each variant changes the one before it by these settings."""


def _cumulative(steps) -> dict[str, dict]:
    variants, settings = {}, {}
    for name, changes in steps:
        settings = {**settings, **changes}
        variants[name] = settings
    return variants


VARIANTS = _cumulative(STEPS)
REPORTED = ("e2e_stance_f1", "stance_macro_f1", "actor_f1", "coref_conll_f1", "mention_strict_f1", "actor_role_accuracy")


def summarise(evaluation: Path) -> dict:
    """The stance-graph numbers of one evaluation folder (``eval.runner.evaluate_run``'s output)."""
    metrics = json.loads((evaluation / "metrics.json").read_text(encoding="utf-8"))
    e2e = metrics["end_to_end"]
    return {
        "headline": {key: metrics["headline"][key] for key in REPORTED},
        "predicted_per_gold_edges": e2e["stances"]["predicted"] / max(e2e["stances"]["gold"], 1),
        "predicted_per_gold_actors": e2e["actors"]["predicted_per_gold"],
        "none_recall_gold_actors": metrics["gold_mentions"]["stances"]["per_label"]["NONE"]["recall"],
        "label_f1_gold_actors": {label: entry["f1"] for label, entry in metrics["gold_mentions"]["stances"]["per_label"].items()},
        "edges": {"predicted": e2e["stances"]["predicted"], "gold": e2e["stances"]["gold"]},
    }


def _variant_run(run_dir: Path, scratch: Path, name: str, settings: dict) -> Path:
    copy = scratch / name
    shutil.copytree(run_dir, copy, ignore=shutil.ignore_patterns("eval"))
    config = yaml.safe_load((copy / "config.yaml").read_text(encoding="utf-8"))
    config["actors"] = {key: value for key, value in settings.items() if key != "decision"}  # the legacy step sets them all
    (copy / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    if not settings["decision"]:
        (copy / DECISION_FILE).unlink(missing_ok=True)
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--split", default="validation")
    parser.add_argument("--output", type=Path)
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS), choices=list(VARIANTS))
    args = parser.parse_args()
    if not (args.run_dir / DECISION_FILE).is_file():
        parser.error(f"{args.run_dir}: no {DECISION_FILE}; fit one with 'actorstance calibrate {args.run_dir}'")
    output = args.output or Path("benchmarks/results") / f"stance-ablation-{args.split}.json"
    decision = json.loads((args.run_dir / DECISION_FILE).read_text(encoding="utf-8"))
    results = {"run": str(args.run_dir), "split": args.split, "decision": decision, "variants": {}}
    with tempfile.TemporaryDirectory() as scratch:
        for name in args.variants:
            run = _variant_run(args.run_dir, Path(scratch), name, VARIANTS[name])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the legacy variant warns that it has no decision file
                where = evaluate_run(run, split=args.split)
            results["variants"][name] = {"settings": VARIANTS[name], **summarise(where)}
            print(name, json.dumps({k: round(v["value"], 3) for k, v in results["variants"][name]["headline"].items()}), flush=True)
    output.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(output, json.dumps(results, indent=2) + "\n")
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
