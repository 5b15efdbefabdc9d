"""Model card: the README.md of a run directory, filled from the run's own config and metrics."""

from __future__ import annotations

import os
from typing import Any

from .config import RunConfig
from .decision import PairDecision
from .labels import LabelSchema

__all__ = ["render_card", "render_ensemble_card"]

_TEMPLATE = """\
# actorstance run `{name}`

Tags actors and their roles in news text and classifies directed stances between actors.

| | |
|---|---|
| tasks | {tasks} |
| architecture | {architecture} |
| encoder | `{model}` |
| roles | {roles} |
| stance labels | {stances} (+ `NONE` for no stated stance) |
| training data | {train_articles} articles, {train_mentions} mentions, {train_stances} stances ({paths}) |
| split sizes | {splits} |
| train time | {train_time:.0f} s on {device} |
| kept checkpoint | {kept} |
| stance decision | {decision} |
| nominal linker | {linker} |
| roles of given mentions | {given_roles} |
| parameters | {parameters:,} |

## Validation metrics

{metrics}

These are example-level numbers on the validation split (role F1 over gold sentence windows,
stance macro-F1 over candidate pairs). Use `python -m eval {name_path}` for article-level,
end-to-end numbers with confidence intervals on the test split.

## Intended use

Research and analysis of who supports or opposes whom in English political and conflict news;
a first pass for annotators (predictions convert to brat, Label Studio and doccano for correction).

## Limits

- Trained on {train_articles} articles written for this project; other genres, languages and
  annotation conventions will score lower.
- Stances are predicted only between actors mentioned {reach};
  pronoun-only references are not resolved.
- Roles follow the label schema above; an actor's role is what the article says it is, not a fact.

## Reproduce

```
python -m train config.yaml
```
with the `config.yaml` saved beside this card. The weights repeat exactly with the same versions,
the same kind of CPU or GPU and the same thread count ({threads}; pin it with `training.threads`).
"""


def _decision(summary: dict[str, Any]) -> str:
    """The fitted stance threshold (decision.json) and what it gave on validation."""
    decision = summary.get("decision")
    if not decision:
        return "none (no stance head or no validation split)"
    return (f"edges kept from score {decision['threshold']:.2f}, reverse margin {decision['reverse_margin']:.2f} "
            f"(edge F1 {decision['edge_f1']:.3f} given gold actors on {decision['articles']} validation articles)")  # fmt: skip


def _linker(summary: dict[str, Any]) -> str:
    """What the nominal linker (linker.json) was fitted on, or why the run has none."""
    linker = summary.get("linker")
    if not linker:
        return "none (no tagger)"
    if "skipped" in linker:
        return f"none: {linker['skipped']} (nominals join the nearest named actor of their role)"
    return f"`linker.json`, fitted on {linker['nominals']} nominals of {linker['articles']} training articles"


def _given_roles(summary: dict[str, Any]) -> str:
    """Which head gives the roles of given mentions (`given_roles`)."""
    fitted = summary.get("given_role_head")
    if not fitted:
        return "the tagger head (no re-fitted head)"
    return f"a copy of the tagger head re-fitted on the encoder's states of {fitted['articles']} training articles"


def _metric_rows(validation: dict[str, Any]) -> str:
    keys = [k for k in ("combined_f1", "role_f1", "role_precision", "role_recall", "stance_macro_f1", "stance_accuracy") if k in validation]
    if not keys:
        return "No validation split was available."
    rows = "\n".join(f"| {key} | {validation[key]:.4f} |" for key in keys)
    return "| metric | value |\n|---|---|\n" + rows


def _reach(sentences: int, declared_neutrality: bool, sponsorship_edges: bool) -> str:
    """Which actor pairs get stances: those mentioned close enough, the sides of a declared neutrality, and
    the sponsors a mention names."""
    reach = "in one sentence" if sentences == 0 else f"within {sentences} sentence(s) of each other"
    if declared_neutrality:
        reach += (", and NEUTRAL edges from an actor that declares itself neutral toward the two sides of the "
                  "article's main conflict (`stance.declared_neutrality`)")  # fmt: skip
    if sponsorship_edges:
        reach += (", and SUPPORT edges that a mention's own words state with the actor they name ('Iran-backed "
                  "militias', 'pro-Iranian forces': `stance.sponsorship_edges`)")  # fmt: skip
    return reach


def _kept(summary: dict[str, Any], metric: str) -> str:
    """Which checkpoint early stopping kept, per trained model, or which ones were averaged."""
    parts = []
    averaged = summary.get("averaged_checkpoints") or {}
    for group, kept in summary.get("kept_checkpoints", {}).items():
        if averaged.get(group):
            parts.append(f"{group}: the mean of {', '.join(averaged[group])}")
            continue
        if kept is None:
            parts.append(f"{group}: the last (no validation split)")
            continue
        epoch = f"epoch {kept['epoch']:.2f}" if kept.get("epoch") is not None else "epoch ?"
        value = f", {metric} {kept['metric_value']:.4f}" if kept.get("metric_value") is not None else ""
        parts.append(f"{group}: {epoch} (step {kept['step']}{value})")
    return "; ".join(parts) or "–"


def render_card(config: RunConfig, labels: LabelSchema, summary: dict[str, Any], train_stats: dict[str, Any]) -> str:
    device = summary.get("device", {})
    return _TEMPLATE.format(
        name=config.name,
        name_path=f"{config.output_dir}/{config.name}",
        tasks=", ".join(config.tasks),
        architecture=config.model.architecture,
        model=config.model.name,
        roles=", ".join(labels.roles),
        stances=", ".join(labels.stances),
        train_articles=train_stats["articles"],
        train_mentions=train_stats["mentions"],
        train_stances=train_stats["stances"],
        paths=", ".join(config.data.paths),
        splits=", ".join(f"{k} {v}" for k, v in summary.get("data", {}).items()),
        train_time=summary.get("train_time_s", 0.0),
        kept=_kept(summary, config.training.early_stopping.metric),
        decision=_decision(summary),
        linker=_linker(summary),
        given_roles=_given_roles(summary),
        device=device.get("name") or device.get("type", "?"),
        parameters=summary.get("num_parameters", 0),
        metrics=_metric_rows(summary.get("validation", {})),
        reach=_reach(config.stance.max_sentence_distance, config.stance.declared_neutrality, config.stance.sponsorship_edges),
        threads=f"{device['threads']} here" if "threads" in device else "see metrics.json",
    )


_ENSEMBLE_TEMPLATE = """\
# actorstance ensemble `{name}`

The mean prediction of {count} retrains of one config (`actorstance ensemble`): every input passes
through each member, and their class distributions are averaged.

| | |
|---|---|
| members | {members} (paths relative to this folder) |
| stance decision | {decision} |
| train time | {train_time} (the members' sum) |
| parameters | {parameters} (the members' sum) |

Each member's own `README.md` gives its training data, validation metrics and limits. Moving this
folder without its members breaks it: the members are read from where `members.json` says.

## Reproduce

```
actorstance ensemble {member_arguments} --output {name}
```
run in this folder's parent.
"""


def render_ensemble_card(name: str, metrics: dict[str, Any], decision: PairDecision | None) -> str:
    """README.md of an ensemble (`actorstance.ensemble`), from its metrics.json and fitted decision."""
    members = metrics["ensemble"]["members"]
    train_time, parameters = metrics.get("train_time_s"), metrics.get("num_parameters")
    return _ENSEMBLE_TEMPLATE.format(
        name=name,
        count=len(members),
        members=", ".join(f"`{member}`" for member in members),
        decision=_decision({"decision": decision.summary() if decision else None}),
        train_time="?" if train_time is None else f"{train_time:.0f} s",
        parameters="?" if parameters is None else f"{parameters:,}",
        member_arguments=" ".join(os.path.normpath(os.path.join(name, member)) for member in members),
    )
