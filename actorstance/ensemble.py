"""Seed ensembles: several retrains of one config that predict as one run.

Retrains of one config under other seeds disagree on single stance contexts far more than on their
average, so averaging their class distributions is a cheap way to a steadier graph, at the price of
one forward pass per member (README, "Seed ensembles"). An ensemble is a run directory like any other,
so evaluation, the CLI and the server load it unchanged:

    runs/<name>/
      members.json    {"members": [...]}: the member run directories, relative to this folder
      config.yaml     the first member's (prediction settings; every member encodes its inputs the same way)
      labels.yaml, aliases.json, linker.json, actor_roles.json   the first member's
      metrics.json    the members, their summed training time and parameter count, their NONE prior
      decision.json   the stance decision fitted for the averaged distributions (`decision.fit_decision`)
      README.md       its card: the members, the decision, how to rebuild it (`card.render_ensemble_card`)

Fitted on the training split alone and read by the predictor without the network, linker.json is the
same for every retrain of a config; actor_roles.json (the actor head's role threshold) is the first
member's, not refitted for the average.

`AveragedModel` stands in for one member's model: it runs every member on a batch and returns, for
each softmax output, the log of the members' mean probabilities, so the predictor's softmax gives the
mean distribution and nothing else in the predictor changes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import torch

from .atomic import atomic_write_text
from .config import RunConfig, load_config, predict_time_keys
from .labels import LabelSchema
from .run import check_run_dir

__all__ = ["MEMBERS_FILE", "AveragedModel", "is_ensemble", "ensemble_members", "check_members_agree", "ensemble_metrics", "write_ensemble"]

MEMBERS_FILE = "members.json"

_AVERAGED_DISTRIBUTIONS = ("role_logits", "given_role_logits", "stance_logits")
"""Outputs the predictor reads through a softmax: averaged as probabilities. Other outputs (the actor
head's, read per role group) are averaged as logits."""


class AveragedModel:
    """The members' mean prediction behind one model's call, for the outputs every member gives; other
    attributes are the first member's (members of one config have the same heads, `check_members_agree`,
    except the given-mention role head, which ``actorstance refit-roles`` may have added to some)."""

    def __init__(self, members: Sequence):
        if not members:
            raise ValueError("an ensemble needs at least one member")
        self.members = list(members)

    @property
    def given_role_head(self):
        """The first member's given-mention role head when every member has one (else the tagger's head serves)."""
        heads = [getattr(member, "given_role_head", None) for member in self.members]
        return heads[0] if all(head is not None for head in heads) else None

    def __call__(self, **batch: torch.Tensor) -> dict[str, torch.Tensor]:
        outputs = [member(**batch) for member in self.members]
        averaged = {}
        for key in [key for key in outputs[0] if all(key in output for output in outputs)]:
            if key in _AVERAGED_DISTRIBUTIONS:
                averaged[key] = torch.stack([output[key].float().softmax(-1) for output in outputs]).mean(0).log()
            else:
                averaged[key] = torch.stack([output[key].float() for output in outputs]).mean(0)
        return averaged

    def __getattr__(self, name: str):
        if name == "members":  # not set yet (copying, unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.members[0], name)


def is_ensemble(run_dir: Path) -> bool:
    """Whether ``run_dir`` is an ensemble (it has ``members.json``), without reading it."""
    return (Path(run_dir) / MEMBERS_FILE).is_file()


def ensemble_members(run_dir: Path) -> list[Path] | None:
    """The member run directories that ``run_dir/members.json`` lists (resolved against ``run_dir``),
    or None for a plain run; a corrupt file or a listed folder that is not there is a `ValueError`."""
    if not is_ensemble(run_dir):
        return None
    path = run_dir / MEMBERS_FILE
    try:
        members = json.loads(path.read_text(encoding="utf-8"))["members"]
        if not isinstance(members, list) or not members or not all(isinstance(member, str) for member in members):
            raise TypeError("'members' must be a non-empty list of folder names")
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path}: corrupt members file ({type(error).__name__}: {error})") from None
    resolved = [run_dir / member for member in members]
    for member, folder in zip(members, resolved):
        if not folder.is_dir():
            raise ValueError(f"{path}: member {member!r} is not a folder ({folder})")
    return resolved


def _encoding(config: RunConfig) -> dict:
    """What decides how a run turns text into model inputs and what its heads output."""
    fixed = config.model_dump(mode="json", include={"tasks", "model", "roles", "stance"})
    for key in predict_time_keys():
        section, _, name = key.partition(".")
        fixed.get(section, {}).pop(name, None)
    return fixed


def _differences(first: dict, other: dict, prefix: str = "") -> list[str]:
    keys = []
    for key in sorted(set(first) | set(other)):
        a, b = first.get(key), other.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            keys += _differences(a, b, f"{prefix}{key}.")
        elif a != b:
            keys.append(f"{prefix}{key} ({a!r} vs {b!r})")
    return keys


def check_members_agree(members: Sequence[Path]) -> None:
    """A `ValueError` naming the member and the keys that differ unless every member encodes inputs the
    same way, with the same encoder and the same labels (retrains of one config under other seeds do)."""
    configs = [load_config(member / "config.yaml") for member in members]
    labels = [LabelSchema.load(member / "labels.yaml") for member in members]
    for member, config, label_schema in zip(members[1:], configs[1:], labels[1:]):
        differing = _differences(_encoding(configs[0]), _encoding(config))
        if differing:
            raise ValueError(f"{member}: cannot join an ensemble with {members[0]}: its config differs in {', '.join(differing)}")
        if label_schema != labels[0]:
            raise ValueError(f"{member / 'labels.yaml'}: differs from {members[0] / 'labels.yaml'}; ensemble members share one label set")


def ensemble_metrics(members: Sequence[Path], folder: Path) -> dict:
    """metrics.json of an ensemble: its members (as ``members.json`` lists them, relative to ``folder``),
    their summed training time and parameters, and the first member's NONE prior and linker note."""
    trained = [json.loads((member / "metrics.json").read_text(encoding="utf-8")) for member in members]
    first = trained[0]
    metrics = {
        "ensemble": {"members": [os.path.relpath(member.resolve(), folder.resolve()) for member in members]},
        "train_time_s": _total(trained, "train_time_s"),
        "num_parameters": _total(trained, "num_parameters"),
    }
    for key in ("stance_none_per_positive", "linker"):
        if key in first:
            metrics[key] = first[key]
    return metrics


def _total(trained: list[dict], key: str) -> float | None:
    values = [metrics.get(key) for metrics in trained]
    return sum(values) if all(isinstance(value, (int, float)) for value in values) else None


_COPIED_FILES = ("config.yaml", "labels.yaml", "aliases.json", "linker.json", "actor_roles.json", "decision.json")
"""The first member's files an ensemble starts from (the last three where the member has them); its
decision.json is then replaced by one fitted for the ensemble (``actorstance ensemble``)."""


def write_ensemble(members: Sequence[Path], folder: Path) -> None:
    """Write the files of an ensemble of ``members`` (run directories) into ``folder``, which then loads as a
    run (`Predictor.from_pretrained`) but has no decision.json yet; members that disagree raise `ValueError`."""
    if len(members) < 2:
        raise ValueError(f"an ensemble needs at least two member runs, got {len(members)}")
    for member in members:
        if is_ensemble(check_run_dir(member)):
            raise ValueError(f"{member} is an ensemble itself; list its members instead")
    check_members_agree(members)
    for name in _COPIED_FILES:
        source = members[0] / name
        if source.is_file():
            atomic_write_text(folder / name, source.read_text(encoding="utf-8"))
    metrics = ensemble_metrics(members, folder)
    atomic_write_text(folder / MEMBERS_FILE, json.dumps({"members": metrics["ensemble"]["members"]}, indent=2) + "\n")
    atomic_write_text(folder / "metrics.json", json.dumps(metrics, indent=2) + "\n")
