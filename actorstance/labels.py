"""Label sets as data, and the BIO tag scheme that turns role spans into token tags and back.

Nothing in the model knows a role or stance name: it gets them from a `LabelSchema`, loaded
from a YAML/JSON file, one shipped inside the package (``actorstance/label_sets/*.yaml``, read
through `importlib.resources` so an installed wheel finds them) or derived from a corpus.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from importlib.resources import files
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = [
    "NONE_LABEL",
    "LabelSchema",
    "bio_tags",
    "merged_spans",
]

NONE_LABEL = "NONE"
"""The stance classifier's class for an actor pair with no stated stance (never annotated)."""

SHIPPED_FOLDER = "label_sets"
"""The package folder of the shipped schemas (``configs/labels`` in a checkout links to it)."""


class LabelSchema(BaseModel):
    """Role and stance label sets. ``role_groups`` optionally maps a coarse role to fine roles;
    ``dictionary_roles`` maps what an actor-dictionary link says about an actor (`actor_dictionary.
    link_evidence`: "IGO", "NGO", "MIL", "MUS", ...) to the role of this schema it implies."""

    model_config = ConfigDict(extra="forbid")

    name: str = "custom"
    roles: list[str] = Field(min_length=1)
    stances: list[str] = Field(min_length=1)
    role_groups: dict[str, list[str]] = Field(default_factory=dict)
    dictionary_roles: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> LabelSchema:
        for kind, labels in (("roles", self.roles), ("stances", self.stances)):
            if len(set(labels)) != len(labels):
                raise ValueError(f"{kind}: duplicate labels in {labels}")
        if NONE_LABEL in self.stances:
            raise ValueError(f"stances: {NONE_LABEL!r} is reserved for 'no stance' and cannot be a label")
        grouped = [role for fine in self.role_groups.values() for role in fine]
        unknown = sorted(set(grouped) - set(self.roles))
        if unknown:
            raise ValueError(f"role_groups: roles {unknown} are not in roles")
        unknown = sorted(set(self.dictionary_roles.values()) - set(self.roles))
        if unknown:
            raise ValueError(f"dictionary_roles: roles {unknown} are not in roles")
        return self

    @classmethod
    def load(cls, path: str | Path) -> LabelSchema:
        """Read a schema file; a missing, unparsable or invalid file raises ValueError naming it."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise ValueError(f"{path}: cannot read label schema: {error.strerror or error}") from None
        except UnicodeDecodeError as error:
            raise ValueError(f"{path}: invalid {'JSON' if path.suffix == '.json' else 'YAML'} ({' '.join(str(error).split())})") from None
        return cls._parse(text, str(path), json_format=path.suffix == ".json")

    @classmethod
    def _parse(cls, text: str, source: str, json_format: bool = False) -> LabelSchema:
        kind = "JSON" if json_format else "YAML"
        try:
            data = json.loads(text) if json_format else yaml.safe_load(text)
        except (json.JSONDecodeError, yaml.YAMLError) as error:
            raise ValueError(f"{source}: invalid {kind} ({' '.join(str(error).split())})") from None
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            raise ValueError(f"{source}: invalid label schema: {error}") from None

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.model_dump(), sort_keys=False, allow_unicode=True)

    @classmethod
    def shipped(cls, name: str) -> LabelSchema:
        """A schema shipped with the package ("default", "park2021", "newsmtsc", "semeval2025")."""
        folder = files("actorstance") / SHIPPED_FOLDER
        resource = folder / f"{name}.yaml"
        if not resource.is_file():
            known = ", ".join(sorted(item.name.removesuffix(".yaml") for item in folder.iterdir() if item.name.endswith(".yaml")))
            raise ValueError(f"no label schema named {name!r}; shipped: {known}")
        return cls._parse(resource.read_text(encoding="utf-8"), f"actorstance/{SHIPPED_FOLDER}/{name}.yaml")

    @classmethod
    def default(cls) -> LabelSchema:
        return cls.shipped("default")

    @classmethod
    def resolve(cls, name_or_path: str | Path) -> LabelSchema:
        """A schema file path, or the name of a shipped schema (`shipped`)."""
        path = Path(name_or_path)
        if not path.suffix and len(path.parts) == 1:
            return cls.shipped(str(name_or_path))
        return cls.load(path)

    @classmethod
    def from_articles(cls, articles: Iterable, name: str = "from-data") -> LabelSchema:
        """The labels a corpus actually uses, sorted, for corpora that bring their own set."""
        roles: set[str] = set()
        stances: set[str] = set()
        for article in articles:
            roles.update(actor.role for actor in article.actors if actor.role is not None)
            stances.update(stance.label for stance in article.stances)
        return cls(name=name, roles=sorted(roles), stances=sorted(stances))

    @property
    def bio_labels(self) -> list[str]:
        """Token tags: ``O`` first, then ``B-``/``I-`` per role, in schema order."""
        return ["O"] + [f"{prefix}-{role}" for role in self.roles for prefix in ("B", "I")]

    @property
    def stance_classes(self) -> list[str]:
        """Stance classifier classes: ``NONE`` first, then the schema's stance labels."""
        return [NONE_LABEL, *self.stances]

    def coarse_role(self, role: str) -> str | None:
        for group, fine in self.role_groups.items():
            if role in fine:
                return group
        return None


def bio_tags(length: int, spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """Tags for ``length`` units given ``(start, end, label)`` spans over unit indices (end exclusive)."""
    tags = ["O"] * length
    for start, end, label in spans:
        if not 0 <= start < end <= length:
            raise ValueError(f"span ({start}, {end}) out of range for {length} units")
        tags[start] = f"B-{label}"
        for index in range(start + 1, end):
            tags[index] = f"I-{label}"
    return tags


def merged_spans(tags: Sequence[str], weights: Sequence[float] | None = None) -> list[tuple[int, int, str]]:
    """``(start, end, role)`` spans (end exclusive) from BIO tags: the inverse of `bio_tags`, and the
    one decoder of predicted tags (scores use seqeval's own chunking).

    An ``I-`` tag continues the open span whatever its role (a stray one opens a span), and the span
    takes the role with the largest summed weight, the first such role on a tie; no ``weights`` means
    one vote a tag. A model that tags "the kingdom’s forces" as B-GOV I-MIL I-MIL with confidences
    0.4 0.9 0.8 yields one MIL mention, not two broken ones.
    """
    if weights is None:
        weights = [1.0] * len(tags)
    if len(weights) != len(tags):
        raise ValueError(f"merged_spans: {len(tags)} tags but {len(weights)} weights")
    spans: list[tuple[int, int, str]] = []
    start: int | None = None
    votes: dict[str, float] = {}
    for index, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        if start is not None and prefix != "I":
            spans.append((start, index, max(votes, key=votes.__getitem__)))
            start, votes = None, {}
        if prefix in ("B", "I"):
            start = index if start is None else start
            votes[label] = votes.get(label, 0.0) + weights[index]
    return spans
