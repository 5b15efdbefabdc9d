"""Write the README's stance-graph tables from the result files that produced them.

    python scripts/stance_tables.py [--readme README.md] [--check]

Regions (between ``<!-- table:NAME -->`` and ``<!-- /table:NAME -->``):
  stance-ablation  benchmarks/results/stance-ablation-validation.json (scripts/stance_ablation.py, validation split)
  stance-design    stance-ablation-validation-{default,two-sentences,windows}.json (the shipped run, it with
                   pairs up to the next sentence, the windows run; validation split) and predict-speed-*.json
  stance-test      benchmarks/results/stance-ablation-test.json (before: the default config's first run with the
                   old behaviour) and stance-ablation-test-default.json (the shipped run); test split, scored once
  actor-floor      benchmarks/results/actor-floor-validation.json (scripts/actor_floor.py, validation split)
  edge-losses      benchmarks/results/edge-losses-validation.json (scripts/edge_losses.py: the shipped runs' gold
                   validation edges by what became of them end to end)
  edge-sources     the same file: the runs' kept end-to-end edges by what they are in the gold graph
  stance-training  benchmarks/results/stance-training-validation.json (scripts/stance_runs.py: training
                   variants over seeds, validation split, scored with the nearest-before rule for nominals)
  stance-training-linker  stance-training-validation-linker.json (the same, scored with the learned linker)
  stance-directions  stance-training-validation-directions.json (scripts/stance_runs.py: ordered against joint
                   directions over seeds) and predict-speed-directions-{ordered,joint}.json (their seed-42 runs)
  stance-training-names  stance-training-validation-names.json (the shipped default against training with
                   other actors' names written in, stance.name_swap)
  stance-training-park2021, stance-training-park2021-test  stance-training-{validation,test}-park2021.json (the
                   shipped default against it started from a park2021 stance run's encoder, model.init_from)
  stance-training-dropout  stance-training-validation-dropout.json (the shipped default against dropout 0.2)
  stance-training-averaging  stance-training-validation-averaging.json (the shipped default against the mean of its
                   last 2 or 3 checkpoints, training.average_checkpoints)
  unsure-link      unsure-link-validation.json (the shipped runs with unsure nominals linked at a lower
                   threshold, actors.unsure_link_threshold; the same weights)
  unsure-link-other-runs  unsure-link-validation-other-runs.json (the same for the park2021 and
                   label-smoothing runs)
  floor-unsure-link  floor-unsure-link-validation.json (the shipped runs at three floors for unsure unnamed
                   actors, actors.min_unnamed_confidence, with unsure nominals linked; the same weights)
  outside-weight   outside-weight-validation.json (the shipped runs with the O tag's probability weighed
                   down before tagging, roles.outside_weight; the same weights)
  stance-training-lr  stance-training-validation-lr.json (the default at learning rate 3e-4 against 1.5e-4) and
                   stance-training-validation-lr-low.json (a later round: 1e-4 and 7e-5, and 1.5e-4 retrained)
  stance-training-head-lr  stance-training-validation-head-lr.json (the shipped default against its heads at a
                   higher learning rate, training.head_learning_rate)
  stance-training-class-weights  stance-training-validation-class-weights.json (the shipped default against
                   training.stance_class_weights: balanced, three seeds each)
  grouping-described-name, grouping-described-name-test  grouping-described-name-{validation,test}.json (the
                   shipped runs before and after a name joins itself with lower-case words after it; the
                   same weights, linkers refitted)
  grouping-proper-short-form, grouping-proper-short-form-test  grouping-proper-short-form-{validation,test}.json
                   (then a proper name's short form joined whatever the roles; the same weights, linkers refitted)
  stance-training-author  stance-training-validation-author.json (the shipped default against training and
                   predicting the author's own stances, stance.include_author; two seeds each)
  stance-ensemble, stance-ensemble-test  stance-ensemble-{validation,test}.json (the shipped default's three
                   seeds against their ensemble, actorstance ensemble; the ensemble with bootstrap intervals)
  stance-ensemble-size  stance-ensemble-size-validation.json (one run, ensembles of two, the ensemble of three)
  stance-ensemble-p  stance-ensemble-compare-{validation,test}.json (python -m eval compare: paired bootstrap
                   p-values of the ensemble against each member)
  span-repair      span-repair-validation.json (scripts/stance_runs.py: the shipped runs with and without
                   roles.repair_spans, the same weights)
  grouping-test-retrains  grouping-session22-test.json (scripts/stance_runs.py --split test --reuse: three
                   retrained default runs scored on test before and after three grouping rules)
  grouping-test-session23  grouping-session23-test.json (scripts/stance_runs.py --split test --reuse: the same
                   retrains scored on test before and after the sponsor floor rule and the population join)
  span-places      span-places-validation.json (scripts/stance_runs.py --reuse: retrained default runs before and
                   after population nouns grew over the place named after them, the same weights)
  span-population-join  span-population-join-validation.json (scripts/stance_runs.py --reuse: retrained default
                   runs before and after a population noun was joined to its place tagged in its role)
  span-titles      span-titles-validation.json (scripts/stance_runs.py --reuse: retrained default runs before and
                   after predicted spans started after the titles of the name they hold)
  span-name-start  span-name-start-validation.json (scripts/stance_runs.py --reuse: retrained default runs before
                   and after a capitalised span took in the capitalised words of its name before it)
  span-described-name  span-described-name-validation.json (scripts/stance_runs.py --reuse: retrained default runs
                   before and after a description before a name was left out of its span)
  sponsor-floor    sponsor-floor-validation.json (scripts/stance_runs.py --reuse: retrained default runs before and
                   after unnamed actors naming a sponsor were kept below the floor, the same weights)
  training-precision  stance-training-validation-precision.json (scripts/stance_runs.py: fp32 against bf16
                   training over seeds) and train-speed{-fp32,}.json (benchmarks/train_speed.py --full)
  learning-curve   benchmarks/results/stance-learning-curve.json (scripts/learning_curve.py)
  web-news-spans   web-news-spans-before.json and web-news-spans.json (benchmarks/web_news_spans.py: the shipped
                   run's mentions on SemEval-2025's 200 web news pages, with the span repair before and now)
  web-news-network web-news-network.json (benchmarks/web_news_network.py: the stance network over the same pages
                   with a person's name variants kept apart and folded into one node)
  declared-neutrality  declared-neutrality-validation.json (scripts/stance_runs.py --reuse: the shipped runs with and
                   without stance.declared_neutrality, the same weights)
  declared-neutrality-test  stance-ensemble-test.json's one-run rows (before) and declared-neutrality-test.json
                   (scripts/stance_runs.py --split test --reuse: the same runs with it); test split, scored once
  declared-neutrality-p  declared-neutrality-compare-seed{42,43,44}.json (python -m eval compare of each run without and
                   with it: paired bootstrap p-values)
  sponsorship-edges, sponsorship-edges-test  sponsorship-edges-{validation,test}.json (scripts/stance_runs.py
                   --reuse: the shipped runs with and without stance.sponsorship_edges, the same weights)
  decision-variants  decision-variants-validation.json (scripts/decision_variants.py: other stance decision
                   rules against the shipped one, cross-fitted on halves of the validation articles)
  seed             benchmarks/results/seed-prediction.json (scripts/seed_prediction.py)
``--check`` exits 1 if the README differs from what the result files say.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from generated_file import write_or_check
from readme_tables import replace_region, value_with_interval
from seed_spread import mean_sd

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
VARIANT_NAMES = {
    "legacy": "every pair with a context classified as a stance; actors by surface (before)",
    "decision": "+ one decision per pair, threshold fitted on validation",
    "dictionary": "+ names linked to the actor dictionary",
    "full": "+ nominals and short forms joined to a named actor",
    "confident": "+ unsure unnamed actors dropped",
    "appositions": "+ appositives joined to the mention they describe",
    "linker": "+ nominals linked by the learned linker",
    "named_heads": "+ names built on a linked actor joined to it",
    "constraints": "+ nominals kept from what their own words rule out",
    "unsure_links": "+ unsure nominals linked instead of dropped (shipped)",
}
SHIPPED = "unsure_links"
DESIGN_VARIANT = "confident"
"""The design runs were scored with the grouping of their time (the nearest-before rule for nominals)."""


def render_ablation(results: dict) -> str:
    lines = [
        "| variant | end-to-end stance F1 | stance macro-F1 (gold actors) | actor F1 | actor grouping CoNLL F1 "
        "| predicted / gold actors | predicted / gold edges | NONE recall (gold actors) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, variant in results["variants"].items():
        headline = variant["headline"]
        lines.append(
            f"| {VARIANT_NAMES.get(name, name)} | {value_with_interval(headline['e2e_stance_f1'])} | {value_with_interval(headline['stance_macro_f1'])} "
            f"| {value_with_interval(headline['actor_f1'])} | {value_with_interval(headline['coref_conll_f1'])} | {variant['predicted_per_gold_actors']:.2f} "
            f"| {variant['predicted_per_gold_edges']:.2f} | {variant['none_recall_gold_actors']:.3f} |"
        )
    return "\n".join(lines)


TARGETS = (
    ("end-to-end stance F1", lambda v: v["headline"]["e2e_stance_f1"]["value"], ">= 0.35"),
    ("predicted / gold stance edges", lambda v: v["predicted_per_gold_edges"], "0.6 - 1.4"),
    ("stance macro-F1 given gold actors", lambda v: v["headline"]["stance_macro_f1"]["value"], ">= 0.55"),
    ("NONE recall given gold actors", lambda v: v["none_recall_gold_actors"], ">= 0.6"),
    ("actor F1 end to end", lambda v: v["headline"]["actor_f1"]["value"], ">= 0.80"),
    ("predicted / gold actors", lambda v: v["predicted_per_gold_actors"], "<= 1.25"),
    ("strict mention F1", lambda v: v["headline"]["mention_strict_f1"]["value"], ">= 0.60"),
    ("actor role accuracy (gold mentions)", lambda v: v["headline"]["actor_role_accuracy"]["value"], ">= 0.82"),
)


def render_test(before_results: dict, shipped_results: dict) -> str:
    """The issue's targets: the default config's first run with the old behaviour against the shipped run."""
    before, after = before_results["variants"]["legacy"], shipped_results["variants"][SHIPPED]
    lines = ["| measure (test split) | before | now (shipped default, seed 42) | target |", "|---|---|---|---|"]
    for title, read, target in TARGETS:
        lines.append(f"| {title} | {read(before):.3f} | {read(after):.3f} | {target} |")
    return "\n".join(lines)


def render_floor(results: dict) -> str:
    """The floor sweep of ``scripts/actor_floor.py``: means over its runs (with the stance graph's
    columns when the sweep predicted stances, ``--stances``)."""
    stances = "e2e_stance_f1" in next(iter(results["mean"].values()))
    header = "| floor (`actors.min_unnamed_confidence`) | actor F1 | grouping CoNLL F1 | strict mention F1 | predicted / gold actors |"
    lines = [header + (" end-to-end stance F1 | predicted / gold edges |" if stances else ""), "|---|---|---|---|---|" + ("---|---|" if stances else "")]
    for floor, scores in results["mean"].items():
        line = (
            f"| {float(floor):g} | {scores['actor_f1']:.3f} | {scores['coref_conll_f1']:.3f} "
            f"| {scores['mention_strict_f1']:.3f} | {scores['predicted_per_gold_actors']:.2f} |"
        )
        if stances:
            line += f" {scores['e2e_stance_f1']:.3f} | {scores['predicted_per_gold_edges']:.2f} |"
        lines.append(line)
    return "\n".join(lines)


def render_reach(results: dict) -> str:
    """Gold edges by how far apart their actors are mentioned (``scripts/stance_reach.py``)."""
    lines = [
        "| split | gold edges | in one sentence | 1 sentence apart | 2 apart | 3 or more apart | an actor without mentions |",
        "|---|---|---|---|---|---|---|",
    ]
    for split in ("train", "validation", "test"):
        row = results["splits"][split]
        counts = [row["by_distance"][key] for key in ("0", "1", "2", "3+", "no mention")]
        cells = [f"{counts[0]} ({row['one_sentence_share']:.0%})"] + [str(count) for count in counts[1:]]
        lines.append(f"| {split} | {row['gold_edges']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_reach_apart(results: dict) -> str:
    """The gold edges no sentence reaches: what their evidence sentence holds, and what a pronoun rule
    brings together (``scripts/stance_reach.py``)."""
    kinds = ("one actor and a third-person pronoun", "one actor, first person", "one actor, no pronoun", "neither actor")
    lines = [
        "| split | edges apart | evidence: one actor and a third-person pronoun | one actor, first person | one actor, no pronoun "
        "| neither actor | brought into one sentence by the pronoun rule | pairs without a stance it brings together |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for split in ("train", "validation", "test"):
        row = results["splits"][split]
        apart = row["apart"]
        total = sum(row["by_distance"][key] for key in ("1", "2", "3+"))
        rule = apart["pronoun_rule"]
        cells = [str(total), *(str(apart["evidence"][kind]) for kind in kinds)]
        cells += [str(rule["gold_edges_brought_together"]), str(rule["pairs_without_stance_brought_together"])]
        lines.append(f"| {split} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _render_edge_counts(results: dict, key: str, total: str, title: str) -> str:
    """One row per category of ``results[key]``, one column per run (its ``key`` counts), and the
    category's share of all the runs' ``total`` together."""
    runs = results["runs"]
    seeds = [Path(run["run"]).name for run in runs]
    lines = [f"| {title} ({results['split']}) | " + " | ".join(seeds) + " | mean share |", "|---|" + "---|" * (len(runs) + 1)]
    for row in results[key]:
        cells = [run[key][row] for run in runs]
        share = sum(cells) / sum(run[total] for run in runs)
        lines.append(f"| {row} | " + " | ".join(map(str, cells)) + f" | {share:.0%} |")
    return "\n".join(lines)


def render_edge_losses(results: dict) -> str:
    """Gold edges by what became of them end to end, one column per run (``scripts/edge_losses.py``)."""
    return _render_edge_counts(results, "steps", "gold_edges", "gold edges")


def render_edge_sources(results: dict) -> str:
    """Kept end-to-end edges by what they are in the gold graph, one column per run (``scripts/edge_losses.py``)."""
    return _render_edge_counts(results, "sources", "kept_edges", "predicted edges")


DESIGN_RUNS = (
    ("pair contexts, pairs in one sentence (default)", "default"),
    ("pair contexts, pairs up to the next sentence", "two-sentences"),
    ("windows", "windows"),
)
"""Row name -> the suffix of its stance-ablation-validation-*.json and predict-speed-*.json."""


def render_design(designs: dict[str, tuple[dict, dict]]) -> str:
    """Design name -> (its run's ablation results, its predict-speed results)."""
    lines = [
        "| stance design | edge F1 given gold actors (at the fitted threshold) | end-to-end stance F1 | full / roles-only predict time |",
        "|---|---|---|---|",
    ]
    for name, (ablation, speed) in designs.items():
        decision = ablation["decision"]
        e2e = ablation["variants"][DESIGN_VARIANT]["headline"]["e2e_stance_f1"]
        ratio = speed["full_prediction_time_over_roles_only"]
        lines.append(f"| {name} | {decision['fitted_on']['edge_f1']:.3f} (threshold {decision['threshold']:.2f}) | {value_with_interval(e2e)} | {ratio:.2f}x |")
    return "\n".join(lines)


def render_seed(seed: dict) -> str:
    counts = seed["counts"]
    lines = [
        f"{counts['mentions']} mentions, {counts['actors']} actors, {counts['stances']} stance edges predicted "
        f"(gold: {counts['gold_mentions']}, {counts['gold_actors']}, {counts['gold_stances']}); "
        f"right end to end: {counts['correct_stances']} of the gold edges. Edges, most confident first (✓ = a gold edge):",
        "",
        "```",
        *(f"{'✓' if e['correct'] else ' '} {e['holder']} -> {e['target']}  {e['label']}  {e['score']:.2f}" for e in seed["stances"]),
        "```",
    ]
    return "\n".join(lines)


TRAINING_COLUMNS = (
    ("e2e_stance_f1", "end-to-end stance F1"),
    ("stance_macro_f1", "stance macro-F1 (gold actors)"),
    ("fitted_edge_f1_validation", "edge F1 given gold actors (fitted threshold)"),
    ("mention_strict_f1", "strict mention F1"),
    ("actor_role_accuracy", "actor role accuracy"),
)


def _spread(entry: dict) -> str:
    """Mean ± sample deviation over several runs; a single run's value alone."""
    return mean_sd(entry) if len(entry["values"]) > 1 else f"{entry['mean']:.3f}"


SPAN_COLUMNS = (
    ("e2e_stance_f1", "end-to-end stance F1"),
    ("mention_strict_f1", "strict mention F1"),
    ("actor_f1", "actor F1"),
    ("coref_conll_f1", "actor grouping CoNLL F1"),
    ("predicted_per_gold_actors", "predicted / gold actors"),
)
"""The columns of a change to the tagger's spans or the actor grouping: the stance classifier given gold actors does not move."""

NEUTRALITY_TEST_COLUMNS = (
    ("e2e_stance_f1", "end-to-end stance F1"),
    ("stance_macro_f1", "stance macro-F1 (gold actors)"),
    ("none_recall_gold_actors", "NONE recall (gold actors)"),
    ("predicted_per_gold_edges", "predicted / gold edges"),
)
"""The test split's columns: the runs before it were scored on test before per-label F1 was kept."""

NEUTRALITY_P_COLUMNS = (("e2e_stance_f1", "end-to-end stance F1"), ("stance_macro_f1", "stance macro-F1 (gold actors)"))

NEUTRALITY_COLUMNS = (
    ("e2e_stance_f1", "end-to-end stance F1"),
    ("stance_macro_f1", "stance macro-F1 (gold actors)"),
    ("neutral_f1_gold_actors", "NEUTRAL F1 (gold actors)"),
    ("none_recall_gold_actors", "NONE recall (gold actors)"),
    ("predicted_per_gold_edges", "predicted / gold edges"),
)
"""The columns of a change to the stance decision that adds NEUTRAL edges: the tagger and the actors do not move."""

SPONSORSHIP_COLUMNS = (
    ("e2e_stance_f1", "end-to-end stance F1"),
    ("stance_macro_f1", "stance macro-F1 (gold actors)"),
    ("support_f1_gold_actors", "SUPPORT F1 (gold actors)"),
    ("predicted_per_gold_edges", "predicted / gold edges"),
)
"""The columns of a change to the stance decision that adds SUPPORT edges."""

TEST_COLUMNS = (
    ("e2e_stance_f1", "end-to-end stance F1"),
    ("stance_macro_f1", "stance macro-F1 (gold actors)"),
    ("predicted_per_gold_edges", "predicted / gold edges"),
    ("actor_f1", "actor F1"),
    ("mention_strict_f1", "strict mention F1"),
    ("actor_role_accuracy", "actor role accuracy"),
)
"""The columns of a variant scored on the test split: its fitted edge F1 is a validation number, so it is left out."""


def render_training(results: dict, columns: tuple[tuple[str, str], ...] = TRAINING_COLUMNS, cell=lambda variant, key: _spread(variant["spread"][key])) -> str:
    """One row per training variant: mean ± sample deviation over its runs (seeds), or what ``cell`` makes of a variant's metric."""
    lines = [
        "| variant | seeds | " + " | ".join(title for _, title in columns) + " |",
        "|---|---|" + "---|" * len(columns),
    ]
    for name, variant in results["variants"].items():
        seeds = ", ".join(str(run["seed"]) for run in variant["runs"])
        cells = [cell(variant, key) for key, _ in columns]
        lines.append(f"| {name} | {seeds} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _with_interval(variant: dict, key: str) -> str:
    """A one-run variant's value with its bootstrap interval where the metric has one; else `_spread`."""
    entry = variant["runs"][0]["headline"].get(key) if len(variant["runs"]) == 1 else None
    return value_with_interval(entry) if entry else _spread(variant["spread"][key])


PAIRED_P_COLUMNS = (
    ("e2e_stance_f1", "end-to-end stance F1"),
    ("stance_macro_f1", "stance macro-F1 (gold actors)"),
    ("actor_f1", "actor F1"),
    ("mention_strict_f1", "strict mention F1"),
    ("actor_role_accuracy", "actor role accuracy"),
)


def render_paired_p(comparisons: dict[str, dict], candidate: str, row_titles: tuple[str, str], higher: str, columns=PAIRED_P_COLUMNS) -> str:
    """Label -> ``python -m eval compare`` of a candidate run and others: the one-sided paired bootstrap p-value of the
    candidate (the row whose run name starts with ``candidate``) against each other run, or ``higher`` where that run
    scores higher."""
    lines = [f"| {row_titles[0]} | {row_titles[1]} | " + " | ".join(title for _, title in columns) + " |", "|---|---|" + "---|" * len(columns)]
    for label, comparison in comparisons.items():
        name = next(row["run"] for row in comparison["rows"] if row["run"].startswith(candidate))
        for row in comparison["rows"]:
            if row["run"] == name:
                continue
            cells = []
            for key, _ in columns:
                best, p_value = comparison["best"][key], row[f"{key}_p_vs_best"]
                if best == name:
                    cells.append("<0.001" if p_value < 0.001 else f"{p_value:.3f}")
                else:
                    cells.append(higher if best == row["run"] else "–")
            lines.append(f"| {label} | {row['run']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


ENSEMBLE_TABLES = (
    ("stance-ensemble", "stance-ensemble-validation.json", TRAINING_COLUMNS),
    ("stance-ensemble-test", "stance-ensemble-test.json", TEST_COLUMNS),
    ("stance-ensemble-size", "stance-ensemble-size-validation.json", TRAINING_COLUMNS),
)
"""README region, result file (``scripts/stance_runs.py``: three seeds against their ensemble) and columns."""


TRAINING_TABLES = (
    ("stance-training", "stance-training-validation.json", TRAINING_COLUMNS),
    ("stance-training-linker", "stance-training-validation-linker.json", TRAINING_COLUMNS),
    ("stance-training-names", "stance-training-validation-names.json", TRAINING_COLUMNS),
    ("stance-training-negatives", "stance-training-validation-negatives.json", TRAINING_COLUMNS),
    ("stance-training-hard-negatives", "stance-training-validation-hard-negatives.json", TRAINING_COLUMNS),
    ("stance-training-head-loss", "stance-training-validation-head-loss.json", TRAINING_COLUMNS),
    ("stance-training-loss-weight", "stance-training-validation-loss-weight.json", TRAINING_COLUMNS),
    ("stance-training-layer-decay", "stance-training-validation-layer-decay.json", TRAINING_COLUMNS),
    ("stance-training-pair-inputs", "stance-training-validation-pair-inputs.json", TRAINING_COLUMNS),
    ("stance-training-dropout", "stance-training-validation-dropout.json", TRAINING_COLUMNS),
    ("stance-training-averaging", "stance-training-validation-averaging.json", TRAINING_COLUMNS),
    ("stance-training-park2021", "stance-training-validation-park2021.json", TRAINING_COLUMNS),
    ("stance-training-park2021-test", "stance-training-test-park2021.json", TEST_COLUMNS),
    ("stance-training-head-lr", "stance-training-validation-head-lr.json", TRAINING_COLUMNS),
    ("stance-training-class-weights", "stance-training-validation-class-weights.json", TRAINING_COLUMNS),
    ("stance-training-author", "stance-training-validation-author.json", TRAINING_COLUMNS),
    ("stance-encoder-joint", "stance-encoder-joint-validation.json", TRAINING_COLUMNS),
    ("span-repair", "span-repair-validation.json", SPAN_COLUMNS),
    ("span-places", "span-places-validation.json", SPAN_COLUMNS),
    ("span-population-join", "span-population-join-validation.json", SPAN_COLUMNS),
    ("span-titles", "span-titles-validation.json", SPAN_COLUMNS),
    ("span-name-start", "span-name-start-validation.json", SPAN_COLUMNS),
    ("span-described-name", "span-described-name-validation.json", SPAN_COLUMNS),
    ("sponsor-floor", "sponsor-floor-validation.json", SPAN_COLUMNS),
    ("grouping-test-retrains", "grouping-session22-test.json", TEST_COLUMNS),
    ("grouping-test-session23", "grouping-session23-test.json", TEST_COLUMNS),
    ("nominal-constraints", "nominal-constraints-validation.json", SPAN_COLUMNS),
    ("grouping-described-name", "grouping-described-name-validation.json", SPAN_COLUMNS),
    ("grouping-described-name-test", "grouping-described-name-test.json", SPAN_COLUMNS),
    ("grouping-proper-short-form", "grouping-proper-short-form-validation.json", SPAN_COLUMNS),
    ("grouping-proper-short-form-test", "grouping-proper-short-form-test.json", SPAN_COLUMNS),
    ("link-threshold", "link-threshold-validation.json", SPAN_COLUMNS),
    ("unsure-link", "unsure-link-validation.json", SPAN_COLUMNS),
    ("unsure-link-other-runs", "unsure-link-validation-other-runs.json", SPAN_COLUMNS),
    ("floor-unsure-link", "floor-unsure-link-validation.json", SPAN_COLUMNS),
    ("outside-weight", "outside-weight-validation.json", SPAN_COLUMNS),
    ("declared-neutrality", "declared-neutrality-validation.json", NEUTRALITY_COLUMNS),
    ("sponsorship-edges", "sponsorship-edges-validation.json", SPONSORSHIP_COLUMNS),
    ("sponsorship-edges-test", "sponsorship-edges-test.json", SPONSORSHIP_COLUMNS),
)
"""README region, result file (``scripts/stance_runs.py``) and columns of each table of variants over seeds."""


def render_training_with(results: dict, title: str, cells: dict[str, str]) -> str:
    """The training table with one more column: ``cells`` by variant name ("–" for a variant without one)."""
    lines = render_training(results).splitlines()
    lines[0] += f" {title} |"
    lines[1] += "---|"
    for row, name in enumerate(results["variants"], start=2):
        lines[row] += f" {cells.get(name, '–')} |"
    return "\n".join(lines)


DIRECTION_SPEED = {"ordered": "predict-speed-directions-ordered.json", "joint": "predict-speed-directions-joint.json"}
"""Variant of the directions file -> the predict-speed result of its seed-42 run (a variant that changes
training only predicts as fast as the setting it trains: "–")."""

PRECISION_SPEED = {"fp32": "train-speed-fp32.json", "bf16 (shipped)": "train-speed-bf16.json"}
"""Variant of the precision file -> the `benchmarks/train_speed.py --full` result of the default config
trained that way on the idle machine, both on one day (`train-speed.json` is the latest measurement)."""


def render_directions(results: dict, speeds: dict[str, dict]) -> str:
    """The training table's columns for each variant of the directions file, and its predict-time ratio."""
    ratios = {name: f"{speed['full_prediction_time_over_roles_only']:.2f}x" for name, speed in speeds.items()}
    return render_training_with(results, "full / roles-only predict time (seed 42)", ratios)


def render_precision(results: dict, speeds: dict[str, dict]) -> str:
    """The training table's columns for fp32 and bf16 training, and the default config's wall time for each."""
    walls = {name: f"{speed['full_run_wall_s']:.0f} s" for name, speed in speeds.items()}
    return render_training_with(results, "train time, 2 idle cores", walls)


def render_learning_curve(results: dict) -> str:
    lines = [
        "| training articles | end-to-end stance F1 | stance macro-F1 (gold actors) | edge F1 given gold actors (fitted threshold) |",
        "|---|---|---|---|",
    ]
    for point in results["points"]:
        headline = point["headline"]
        lines.append(
            f"| {point['train_articles']} ({point['fraction']:.0%}) | {value_with_interval(headline['e2e_stance_f1'])} "
            f"| {value_with_interval(headline['stance_macro_f1'])} | {point['decision']['fitted_on']['edge_f1']:.3f} |"
        )
    return "\n".join(lines)


def render_web_news(before: dict, now: dict) -> str:
    """Predicted mentions on web news pages (``benchmarks/web_news_spans.py``), before and after the span repair
    learnt headline lines, brackets and web tokens and the models read "U.S." as "US"."""
    lines = [
        "| span repair | predicted mentions | in a web address, hashtag or @handle | holding a bracket "
        "| a capitalised function word after the first word | \"U.S.\", \"U.N.\" ... inside a mention | actors per page "
        "| SemEval entity mentions found exactly |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rows = (
        (f"before (commit {before['git_commit'][:7]})", before),
        (f"+ headlines, brackets, web tokens, abbreviations (shipped; commit {now['git_commit'][:7]})", now),
    )
    for name, result in rows:
        counts = result["counts"]
        lines.append(
            f"| {name} | {counts['mentions']:,} | {counts['inside_web_token']} | {counts['holding_bracket']} "
            f"| {counts['capitalised_function_word']} "
            f"| {counts['dotted_abbreviations_in_mentions']} of {counts['dotted_abbreviations']} | {result['per_page']['actors']:.2f} "
            f"| {counts['gold_found_exact']} of {counts['gold_mentions']} ({result['gold_recall_exact']:.3f}) |"
        )
    return "\n".join(lines)


def render_web_news_network(result: dict) -> str:
    """The stance network over web news pages with a person's name variants kept apart and folded
    (``benchmarks/web_news_network.py``), then every fold."""
    lines = [
        f"| network over the {result['pages']} pages | actor nodes | stance edges |",
        "|---|---|---|",
        *(
            f"| {name} | {result[key]['nodes']:,} | {result[key]['edges']:,} |"
            for name, key in (("name variants kept (`--keep-name-variants`)", "name_variants_kept"), ("folded (default)", "name_variants_merged"))
        ),
        "",
        f"The {len(result['merged'])} folds (a variant's key -> its node's): "
        + "; ".join(f"{variant} -> {node}" for variant, node in result["merged"].items())
        + f". The bundled corpus invents its people, one article each: {len(result['corpus']['merged'])} folds over its "
        f"{result['corpus']['articles']} gold articles.",
    ]
    return "\n".join(lines)


def render_decision_variants(result: dict) -> str:
    """Each decision rule's held-out stance macro-F1 and edge F1 per run (``scripts/decision_variants.py``),
    and on how many held-out halves it beat the shipped rule or fell below it."""
    runs = list(result["runs"])
    names = list(result["runs"][runs[0]]["variants"])
    header = " | ".join(Path(run).name for run in runs)
    lines = [f"| decision rule | {header} |", "|---" * (len(runs) + 1) + "|"]
    for name in names:
        cells = []
        for run in runs:
            scores = result["runs"][run]["variants"][name]
            cells.append(
                f"{scores['macro_f1']:.3f} / {scores['edge_f1']:.3f} ({scores['halves_above_shipped']} / {scores['halves_below_shipped']})"
            )
        lines.append(f"| {name} | {' | '.join(cells)} |")
    return "\n".join(lines)


def render_stance_encoders(result: dict) -> str:
    """Stance models scored on one run's actors (``scripts/stance_swap.py``): what each is, its training
    time, and its stance scores with their intervals."""
    lines = [
        "| stance model | encoder | learning rate, epochs | training time (threads) | stance macro-F1 (gold actors) "
        "| SUPPORT / OPPOSE / NEUTRAL F1 (gold actors) | end-to-end stance F1 |",
        "|---|---|---|---|---|---|---|",
    ]
    for run in result["stance_runs"]:
        kind = "joint with the tagger" if "roles" in run["tasks"] else "stance only"
        encoder = run["encoder"].removeprefix("package:").rsplit("/", 1)[-1]
        labels = " / ".join(f"{run['label_f1_gold_actors'][label]:.3f}" for label in ("SUPPORT", "OPPOSE", "NEUTRAL"))
        cells = [
            f"{Path(run['run']).name} ({kind})", encoder, f"{run['learning_rate']:g}, {run['epochs']:g}",
            f"{run['train_time_s'] / 60:.0f} min ({run['threads']})", value_with_interval(run["headline"]["stance_macro_f1"]),
            labels, value_with_interval(run["headline"]["e2e_stance_f1"]),
        ]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def update(readme: str) -> str:
    def load(name: str) -> dict:
        return json.loads((RESULTS / name).read_text(encoding="utf-8"))

    ablation = load("stance-ablation-validation.json")
    readme = replace_region(readme, "stance-ablation", render_ablation(ablation))
    designs = {
        name: (load(f"stance-ablation-validation-{key}.json"), load(f"predict-speed-{key}.json")) for name, key in DESIGN_RUNS
    }
    readme = replace_region(readme, "stance-design", render_design(designs))
    readme = replace_region(readme, "stance-test", render_test(load("stance-ablation-test.json"), load("stance-ablation-test-default.json")))
    readme = replace_region(readme, "actor-floor", render_floor(load("actor-floor-validation.json")))
    readme = replace_region(readme, "stance-reach", render_reach(load("stance-reach.json")))
    readme = replace_region(readme, "stance-reach-apart", render_reach_apart(load("stance-reach.json")))
    edge_losses = load("edge-losses-validation.json")
    readme = replace_region(readme, "edge-losses", render_edge_losses(edge_losses))
    readme = replace_region(readme, "edge-sources", render_edge_sources(edge_losses))
    for region, name, columns in TRAINING_TABLES:
        readme = replace_region(readme, region, render_training(load(name), columns))
    for region, name, columns in ENSEMBLE_TABLES:
        readme = replace_region(readme, region, render_training(load(name), columns, _with_interval))
    comparisons = {split: load(f"stance-ensemble-compare-{split}.json") for split in ("validation", "test")}
    readme = replace_region(readme, "stance-ensemble-p", render_paired_p(comparisons, "ensemble", ("split", "member"), "higher than the ensemble"))
    before = {"pair decision alone (before)": load("stance-ensemble-test.json")["variants"]["one run (the shipped default)"]}
    neutrality_test = {"variants": before | load("declared-neutrality-test.json")["variants"]}
    readme = replace_region(readme, "declared-neutrality-test", render_training(neutrality_test, NEUTRALITY_TEST_COLUMNS))
    seeds = {seed: load(f"declared-neutrality-compare-seed{seed}.json") for seed in (42, 43, 44)}
    readme = replace_region(readme, "declared-neutrality-p", render_paired_p(seeds, "neutrality", ("seed", "before"), "higher before", NEUTRALITY_P_COLUMNS))
    speeds = {setting: load(name) for setting, name in DIRECTION_SPEED.items()}
    readme = replace_region(readme, "stance-directions", render_directions(load("stance-training-validation-directions.json"), speeds))
    rounds = [load("stance-training-validation-lr.json"), load("stance-training-validation-lr-low.json")]
    readme = replace_region(readme, "stance-training-lr", render_training({"variants": {n: v for r in rounds for n, v in r["variants"].items()}}))
    train_speeds = {setting: load(name) for setting, name in PRECISION_SPEED.items()}
    readme = replace_region(readme, "training-precision", render_precision(load("stance-training-validation-precision.json"), train_speeds))
    readme = replace_region(readme, "learning-curve", render_learning_curve(load("stance-learning-curve.json")))
    readme = replace_region(readme, "stance-encoders", render_stance_encoders(load("stance-encoder-validation.json")))
    readme = replace_region(readme, "web-news-spans", render_web_news(load("web-news-spans-before.json"), load("web-news-spans.json")))
    readme = replace_region(readme, "web-news-network", render_web_news_network(load("web-news-network.json")))
    readme = replace_region(readme, "decision-variants", render_decision_variants(load("decision-variants-validation.json")))
    return replace_region(readme, "seed", render_seed(load("seed-prediction.json")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme", type=Path, default=REPO / "README.md")
    parser.add_argument("--check", action="store_true", help="exit 1 if the README differs instead of writing it")
    args = parser.parse_args()
    readme = args.readme.read_text(encoding="utf-8")
    return write_or_check(args.readme, update(readme), args.check, f"{args.readme}: stance tables differ from the result files")


if __name__ == "__main__":
    raise SystemExit(main())
