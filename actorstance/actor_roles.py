"""Actor-level roles: one decision per actor from all its mentions in windows over the whole article.

A token vote reads an actor's role off the tags of its mentions, one sentence at a time; where the
role depends on what the article says about the actor as a whole (SemEval-2025 entity framing) that
is not enough. Here every article is cut into windows of whole sentences with every mention marked
(``<< mention >>``, as the stance ``windows`` design marks them), the model pools each actor's
opening-marker states over all windows and classifies the actor once (`ActorStanceModel`'s
``actor_role_head``).

Two output layouts, chosen by the label schema (`RoleLayout`):

* flat (no ``role_groups``, e.g. the default schema): one softmax over the roles, the role is the argmax;
* hierarchical (``role_groups``, e.g. SemEval's main role -> fine roles): a softmax over the main
  roles and one sigmoid per fine role. The main role is the argmax; the fine roles are the most
  probable fine role of that main role plus the others of that main role whose probability reaches
  the threshold fitted on validation (`fit_threshold`), so fine roles always belong to the main role.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from .atomic import atomic_write_text
from .dataset import IGNORE_INDEX, _sentence_groups
from .labels import LabelSchema
from .schema import Article
from .scores import balanced_class_weights
from .text import sentence_index, sentence_spans

__all__ = [
    "ACTOR_ROLES_FILE",
    "DEFAULT_THRESHOLD",
    "MENTION_MARKERS",
    "ActorInputs",
    "RoleLayout",
    "RoleThreshold",
    "actor_inputs",
    "actor_role_row",
    "actor_role_examples",
    "balanced_weights",
    "fit_threshold",
]

ACTOR_ROLES_FILE = "actor_roles.json"
DEFAULT_THRESHOLD = 0.5
MENTION_MARKERS = ("<<", ">>")
THRESHOLD_GRID = tuple(round(value, 2) for value in np.arange(0.05, 1.0, 0.05))
MAX_POSITIVE_WEIGHT = 10.0
"""``balanced`` fine-role weights are capped here: a fine role seen twice in 300 actors would otherwise weigh 150."""


@dataclass(frozen=True)
class RoleLayout:
    """How the actor head's outputs map to roles: ``main`` groups of role indices (one output each)
    then, when ``hierarchical``, one output per role."""

    roles: tuple[str, ...]
    main: tuple[str, ...]
    members: tuple[tuple[int, ...], ...]
    hierarchical: bool

    @classmethod
    def of(cls, labels: LabelSchema) -> RoleLayout:
        roles = tuple(labels.roles)
        if not labels.role_groups:
            return cls(roles, roles, tuple((index,) for index in range(len(roles))), False)
        index = {role: position for position, role in enumerate(roles)}
        groups = {name: tuple(index[role] for role in fine if role in index) for name, fine in labels.role_groups.items()}
        grouped = {position for members in groups.values() for position in members}
        groups.update({roles[position]: (position,) for position in range(len(roles)) if position not in grouped})
        groups = {name: members for name, members in groups.items() if members}
        return cls(roles, tuple(groups), tuple(groups.values()), True)

    @property
    def num_outputs(self) -> int:
        return len(self.main) + (len(self.roles) if self.hierarchical else 0)

    @cached_property
    def main_of(self) -> dict[int, int]:
        return {role: group for group, members in enumerate(self.members) for role in members}

    def targets(self, role: str, other_roles: Sequence[str] | None = None) -> list[int]:
        """The multi-hot target of an actor: its main role, and (hierarchical) each of its roles."""
        indices = [self.roles.index(name) for name in [role, *(other_roles or [])]]
        target = [0] * self.num_outputs
        target[self.main_of[indices[0]]] = 1
        if self.hierarchical:
            for index in indices:
                target[len(self.main) + index] = 1
        return target

    def probabilities(self, logits: np.ndarray) -> np.ndarray:
        """Logits (..., outputs) -> a softmax over the main outputs, a sigmoid per fine role."""
        from scipy.special import expit, softmax

        main = softmax(logits[..., : len(self.main)], axis=-1)
        if not self.hierarchical:
            return main
        return np.concatenate([main, expit(logits[..., len(self.main) :])], axis=-1)

    def decide(self, probabilities: np.ndarray, threshold: float = DEFAULT_THRESHOLD) -> tuple[str, list[str], float]:
        """(role, further roles, score) of one actor. Flat: the most probable role and its probability.
        Hierarchical: the most probable main role; its most probable fine role, then its other fine
        roles at ``threshold`` or above (most probable first); the score is the main role's probability."""
        group = int(np.argmax(probabilities[: len(self.main)]))
        score = float(probabilities[group])
        if not self.hierarchical:
            return self.roles[self.members[group][0]], [], score
        fine = probabilities[len(self.main) :]
        ranked = sorted(self.members[group], key=lambda index: (-fine[index], index))
        further = [self.roles[index] for index in ranked[1:] if fine[index] >= threshold]
        return self.roles[ranked[0]], further, score


@dataclass
class ActorInputs:
    """One article as the actor head reads it: windows of whole sentences with every mention marked."""

    article_id: str
    actors: list[str]
    windows: list[list[int]]
    mention_windows: list[int]
    mention_tokens: list[int]  # token index of each kept mention's opening marker in its window
    mention_actors: list[int]  # index into ``actors``
    mentions_lost: int = 0


def actor_inputs(article: Article, tokenizer, max_length: int) -> ActorInputs:
    """The windows of ``article`` that hold a mention: consecutive sentences packed up to
    ``max_length`` tokens (a longer sentence is cut), every mention inside marked. A mention the
    packing cuts off or that crosses a window's end is counted in ``mentions_lost``."""
    actors = list(dict.fromkeys(mention.actor for mention in article.mentions))
    result = ActorInputs(article.id, actors, [], [], [], [])
    sentences = sentence_spans(article.text)
    mentions = sorted(article.mentions, key=lambda m: (m.start, m.end))
    if not sentences or not mentions:
        return result
    opening, closing = MENTION_MARKERS[0] + " ", " " + MENTION_MARKERS[1]
    marker_tokens = len(tokenizer(opening + closing, add_special_tokens=False)["input_ids"])
    lengths = [len(ids) for ids in tokenizer([article.text[a:b] for a, b in sentences], add_special_tokens=False)["input_ids"]]
    for mention in mentions:
        lengths[sentence_index(sentences, mention.start)] += marker_tokens
    actor_index = {actor: position for position, actor in enumerate(actors)}
    placed = 0
    for first, last in _sentence_groups(lengths, max_length - 2, 0):
        start, end = sentences[first][0], sentences[last][1]
        inside = [m for m in mentions if start <= m.start and m.end <= end]
        if not inside:
            continue
        pieces, cursor, offsets = [], start, []
        for mention in inside:
            pieces += [article.text[cursor : mention.start], opening]
            offsets.append(sum(len(piece) for piece in pieces) - len(opening))
            pieces += [article.text[mention.start : mention.end], closing]
            cursor = mention.end
        pieces.append(article.text[cursor:end])
        encoding = tokenizer("".join(pieces), truncation=True, max_length=max_length)
        window = len(result.windows)
        result.windows.append(encoding["input_ids"])
        for mention, offset in zip(inside, offsets):
            token = encoding.char_to_token(0, offset)
            if token is None:
                continue
            placed += 1
            result.mention_windows.append(window)
            result.mention_tokens.append(token)
            result.mention_actors.append(actor_index[mention.actor])
    result.mentions_lost = len(mentions) - placed
    return result


def actor_role_row(inputs: ActorInputs, targets: Sequence[Sequence[int]] | None, num_outputs: int) -> dict:
    """The actor-head fields of one article's row; without ``targets`` (prediction) every target is ignored."""
    return {
        "actor_window_ids": inputs.windows,
        "actor_mention_windows": inputs.mention_windows,
        "actor_mention_tokens": inputs.mention_tokens,
        "actor_mention_actors": inputs.mention_actors,
        "actor_role_targets": [list(t) for t in targets] if targets is not None else [[IGNORE_INDEX] * num_outputs for _ in inputs.actors],
    }


def actor_role_examples(articles: Sequence[Article], tokenizer, labels: LabelSchema, max_length: int) -> list[dict]:
    """One training row per article with mentions: its windows and one target per actor (an actor
    without a role is ignored). ``input_ids`` is a bare ``[CLS] [SEP]`` so the rows share the tagger
    rows' schema; the tagger's labels on it are all ignored."""
    layout = RoleLayout.of(labels)
    stub = tokenizer("", add_special_tokens=True)["input_ids"]
    examples = []
    for article in articles:
        inputs = actor_inputs(article, tokenizer, max_length)
        if not inputs.windows:
            continue
        known = article.actor_by_id()
        targets = [
            layout.targets(known[actor].role, known[actor].other_roles)
            if actor in known and known[actor].role is not None
            else [IGNORE_INDEX] * layout.num_outputs
            for actor in inputs.actors
        ]
        examples.append(
            {
                "task": "roles",
                "article_id": article.id,
                "input_ids": stub,
                "labels": [IGNORE_INDEX] * len(stub),
                "stance_labels": IGNORE_INDEX,
                "holder_index": 0,
                "target_index": 0,
                "offsets": [[-1, -1]] * len(stub),
                **actor_role_row(inputs, targets, layout.num_outputs),
            }
        )
    return examples


def balanced_weights(targets: Sequence[Sequence[int]], layout: RoleLayout) -> tuple[list[float], list[float] | None]:
    """Loss weights from the training targets: per main output ``n / (k x count)`` (sklearn's
    ``balanced``; a class never seen weighs 1), and per fine role (hierarchical) the positive weight
    ``negatives / positives``, capped at `MAX_POSITIVE_WEIGHT`."""
    rows = np.asarray([t for t in targets if t[0] != IGNORE_INDEX], dtype=np.int64).reshape(-1, layout.num_outputs)
    main = balanced_class_weights(rows[:, : len(layout.main)].argmax(-1), len(layout.main))
    if not layout.hierarchical:
        return main, None
    positives = rows[:, len(layout.main) :].sum(0)
    fine = np.where(positives > 0, (len(rows) - positives) / np.maximum(positives, 1), 1.0)
    return main, np.clip(fine, 1.0, MAX_POSITIVE_WEIGHT).tolist()


def fit_threshold(
    probabilities: Sequence[np.ndarray], gold: Sequence[Sequence[str]], layout: RoleLayout
) -> tuple[float, float]:
    """(threshold, exact-match ratio) of the grid threshold whose decisions match the most gold role
    sets exactly; ties go to the higher threshold (fewer further roles). The default when ``gold`` is empty."""
    if not gold:
        return DEFAULT_THRESHOLD, 0.0
    best = (-1.0, DEFAULT_THRESHOLD)
    for threshold in THRESHOLD_GRID:
        matches = 0
        for scores, roles in zip(probabilities, gold):
            role, further, _ = layout.decide(scores, threshold)
            matches += {role, *further} == set(roles)
        best = max(best, (matches / len(gold), threshold))
    return best[1], best[0]


@dataclass(frozen=True)
class RoleThreshold:
    """The fine-role threshold of a run, fitted on its validation split (``actor_roles.json``)."""

    threshold: float = DEFAULT_THRESHOLD
    fitted_on: dict | None = None

    def save(self, directory: Path) -> None:
        payload = {"threshold": self.threshold, "fitted_on": self.fitted_on}
        atomic_write_text(Path(directory) / ACTOR_ROLES_FILE, json.dumps(payload, indent=2) + "\n")

    @classmethod
    def load(cls, directory: Path) -> RoleThreshold:
        """The run's threshold; the default where the run has none (no role groups, or no validation split)."""
        path = Path(directory) / ACTOR_ROLES_FILE
        if not path.is_file():
            return cls()
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
            threshold = payload["threshold"]
        except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as error:
            raise ValueError(f"{path}: not an actor-roles file ({type(error).__name__}: {error})") from None
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0.0 <= threshold <= 1.0:
            raise ValueError(f"{path}: threshold: expected a number from 0 to 1, got {threshold!r}")
        return cls(float(threshold), payload.get("fitted_on"))
