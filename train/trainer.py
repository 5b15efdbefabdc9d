"""Config-driven fine-tuning on the HF Trainer: one shared encoder with two heads, or one model per task.

Training state (checkpoints, log) lives in a hidden work folder beside the run directory; the run
directory itself appears in one rename when everything in it is written, so a folder named like a
run is always complete. ``resume=True`` continues from the work folder's last checkpoint.
"""

from __future__ import annotations

import json
import logging
import platform
import re
import shutil
import time
import warnings
from pathlib import Path

import numpy as np
import torch
import transformers
from transformers import (
    AutoTokenizer,
    EarlyStoppingCallback,
    ProgressCallback,
    Trainer,
    TrainerCallback,
    TrainingArguments,
    set_seed,
)

from actorstance.actor_dictionary import ActorDictionary
from actorstance.actor_roles import RoleLayout, RoleThreshold, balanced_weights, fit_threshold
from actorstance.aliases import build_alias_table
from actorstance.atomic import atomic_directory, atomic_write_text
from actorstance.card import render_card
from actorstance.config import RunConfig, load_config, resolve_model_name
from actorstance.corpus import load_corpus
from actorstance.corpus.stats import corpus_stats
from actorstance.dataset import IGNORE_INDEX, PadCollator, build_dataset_dict, split_articles, stance_pair_counts
from actorstance.decision import none_odds_correction
from actorstance.given_roles import given_role_head_for
from actorstance.grouping import fit_mention_linker
from actorstance.labels import NONE_LABEL, LabelSchema
from actorstance.linking import LINKER_FILE, MentionLinker
from actorstance.machine import device_summary, git_commit, has_accelerator
from actorstance.modeling import ActorStanceModel
from actorstance.role_prior import ENCODER_FIX, RolePrior, fit_role_prior, load_encoder
from actorstance.run import RunDirError, check_run_dir, model_dirs
from actorstance.schema import Article
from actorstance.scores import balanced_class_weights, label_scores, tag_scores

__all__ = ["train", "build_trainer"]

logger = logging.getLogger(__name__)


class JsonlLogCallback(TrainerCallback):
    """Appends every Trainer log record to ``train.log`` as one JSON object a line."""

    def __init__(self, path: Path):
        self.path = path

    def on_log(self, args, state, control, logs=None, **kwargs):
        if state.is_world_process_zero and logs:
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps({"step": state.global_step, "epoch": state.epoch, **logs}) + "\n")


class EvaluationLineCallback(ProgressCallback):
    """The progress bar, plus one readable line per evaluation instead of HF's raw log dicts
    (the full records go to ``train.log``)."""

    def __init__(self, metric: str, greater_is_better: bool):
        super().__init__()
        self.metric, self.greater_is_better = metric, greater_is_better
        self.loss: float | None = None
        self.best: tuple[float, float] | None = None  # (value, epoch)

    def on_log(self, args, state, control, logs=None, **kwargs):
        logs = logs or {}
        if "loss" in logs:
            self.loss = logs["loss"]
        value = logs.get(f"eval_{self.metric}")
        if value is None or not state.is_world_process_zero:
            return
        epoch = state.epoch or 0.0
        if self.best is None or (value > self.best[0] if self.greater_is_better else value < self.best[0]):
            self.best = (value, epoch)
        parts = [f"epoch {epoch:.2f} (step {state.global_step})"]
        if self.loss is not None:
            parts.append(f"train loss {self.loss:.4f}")
        if "eval_loss" in logs and self.metric != "loss":
            parts.append(f"validation loss {logs['eval_loss']:.4f}")
        parts.append(f"{self.metric} {value:.4f} (best {self.best[0]:.4f} at epoch {self.best[1]:.2f})")
        line = " · ".join(parts)
        if self.training_bar is not None:
            self.training_bar.write(line)
        else:
            print(line, flush=True)


def _tensorboard_callback(directory: Path) -> TrainerCallback:
    """HF's TensorBoard callback writing to ``directory`` (copied into RUN/tensorboard/ with the run)."""
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:
        raise ValueError("training.tensorboard: the tensorboard package is missing; pip install 'actorstance[tensorboard]'") from None
    from transformers.integrations import TensorBoardCallback

    return TensorBoardCallback(SummaryWriter(log_dir=str(directory)))


def _kept_evaluation(state) -> dict | None:
    """The logged evaluation of the checkpoint ``load_best_model_at_end`` kept: the same numbers a final
    ``evaluate()`` would give, without a second pass over the validation split."""
    records = [
        r for r in state.log_history if r.get("step") == state.best_global_step and any(key.startswith("eval_") for key in r)
    ]
    return records[-1] if state.best_global_step is not None and records else None


def _kept_checkpoint(state) -> dict | None:
    """Step, epoch and metric of the checkpoint that ``load_best_model_at_end`` kept (None without evaluation)."""
    evaluation = _kept_evaluation(state)
    if evaluation is None:
        return None
    return {"step": state.best_global_step, "epoch": evaluation.get("epoch"), "metric_value": state.best_metric}


def _precision_flags(precision: str) -> dict:
    cuda = torch.cuda.is_available()
    if precision == "auto":
        precision = "bf16" if cuda and torch.cuda.is_bf16_supported() else "fp32"
    if precision == "fp16" and not cuda:
        raise ValueError("training.precision: fp16 needs a CUDA device; use fp32 or bf16 on this machine")
    if precision == "bf16" and not cuda and not cpu_has_native_bf16():
        logger.warning("training.precision: bf16 on a CPU without AVX-512 BF16 or AMX is emulated and slower than fp32")
    return {"bf16": precision == "bf16", "fp16": precision == "fp16"}


def cpu_has_native_bf16() -> bool:
    """Whether this CPU computes bfloat16 in hardware (AVX-512 BF16 or AMX), where bf16 autocast
    trains ~1.4x faster than fp32; elsewhere torch emulates it."""
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in checks)


def _metrics_function(labels: LabelSchema, tasks: tuple[str, ...]):
    """``compute_metrics`` over the argmax predictions of whichever heads the model has."""
    tags = labels.bio_labels
    classes = labels.stance_classes

    def compute(prediction) -> dict[str, float]:
        predictions = prediction.predictions if isinstance(prediction.predictions, tuple) else (prediction.predictions,)
        label_ids = prediction.label_ids if isinstance(prediction.label_ids, tuple) else (prediction.label_ids,)
        by_task = dict(zip(tasks, predictions))
        results: dict[str, float] = {}
        headline = []
        if "roles" in by_task:
            gold_rows, predicted_rows = [], []
            for gold, predicted in zip(label_ids[0], by_task["roles"]):
                keep = gold != IGNORE_INDEX
                if keep.any():
                    gold_rows.append([tags[i] for i in gold[keep]])
                    predicted_rows.append([tags[i] for i in predicted[keep]])
            scores = tag_scores(gold_rows, predicted_rows)
            results.update({f"role_{key}": value for key, value in scores.items()})
            results["role_f1"] = scores["f1"]
            headline.append(scores["f1"])
        if "stance" in by_task:
            gold = label_ids[-1]
            keep = gold != IGNORE_INDEX
            scores = label_scores(
                [classes[i] for i in gold[keep]], [classes[i] for i in by_task["stance"][keep]], labels.stances, NONE_LABEL
            )
            results.update({f"stance_{k}": v for k, v in scores.items() if isinstance(v, (int, float))})
            headline.append(scores["macro_f1"])
        results["combined_f1"] = float(np.mean(headline))
        return results

    return compute


def _checkpoints_by_step(directory: Path) -> list[Path]:
    """The ``checkpoint-<step>`` folders of ``directory``, oldest first."""
    numbered = [(path.name.rsplit("-", 1)[1], path) for path in directory.glob("checkpoint-*")] if directory.is_dir() else []
    return [path for _, path in sorted((int(step), path) for step, path in numbered if step.isdigit())]


def _average_last_checkpoints(trainer: Trainer, count: int) -> list[str] | None:
    """Load the mean of the weights of the last ``count`` checkpoints into the trainer's model (checkpoint
    averaging, ``training.average_checkpoints``; README, "Checkpoint averaging", for its trial); returns their
    folder names, or None when averaging is off or fewer than two checkpoints exist."""
    from safetensors.torch import load_file

    if count < 2:
        return None
    checkpoints = _checkpoints_by_step(Path(trainer.args.output_dir))[-count:]
    if len(checkpoints) < 2:
        logger.warning("average_checkpoints: %d checkpoint(s) written, nothing to average", len(checkpoints))
        return None
    states = [load_file(str(path / "model.safetensors")) for path in checkpoints]
    averaged = {name: torch.stack([state[name].float() for state in states]).mean(0).to(tensor.dtype) for name, tensor in states[0].items()}
    trainer.accelerator.unwrap_model(trainer.model).load_state_dict(averaged)
    return [path.name for path in checkpoints]


def _last_complete_checkpoint(directory: Path) -> str | None:
    """The newest checkpoint whose trainer state was fully written; a kill mid-save leaves a partial
    folder, which is removed so the resumed run can write that step again."""
    if not directory.is_dir():
        return None
    for path in reversed(_checkpoints_by_step(directory)):
        try:
            json.loads((path / "trainer_state.json").read_text(encoding="utf-8"))
            return str(path)
        except (OSError, json.JSONDecodeError):
            logger.warning("skipping incomplete checkpoint %s", path)
            shutil.rmtree(path, ignore_errors=True)
    return None


def _argmax_logits(logits, labels):
    logits = logits if isinstance(logits, tuple) else (logits,)
    return tuple(item.argmax(dim=-1) for item in logits)


def build_trainer(
    config: RunConfig,
    tasks: tuple[str, ...],
    model_path: str,
    tokenizer,
    labels: LabelSchema,
    datasets,
    work_dir: Path,
    log_path: Path,
    data_collator=None,
) -> Trainer:
    """The HF Trainer for one model as ``config`` describes it (the speed benchmark swaps the collator)."""
    training = config.training
    has_validation = len(datasets["validation"]) > 0
    set_seed(config.seed)  # before the heads are initialised: identical runs from identical configs
    actor_layout = RoleLayout.of(labels) if "roles" in tasks and config.roles.decision == "actor" else None
    model = ActorStanceModel.from_encoder(
        model_path,
        num_tags=len(labels.bio_labels) if "roles" in tasks and config.roles.tagger else None,
        num_stance_classes=len(labels.stance_classes) if "stance" in tasks else None,
        dropout=config.model.dropout,
        stance_design=config.stance.design,
        num_actor_outputs=actor_layout.num_outputs if actor_layout else None,
        num_actor_main=len(actor_layout.main) if actor_layout and actor_layout.hierarchical else 0,
        stance_directions=config.stance.directions,
        stance_head=config.stance.head,
        stance_inputs=config.stance.pair_inputs,
    )
    model.stance_label_smoothing = training.stance_label_smoothing
    model.stance_loss_weight = training.stance_loss_weight
    if config.model.init_from:
        _start_from_run(model, Path(config.model.init_from), labels)
    if "stance" in tasks and training.stance_class_weights == "balanced":
        model.stance_class_weights = stance_class_weights(datasets["train"]["stance_labels"], len(labels.stance_classes))
    if actor_layout and config.roles.class_weights == "balanced":
        targets = [target for row in datasets["train"]["actor_role_targets"] for target in row]
        model.set_actor_class_weights(*balanced_weights(targets, actor_layout))
    by_steps = training.eval_every_steps is not None
    strategy = "steps" if by_steps else "epoch"
    args = TrainingArguments(
        output_dir=str(work_dir / "checkpoints"),
        per_device_train_batch_size=training.batch_size,
        per_device_eval_batch_size=training.eval_batch_size,
        gradient_accumulation_steps=training.gradient_accumulation_steps,
        learning_rate=training.learning_rate,
        weight_decay=training.weight_decay,
        warmup_steps=training.warmup_ratio,
        lr_scheduler_type=training.scheduler,
        num_train_epochs=training.epochs,
        max_steps=training.max_steps,
        eval_strategy=strategy if has_validation else "no",
        save_strategy=strategy,
        eval_steps=training.eval_every_steps,
        save_steps=training.eval_every_steps,
        save_total_limit=max(training.save_total_limit, training.average_checkpoints + 1),  # + 1: the best is kept too
        load_best_model_at_end=has_validation,
        metric_for_best_model=f"eval_{training.early_stopping.metric}" if has_validation else None,
        greater_is_better=training.early_stopping.metric != "loss",
        logging_steps=training.logging_steps,
        report_to=[],  # TensorBoard, when asked for, is added below with its folder in the run
        seed=config.seed,
        data_seed=config.seed,
        full_determinism=training.deterministic,  # torch.use_deterministic_algorithms (+ cuDNN/cuBLAS settings)
        train_sampling_strategy="group_by_length" if training.group_by_length else "random",
        dataloader_num_workers=training.dataloader_workers,
        label_names=["labels", "stance_labels"],
        remove_unused_columns=True,
        disable_tqdm=False,
        use_cpu=not has_accelerator(),  # lets `accelerate launch` run data-parallel CPU processes (gloo)
        **_precision_flags(training.precision),
    )
    callbacks: list[TrainerCallback] = [JsonlLogCallback(log_path)]
    if has_validation and training.early_stopping.patience:
        callbacks.append(EarlyStoppingCallback(early_stopping_patience=training.early_stopping.patience))
    if training.tensorboard:
        callbacks.append(_tensorboard_callback(log_path.parent / "tensorboard" / work_dir.name))
    own_rates = training.head_learning_rate is not None or training.layer_decay != 1.0
    rates = {"head_learning_rate": training.head_learning_rate, "layer_decay": training.layer_decay} if own_rates else {}
    trainer = (_ParameterRateTrainer if own_rates else Trainer)(
        model=model,
        args=args,
        train_dataset=datasets["train"],
        eval_dataset=datasets["validation"] if has_validation else None,
        data_collator=data_collator or PadCollator(tokenizer.pad_token_id),
        compute_metrics=_metrics_function(labels, tasks),
        preprocess_logits_for_metrics=_argmax_logits,
        callbacks=callbacks,
        **rates,
    )
    trainer.remove_callback(ProgressCallback)
    trainer.add_callback(EvaluationLineCallback(training.early_stopping.metric, args.greater_is_better))
    return trainer


class _ParameterRateTrainer(Trainer):
    """The HF Trainer with learning rates per parameter group: the task heads at their own rate
    (``training.head_learning_rate``: one for every head, or one per task; None: the encoder's), the
    encoder's layers decaying from the top (``training.layer_decay``); the schedule scales every group alike."""

    def __init__(self, *args, head_learning_rate: float | dict[str, float] | None = None, layer_decay: float = 1.0, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.head_learning_rate, self.layer_decay = head_learning_rate, layer_decay

    def _rate(self, name: str, layers: int) -> float:
        if name.startswith("encoder."):
            return self.args.learning_rate * self.layer_decay ** (layers - _encoder_depth(name, layers))
        if self.head_learning_rate is None:
            return self.args.learning_rate
        if not isinstance(self.head_learning_rate, dict):
            return self.head_learning_rate
        return self.head_learning_rate.get("stance" if name.startswith("stance_head.") else "roles", self.args.learning_rate)

    def create_optimizer(self, model=None):
        if self.optimizer is None:
            model = self.model if model is None else model
            decay = set(self.get_decay_parameter_names(model))
            layers = max((_encoder_depth(name, 0) for name, _ in model.named_parameters()), default=0)
            groups: dict[tuple[float, bool], list] = {}
            for name, parameter in model.named_parameters():
                if parameter.requires_grad:
                    groups.setdefault((self._rate(name, layers), name in decay), []).append(parameter)
            optimizer_class, optimizer_kwargs = self.get_optimizer_cls_and_kwargs(self.args, model)
            self.optimizer = optimizer_class(
                [
                    {"params": params, "weight_decay": self.args.weight_decay if decayed else 0.0, "lr": rate}
                    for (rate, decayed), params in groups.items()
                ],
                **optimizer_kwargs,
            )
        return self.optimizer


_LAYER_NUMBER = re.compile(r"\.layers?\.(\d+)\.")


def _encoder_depth(name: str, top: int) -> int:
    """How high an encoder parameter sits: 0 for the embeddings, n + 1 for the layer numbered n, ``top``
    for what comes after the layers (a pooler)."""
    if ".embeddings." in name:
        return 0
    number = _LAYER_NUMBER.search(name)
    return int(number.group(1)) + 1 if number else top


def _start_from_run(model: ActorStanceModel, run_dir: Path, labels: LabelSchema) -> None:
    """``model.init_from``: load the run's model (its stance model when the run has separate ones) and
    carry over its encoder and the head outputs of the labels both label sets name alike."""
    try:
        check_run_dir(run_dir)
    except RunDirError as error:
        raise ValueError(f"model.init_from: {error}") from None
    source_config = load_config(run_dir / "config.yaml")
    source_labels = LabelSchema.load(run_dir / "labels.yaml")
    folders = model_dirs(run_dir, source_config.tasks, source_config.model.architecture)
    source = ActorStanceModel.from_pretrained(folders.get("stance") or folders["roles"])

    def rows(own: list[str], theirs: list[str]) -> dict[int, int]:
        return {index: theirs.index(name) for index, name in enumerate(own) if name in theirs}

    stance_rows = rows(labels.stance_classes, source_labels.stance_classes)
    model.load_shared_weights(source, rows(labels.bio_labels, source_labels.bio_labels), stance_rows)
    logger.info("model.init_from %s: encoder and the outputs of %s", run_dir, [labels.stance_classes[i] for i in stance_rows])


def stance_class_weights(stance_labels: list, classes: int) -> torch.Tensor:
    """Balanced weights (`scores.balanced_class_weights`) over the training rows' stance labels: one
    per pair context, or a list per window; ignored rows left out."""
    flat = [label for item in stance_labels for label in (item if isinstance(item, list) else [item]) if label != IGNORE_INDEX]
    return torch.tensor(balanced_class_weights(flat, classes), dtype=torch.float32)


def _train_model(
    config: RunConfig,
    tasks: tuple[str, ...],
    model_path: str,
    tokenizer,
    labels: LabelSchema,
    datasets,
    work_dir: Path,
    log_path: Path,
    resume: bool,
) -> tuple[ActorStanceModel, dict, bool]:
    """Train one model; returns it, its metrics, and whether this process is the main one."""
    trainer = build_trainer(config, tasks, model_path, tokenizer, labels, datasets, work_dir, log_path)
    args = trainer.args
    has_validation = trainer.eval_dataset is not None
    checkpoint = _last_complete_checkpoint(Path(args.output_dir)) if resume else None
    if resume and checkpoint is None:
        logger.warning("--resume: no checkpoint in %s; starting from the beginning", args.output_dir)
    started = time.perf_counter()
    output = trainer.train(resume_from_checkpoint=checkpoint)
    averaged = _average_last_checkpoints(trainer, config.training.average_checkpoints)
    metrics = {
        "train_time_s": round(time.perf_counter() - started, 2),
        "train_samples_per_s": output.metrics.get("train_samples_per_second"),
        "train_loss": output.metrics.get("train_loss"),
        "global_step": output.global_step,
        "world_size": args.world_size,
        "resumed_from": Path(checkpoint).name if checkpoint else None,
        "train_examples": len(datasets["train"]),
        "validation_examples": len(datasets["validation"]),
        "epochs_trained": trainer.state.epoch,
        "kept_checkpoint": _kept_checkpoint(trainer.state),
        "averaged_checkpoints": averaged,
    }
    kept = None if averaged else metrics["kept_checkpoint"]
    if has_validation:
        trainer.remove_callback(EvaluationLineCallback)  # a final evaluate() (when nothing was kept) prints no line
        if averaged and trainer.is_world_process_zero():
            print(f"averaged the weights of {', '.join(averaged)}", flush=True)
        if kept is not None and trainer.is_world_process_zero():
            print(f"kept the checkpoint of epoch {kept['epoch']:.2f} (step {kept['step']}): "
                  f"{config.training.early_stopping.metric} {kept['metric_value']:.4f}", flush=True)  # fmt: skip
        evaluation = (None if averaged else _kept_evaluation(trainer.state)) or trainer.evaluate()
        timing = {"eval_runtime", "eval_samples_per_second", "eval_steps_per_second"}
        metrics["validation"] = {
            key.removeprefix("eval_"): value
            for key, value in evaluation.items()
            if key.startswith("eval_") and isinstance(value, (int, float)) and key not in timing
        }
    return trainer.accelerator.unwrap_model(trainer.model), metrics, trainer.is_world_process_zero()


def train(
    config: RunConfig, output_dir: str | Path | None = None, resume: bool = False, overwrite: bool = False
) -> Path:
    """Train as ``config`` says and write the run directory; returns its path."""
    run_dir = Path(output_dir) if output_dir else Path(config.output_dir) / config.name
    work_dir = run_dir.parent / f".{run_dir.name}.work"
    if run_dir.exists() and not overwrite:
        raise FileExistsError(f"{run_dir} exists; pass --overwrite to replace it")
    prior_encoder = _role_prior_encoder(config)  # loaded now: a missing encoder fails before training, not after
    if work_dir.exists() and not resume:
        shutil.rmtree(work_dir, ignore_errors=True)
    work_dir.mkdir(parents=True, exist_ok=True)

    if config.training.threads is not None:
        torch.set_num_threads(config.training.threads)  # sums split differently over other thread counts
    set_seed(config.seed)
    model_path = resolve_model_name(config.model.name)
    labels = config.data.label_schema()
    articles = load_corpus(config.data.paths, labels)
    splits = split_articles(articles, config.data.split_options())
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    groups = [tuple(config.tasks)] if config.model.architecture == "shared" else [(task,) for task in config.tasks]
    targets = model_dirs(run_dir, list(config.tasks), config.model.architecture)

    started = time.perf_counter()
    trained: list[tuple[tuple[str, ...], ActorStanceModel]] = []
    metrics: dict = {}
    is_main = True
    for group in groups:
        group_dir = work_dir / "-".join(group)
        finished = group_dir / "final"
        if resume and (finished / "metrics.json").is_file():  # a model of a separate run already done
            model = ActorStanceModel.from_pretrained(finished)
            group_metrics = json.loads((finished / "metrics.json").read_text(encoding="utf-8"))
        else:
            datasets = build_dataset_dict(
                articles, tokenizer, labels, group, config.roles.options(), config.stance.options(training=True),
                config.data.split_options(), seed=config.seed,
            )  # fmt: skip
            model, group_metrics, is_main = _train_model(
                config, group, model_path, tokenizer, labels, datasets, group_dir, work_dir / "train.log", resume
            )
            if is_main and len(groups) > 1:
                model.save_pretrained(finished)
                atomic_write_text(finished / "metrics.json", json.dumps(group_metrics))
        trained.append((group, model))
        metrics["-".join(group)] = group_metrics

    if not is_main:
        return run_dir
    summary = {
        "name": config.name,
        "stance_none_per_positive": _none_per_positive(config, splits["train"], tokenizer) if "stance" in config.tasks else None,
        "tasks": list(config.tasks),
        "architecture": config.model.architecture,
        "model": config.model.name,
        "validation": _merged_validation(metrics),
        "kept_checkpoints": {group: group_metrics.get("kept_checkpoint") for group, group_metrics in metrics.items()},
        "averaged_checkpoints": {group: group_metrics.get("averaged_checkpoints") for group, group_metrics in metrics.items()},
        "runs": metrics,
        "train_time_s": round(time.perf_counter() - started, 2),
        "num_parameters": sum(sum(p.numel() for p in model.parameters()) for _, model in trained),
        "data": {name: corpus_stats(group)["articles"] for name, group in splits.items()},
        "device": device_summary(),
        "versions": {
            "actorstance": __import__("actorstance").__version__,
            "transformers": transformers.__version__,
            "torch": torch.__version__,
            "python": platform.python_version(),
        },
        "git_commit": git_commit(),
    }
    aliases = build_alias_table(splits["train"])
    linker = _fit_linker(config, splits["train"], aliases, summary) if "roles" in config.tasks else None
    roles = config.roles
    if "roles" in config.tasks and roles.tagger and roles.decision == "token_vote" and roles.given_role_head:
        _fit_given_roles(config, labels, trained, tokenizer, splits["train"], summary)
    role_prior = _fit_role_prior(config, prior_encoder, splits["train"], summary) if prior_encoder is not None else None
    decision = None
    if "stance" in config.tasks and splits["validation"]:
        decision = _fit_decision(config, labels, trained, tokenizer, aliases, splits["validation"], summary)
    role_threshold = None
    if "roles" in config.tasks and config.roles.decision == "actor" and labels.role_groups and splits["validation"]:
        role_threshold = _fit_role_threshold(config, labels, trained, tokenizer, aliases, splits["validation"], summary)
    with atomic_directory(run_dir, overwrite=overwrite) as staging:
        for group, model in trained:
            directory = staging / targets[group[0]].name
            model.save_pretrained(directory)
            tokenizer.save_pretrained(directory)
        atomic_write_text(staging / "config.yaml", config.to_yaml())
        atomic_write_text(staging / "labels.yaml", labels.to_yaml())
        atomic_write_text(staging / "aliases.json", json.dumps(aliases, indent=1, ensure_ascii=False))
        if decision is not None:
            decision.save(staging)
        if role_threshold is not None:
            role_threshold.save(staging)
        if linker is not None:
            linker.save(staging)
        if role_prior is not None:
            role_prior.save(staging)
        atomic_write_text(staging / "metrics.json", json.dumps(summary, indent=2))
        if (work_dir / "tensorboard").is_dir():
            shutil.copytree(work_dir / "tensorboard", staging / "tensorboard")
        log = work_dir / "train.log"
        shutil.copyfile(log, staging / "train.log") if log.exists() else (staging / "train.log").touch()
        atomic_write_text(staging / "README.md", render_card(config, labels, summary, corpus_stats(splits["train"])))
    shutil.rmtree(work_dir, ignore_errors=True)
    return run_dir


def _fit_linker(config: RunConfig, train_articles: list[Article], aliases: dict[str, str], summary: dict) -> MentionLinker | None:
    """The nominal linker of the run (`grouping.fit_mention_linker`), or None with a warning when the
    training split has no nominal with both a right and a wrong named actor to learn from;
    ``summary["linker"]`` says which, so that loading the run does not take it for an older one."""
    dictionary = ActorDictionary.default() if config.actors.dictionary else None
    try:
        linker = fit_mention_linker(train_articles, aliases, dictionary)
    except ValueError as error:
        warnings.warn(f"no {LINKER_FILE} written: {error}", stacklevel=2)
        summary["linker"] = {"skipped": str(error)}
        return None
    linker.fitted_on.update({"data": list(config.data.paths), "split": "train"})
    summary["linker"] = linker.fitted_on
    return linker


def _role_prior_encoder(config: RunConfig):
    """The frozen sentence encoder of ``roles.prior`` (`role_prior.load_encoder`), or None without one."""
    if config.roles.prior is None or "roles" not in config.tasks:
        return None
    return load_encoder(config.roles.prior.encoder, "roles.prior.encoder", ENCODER_FIX)


def _fit_role_prior(config: RunConfig, embed, train_articles: list[Article], summary: dict) -> RolePrior:
    """The role prior of ``roles.prior`` fitted on the training split's gold actors (`role_prior.fit_role_prior`)."""
    options = config.roles.prior
    started = time.perf_counter()
    prior = fit_role_prior(
        train_articles, options.encoder, options.weight, embed=embed,
        fitted_on={"data": list(config.data.paths), "split": "train"}, end_to_end_weight=options.end_to_end_weight,
    )  # fmt: skip
    summary["role_prior"] = {**prior.fitted_on, "fit_time_s": round(time.perf_counter() - started, 2)}
    return prior


def _fit_given_roles(config: RunConfig, labels: LabelSchema, trained, tokenizer, train_articles: list[Article], summary: dict) -> None:
    """Give the roles model the tagger head re-fitted for given mentions' roles (`given_roles`)."""
    model = next(model for group, model in trained if "roles" in group)
    started = time.perf_counter()
    model.given_role_head = given_role_head_for(model, train_articles, tokenizer, labels, config.roles.options(), config.seed)
    summary["given_role_head"] = {"split": "train", "articles": len(train_articles), "fit_time_s": round(time.perf_counter() - started, 2)}


def _fit_decision(config, labels, trained, tokenizer, aliases, validation, summary):
    """The stance decision (threshold, reverse margin) that gives the best edge F1 on the validation split."""
    from actorstance.predictor import Predictor

    models = {task: model.eval() for group, model in trained for task in group}
    device = next(next(iter(models.values())).parameters()).device
    correction = none_odds_correction(summary["stance_none_per_positive"])
    predictor = Predictor(config, labels, models, tokenizer, aliases, device, legacy_none_correction=correction)
    started = time.perf_counter()
    decision = predictor.fit_decision(
        validation, batch_size=config.training.eval_batch_size, fitted_on={"split": "validation", "articles": len(validation)}
    )
    summary["decision"] = {**decision.summary(), "fit_time_s": round(time.perf_counter() - started, 2)}
    return decision


def _fit_role_threshold(config, labels, trained, tokenizer, aliases, validation, summary) -> RoleThreshold:
    """The fine-role threshold of the actor decision with the best exact match on the validation split."""
    from actorstance.predictor import Predictor

    models = {task: model.eval() for group, model in trained for task in group}
    device = next(next(iter(models.values())).parameters()).device
    predictor = Predictor(config, labels, models, tokenizer, aliases, device)
    probabilities, gold = [], []
    for article, scores in zip(validation, predictor.actor_role_probabilities(validation, config.training.eval_batch_size)):
        known = article.actor_by_id()
        for actor, actor_scores in scores.items():
            if actor in known and known[actor].role is not None:
                probabilities.append(actor_scores)
                gold.append([known[actor].role, *(known[actor].other_roles or [])])
    threshold, exact = fit_threshold(probabilities, gold, RoleLayout.of(labels))
    fitted_on = {"split": "validation", "articles": len(validation), "actors": len(gold), "exact_match": round(exact, 4)}
    summary["actor_roles"] = {"threshold": threshold, **fitted_on}
    return RoleThreshold(threshold, fitted_on)


def _none_per_positive(config: RunConfig, articles, tokenizer) -> dict:
    """NONE candidate pairs per stated-stance pair, as the data has them and as training saw them; the
    predictor divides the odds back out so its NONE rate matches real articles.

    Both are counted at the training distance, also when prediction proposes nearer pairs only (fewer
    NONE pairs per stated one): the larger correction offsets the max-pooling of a pair's contexts, and
    on the validation split it gave the better-calibrated edge scores at the same fitted edge F1."""
    options = config.stance.options(training=True)
    positives, negatives = stance_pair_counts(articles, tokenizer, options)
    natural = negatives / max(positives, 1)
    if config.stance.negative_ratio is None:
        trained = natural
    elif options.directions == "joint":  # a sampled context also trains the NONE of its other direction
        kept_positives, kept_negatives = stance_pair_counts(articles, tokenizer, options, config.stance.negative_ratio)
        trained = kept_negatives / max(kept_positives, 1)
    else:
        trained = config.stance.negative_ratio
    return {"natural": round(natural, 4), "trained": round(min(trained, natural), 4)}


def _merged_validation(metrics: dict) -> dict:
    merged: dict = {}
    for group_metrics in metrics.values():
        merged.update(group_metrics.get("validation", {}))
    headline = [merged[key] for key in ("role_f1", "stance_macro_f1") if key in merged]
    if headline:
        merged["combined_f1"] = float(np.mean(headline))
    return merged
