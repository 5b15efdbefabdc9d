"""Write the README's result tables from the comparison that `python -m eval compare` wrote and the seed spread.

    python scripts/readme_tables.py [benchmarks/results/comparison-test.json] [--readme README.md] [--check]

The main table sits between ``<!-- table:main -->`` and ``<!-- /table:main -->`` in the README, the
default config's mean and spread over seeds (``scripts/seed_spread.py``'s
benchmarks/results/seed-spread-default-test.json) between ``<!-- table:seed-spread -->`` markers,
the actor-role decisions (``roles-actor-validation.json``) and the token vote's pooling
(``role-vote-{validation,test}.json``, ``scripts/role_vote.py``: pooling, dictionary roles and the re-fitted
head) and the role prior (``role-prior.json``, ``benchmarks/role_prior.py``) between theirs;
everything else is left as it is. Rows in the comparison's order, values with their 95% bootstrap intervals,
the best value of each metric column in bold, "–" for a task a run does not do. A row of the
README table whose run is not in the comparison (e.g. the spaCy baseline when spaCy was not run)
is kept as it was. ``--check`` exits 1 if the README's table differs from the comparison.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from pathlib import Path

from generated_file import write_or_check
from seed_spread import mean_sd, spread

REPO = Path(__file__).resolve().parent.parent

COLUMNS = (
    ("mention_strict_f1", "mention strict F1"),
    ("mention_partial_f1", "mention partial F1"),
    ("actor_role_accuracy", "actor role acc. (gold mentions)"),
    ("stance_macro_f1", "stance macro-F1 (gold actors)"),
    ("e2e_stance_f1", "end-to-end stance F1"),
)
ROW_NAMES = {
    "default": "default (shared encoder, both tasks)",
    "roles-only": "roles-only",
    "stance-only": "stance-only",
    "baseline-gazetteer": "baseline: gazetteer from train",
    "baseline-spacy": "baseline: spaCy `en_core_web_sm` NER mapped to roles",
    "baseline-majority": "baseline: majority label",
}
"""Comparison run name -> the README's row name (other runs keep their own name)."""


def _cell(row: dict, metric: str) -> str:
    value = row.get(metric)
    if value is None:
        return "–"
    text = f"{value:.3f}"
    if metric in row.get("best", []):
        text = f"**{text}**"
    low, high = row.get(f"{metric}_ci_low"), row.get(f"{metric}_ci_high")
    if low is not None and high is not None and (low, high) != (value, value):
        text += f" [{low:.3f}, {high:.3f}]"
    return text


def render_main(comparison: dict, old_rows: dict[str, str]) -> str:
    """The table's Markdown; rows of ``old_rows`` (README row name -> line) missing from the comparison are kept."""
    header = "| run | " + " | ".join(title for _, title in COLUMNS) + " | train time (s) |"
    lines = [header, "|---|" + "---|" * (len(COLUMNS) + 1)]
    present = {}
    for row in comparison["rows"]:
        name = ROW_NAMES.get(row["run"], row["run"])
        seconds = row.get("train_time_s")
        time = "–" if seconds is None else f"{seconds:.0f}"
        present[name] = f"| {name} | " + " | ".join(_cell(row, metric) for metric, _ in COLUMNS) + f" | {time} |"
    order = list(ROW_NAMES.values()) + [name for name in present if name not in ROW_NAMES.values()]
    for name in order:
        if name in present:
            lines.append(present[name])
        elif name in old_rows:
            lines.append(old_rows[name])
    return "\n".join(lines)


def _region(readme: str, name: str) -> re.Match:
    pattern = re.compile(rf"(<!-- table:{name} -->\n)(.*?)(\n<!-- /table:{name} -->)", re.DOTALL)
    match = pattern.search(readme)
    if match is None:
        raise SystemExit(f"README has no <!-- table:{name} --> ... <!-- /table:{name} --> region")
    return match


def replace_region(readme: str, name: str, body: str) -> str:
    """``readme`` with the text between the ``table:NAME`` markers replaced by ``body``."""
    match = _region(readme, name)
    return readme[: match.start(2)] + body + readme[match.end(2) :]


def update_readme(readme: str, comparison: dict) -> str:
    match = _region(readme, "main")
    old_rows = {line.split("|")[1].strip(): line for line in match[2].splitlines()[2:] if line.startswith("|")}
    return replace_region(readme, "main", render_main(comparison, old_rows))


SEED_SPREAD = REPO / "benchmarks" / "results" / "seed-spread-default-test.json"
SPREAD_COLUMNS = (*COLUMNS, ("actor_f1", "actor F1 (end to end)"))


def paired_gains(values: list[float]) -> str:
    """Per-run gains as their mean and each run's: "+0.006 (+0.003, +0.000, +0.016)"."""
    return f"{statistics.fmean(values):+.3f} ({', '.join(f'{value:+.3f}' for value in values)})"


def render_seed_spread(spread: dict) -> str:
    """One row per headline metric of the main table: mean ± sample deviation, min and max over the seeds."""
    lines = [f"| metric (test split) | mean ± sd over seeds {', '.join(map(str, spread['seeds']))} | min | max |", "|---|---|---|---|"]
    for metric, title in SPREAD_COLUMNS:
        entry = spread["metrics"][metric]
        lines.append(f"| {title} | {mean_sd(entry)} | {entry['min']:.3f} | {entry['max']:.3f} |")
    return "\n".join(lines)


def value_with_interval(entry: dict) -> str:
    """A headline entry of a result file (``value``, ``ci_low``, ``ci_high``) as "0.855 [0.818, 0.893]"."""
    text = f"{entry['value']:.3f}"
    if entry.get("ci_low") is not None:
        text += f" [{entry['ci_low']:.3f}, {entry['ci_high']:.3f}]"
    return text


ROLES_ACTOR = REPO / "benchmarks" / "results" / "roles-actor-validation.json"
ROLES_ACTOR_NAMES = {"token_vote": "token vote (the shipped default)", "actor": "actor head over the whole article"}


def render_roles_actor(ablation: dict) -> str:
    """The role decisions of one run (scripts/roles_actor_ablation.py): headline value and 95% interval."""
    lines = ["| role decision (same weights) | actor role acc. (gold mentions) | mention strict F1 |", "|---|---|---|"]
    for name, scores in ablation["variants"].items():
        cells = [value_with_interval(scores[key]) for key in ("actor_role_accuracy", "mention_strict_f1")]
        lines.append(f"| {ROLES_ACTOR_NAMES.get(name, name)} | {' | '.join(cells)} |")
    return "\n".join(lines)


ROLE_VOTE = {split: REPO / "benchmarks" / "results" / f"role-vote-{split}.json" for split in ("validation", "test")}


def render_role_vote(by_split: dict[str, dict]) -> str:
    """Actor role accuracy per variant of the token vote (scripts/role_vote.py), mean and spread over the runs, per split."""
    lines = [
        "| split | runs | `roles.vote: mean` (before) | `roles.vote: geometric` | + `actors.dictionary_roles` "
        "| + `roles.given_role_head` (shipped) | gain of the dictionary roles, paired per run | gain of the re-fitted head, paired per run |",
        "|---|---|---|---|---|---|---|---|",
    ]
    variants = ("mean", "geometric", "geometric+dictionary", "geometric+dictionary+given_head")
    for split, results in by_split.items():
        spread = results["spread"]
        cells = [mean_sd(spread[key]) for key in variants]
        cells += [paired_gains(spread[key]["values"]) for key in ("dictionary_gain", "given_head_gain")]
        lines.append(f"| {split} | {len(results['runs'])} | {' | '.join(cells)} |")
    return "\n".join(lines)


ROLE_PRIOR = REPO / "benchmarks" / "results" / "role-prior.json"


def render_role_prior(result: dict) -> str:
    """Actor role accuracy with and without the role prior (benchmarks/role_prior.py): mean ± sd over the runs, per-run gains."""
    chosen = result["chosen_weight"]
    lines = [
        f"| split | runs | token vote (shipped) | + role prior, weight {chosen:g} | gain, paired per run | the prior alone |",
        "|---|---|---|---|---|---|",
    ]
    for split in ("validation", "test"):
        entry = result[split]
        runs = list(entry["runs"].values())
        summary = spread({index: {"vote": run["0.0"], "prior": run[str(float(chosen))]} for index, run in enumerate(runs)})
        cells = [mean_sd(summary[key]) for key in ("vote", "prior")]
        cells += [paired_gains(entry["gain"]), f"{entry['prior_alone_accuracy']:.3f}"]
        lines.append(f"| {split} | {len(runs)} | {' | '.join(cells)} |")
    return "\n".join(lines)


def render_role_prior_end_to_end(result: dict) -> str:
    """End-to-end strict mention F1 and aligned actors' role accuracy without and with the role prior at its
    end-to-end weight (benchmarks/role_prior.py): mean ± sd over the runs, per-run gains in strict mention F1."""
    chosen = result["chosen_end_to_end_weight"]
    if chosen is None:
        return "The prior did not raise strict mention F1 on validation at any weight: end to end it is not used."
    measures = {"mention_strict_f1": "strict mention F1", "actor_role_accuracy_aligned": "role accuracy of found actors"}
    header = [f"{label}: grouping's roles (shipped) | {label}: + role prior, weight {chosen:g}" for label in measures.values()]
    lines = [f"| split | runs | {' | '.join(header)} | strict mention F1 gain, paired per run |", "|---|---|---|---|---|---|---|"]
    for split in ("validation", "test"):
        runs = list(result[split]["end_to_end"]["runs"].values())
        cells = []
        for measure in measures:
            summary = spread({index: {"shipped": run["None"][measure], "prior": run[str(float(chosen))][measure]} for index, run in enumerate(runs)})
            cells += [mean_sd(summary[key]) for key in ("shipped", "prior")]
        cells.append(paired_gains(result[split]["end_to_end"]["strict_f1_gain"]))
        lines.append(f"| {split} | {len(runs)} | {' | '.join(cells)} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "comparison", type=Path, nargs="?", default=REPO / "benchmarks" / "results" / "comparison-test.json",
        help="comparison.json written by python -m eval compare",
    )  # fmt: skip
    parser.add_argument("--readme", type=Path, default=REPO / "README.md")
    parser.add_argument("--check", action="store_true", help="exit 1 if the README's table differs instead of writing it")
    args = parser.parse_args()
    comparison = json.loads(args.comparison.read_text(encoding="utf-8"))
    readme = args.readme.read_text(encoding="utf-8")
    updated = update_readme(readme, comparison)
    spread = json.loads(SEED_SPREAD.read_text(encoding="utf-8"))
    updated = replace_region(updated, "seed-spread", render_seed_spread(spread))
    updated = replace_region(updated, "roles-actor", render_roles_actor(json.loads(ROLES_ACTOR.read_text(encoding="utf-8"))))
    role_vote = {split: json.loads(path.read_text(encoding="utf-8")) for split, path in ROLE_VOTE.items() if path.is_file()}
    updated = replace_region(updated, "role-vote", render_role_vote(role_vote))
    role_prior = json.loads(ROLE_PRIOR.read_text(encoding="utf-8"))
    updated = replace_region(updated, "role-prior", render_role_prior(role_prior))
    updated = replace_region(updated, "role-prior-end-to-end", render_role_prior_end_to_end(role_prior))
    stale = (
        f"{args.readme}: the result tables differ from {args.comparison}, {SEED_SPREAD.name}, {ROLES_ACTOR.name}, "
        f"{ROLE_PRIOR.name} and role-vote-*.json"
    )
    return write_or_check(args.readme, updated, args.check, stale)


if __name__ == "__main__":
    raise SystemExit(main())
