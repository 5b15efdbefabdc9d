"""What training tells its user: one line per evaluation, the kept checkpoint, TensorBoard files, a fast --help."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .tiny_run import tiny_config

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_EVALUATE_OFFLINE": "1"}


def test_a_run_prints_one_line_per_evaluation_and_records_the_kept_checkpoint(small_corpus_file, tiny_model_path, tmp_path):
    config = tmp_path / "tiny.yaml"
    overrides = ("training.early_stopping.metric=loss", "training.early_stopping.patience=null", "training.tensorboard=true")
    config.write_text(tiny_config(small_corpus_file, tiny_model_path, tmp_path / "runs", *overrides).to_yaml())
    done = subprocess.run([sys.executable, "-m", "train", str(config)], cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    run = tmp_path / "runs" / "tiny"
    log = [json.loads(line) for line in (run / "train.log").read_text().splitlines()]
    during = log[: next(index for index, record in enumerate(log) if "train_runtime" in record)]
    evaluations = [record for record in during if "eval_loss" in record]
    assert [record["step"] for record in evaluations] == [3, 6]
    best = min(evaluations, key=lambda record: record["eval_loss"])

    lines = [line for line in done.stdout.splitlines() if line.startswith("epoch ")]
    assert len(lines) == 2 and "{" not in done.stdout  # no raw log dicts
    first = evaluations[0]
    assert lines[0] == (
        f"epoch {first['epoch']:.2f} (step 3) · train loss {log[2]['loss']:.4f} · "
        f"loss {first['eval_loss']:.4f} (best {first['eval_loss']:.4f} at epoch {first['epoch']:.2f})"
    )
    assert lines[1].endswith(f"(best {best['eval_loss']:.4f} at epoch {best['epoch']:.2f})")
    assert f"kept the checkpoint of epoch {best['epoch']:.2f} (step {best['step']}): loss {best['eval_loss']:.4f}" in done.stdout

    kept = json.loads((run / "metrics.json").read_text())["kept_checkpoints"]["roles-stance"]
    assert kept == {"step": best["step"], "epoch": best["epoch"], "metric_value": best["eval_loss"]}
    card = (run / "README.md").read_text()
    assert f"| kept checkpoint | roles-stance: epoch {best['epoch']:.2f} (step {best['step']}, loss {best['eval_loss']:.4f}) |" in card

    events = list((run / "tensorboard").rglob("events.out.tfevents.*"))
    assert events and all(path.stat().st_size > 0 for path in events)
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    accumulator = EventAccumulator(str(events[0].parent))
    accumulator.Reload()
    assert [event.step for event in accumulator.Scalars("eval/loss")] == [3, 6]


def test_help_and_version_do_not_load_torch():
    for argument, expected in (("--help", "Fine-tune the role tagger"), ("--version", "actorstance 0.1.0")):
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "train", argument], cwd=REPO, env=ENV,
                              capture_output=True, text=True, timeout=60)  # fmt: skip
        assert done.returncode == 0 and expected in done.stdout
        imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
        assert "torch" not in imported and "transformers" not in imported, argument
    assert re.fullmatch(r"actorstance \d+\.\d+\.\d+\n", done.stdout)


def _rate_optimizer(model, tmp_path, **rates):
    """The optimiser `_ParameterRateTrainer` builds for ``model`` at learning rate 1e-4 with ``rates``."""
    from transformers import TrainingArguments

    from train.trainer import _ParameterRateTrainer

    args = TrainingArguments(output_dir=str(tmp_path), learning_rate=1e-4, weight_decay=0.01, use_cpu=True, report_to=[])
    return _ParameterRateTrainer(model=model, args=args, **rates).create_optimizer()


def _rate_of_each_parameter(optimizer) -> dict[int, float]:
    return {id(p): group["lr"] for group in optimizer.param_groups for p in group["params"]}


def test_head_learning_rate_gives_the_heads_their_own_parameter_groups(tiny_model_path, tmp_path):
    from actorstance.modeling import ActorStanceModel

    model = ActorStanceModel.from_encoder(tiny_model_path, num_tags=5, num_stance_classes=4)
    optimizer = _rate_optimizer(model, tmp_path, head_learning_rate=1e-3)
    by_rate: dict[tuple[float, float], int] = {}
    head_parameters = {id(p) for name, p in model.named_parameters() if not name.startswith("encoder.")}
    for group in optimizer.param_groups:
        heads = {id(p) in head_parameters for p in group["params"]}
        assert len(heads) == 1  # a group holds encoder or head parameters, never both
        assert group["lr"] == (1e-3 if heads.pop() else 1e-4)
        by_rate[(group["lr"], group["weight_decay"])] = by_rate.get((group["lr"], group["weight_decay"]), 0) + len(group["params"])
    # the heads' weights decay, their biases do not; every parameter is in exactly one group
    assert by_rate[(1e-3, 0.01)] == 2 and by_rate[(1e-3, 0.0)] == 2
    assert sum(by_rate.values()) == len(list(model.parameters()))
    # one rate per task: the tagger's head at 1e-3, the stance head with the encoder
    rates = _rate_of_each_parameter(_rate_optimizer(model, tmp_path, head_learning_rate={"roles": 1e-3}))
    assert {name.split(".")[0]: rates[id(p)] for name, p in model.named_parameters()} == {
        "encoder": 1e-4, "role_head": 1e-3, "stance_head": 1e-4
    }


def test_layer_decay_lowers_the_rate_layer_by_layer_below_the_top(tiny_model_path, tmp_path):
    from actorstance.modeling import ActorStanceModel

    model = ActorStanceModel.from_encoder(tiny_model_path, num_tags=5, num_stance_classes=4)
    layers = model.encoder.config.num_hidden_layers
    optimizer = _rate_optimizer(model, tmp_path, layer_decay=0.5)
    rates = _rate_of_each_parameter(optimizer)
    named = dict(model.named_parameters())
    assert rates[id(named["encoder.embeddings.word_embeddings.weight"])] == pytest.approx(1e-4 * 0.5**layers)
    for number in range(layers):
        assert rates[id(named[f"encoder.encoder.layer.{number}.attention.self.query.weight"])] == pytest.approx(
            1e-4 * 0.5 ** (layers - 1 - number)
        )
    assert rates[id(named["role_head.weight"])] == rates[id(named["stance_head.bias"])] == 1e-4  # heads: the top rate
    assert sum(len(group["params"]) for group in optimizer.param_groups) == len(named)


def test_checkpoint_averaging_loads_the_mean_of_the_last_checkpoints(tmp_path, caplog):
    from types import SimpleNamespace

    import torch
    from safetensors.torch import save_file

    from train.trainer import _average_last_checkpoints

    model = torch.nn.Linear(2, 1)
    for step, value in ((3, 1.0), (6, 2.0), (12, 4.0)):  # step 12 after 6: by number, not by name
        (tmp_path / f"checkpoint-{step}").mkdir()
        save_file({"weight": torch.full((1, 2), value), "bias": torch.full((1,), -value)}, str(tmp_path / f"checkpoint-{step}" / "model.safetensors"))
    trainer = SimpleNamespace(args=SimpleNamespace(output_dir=str(tmp_path)), model=model, accelerator=SimpleNamespace(unwrap_model=lambda m: m))
    assert _average_last_checkpoints(trainer, 2) == ["checkpoint-6", "checkpoint-12"]
    assert model.weight.tolist() == [[3.0, 3.0]] and model.bias.tolist() == [-3.0]
    assert _average_last_checkpoints(trainer, 5) == ["checkpoint-3", "checkpoint-6", "checkpoint-12"]  # all there are
    assert model.weight.tolist() == [[pytest.approx(7 / 3), pytest.approx(7 / 3)]]
    assert _average_last_checkpoints(trainer, 1) is None  # off
    for step in (3, 6):
        (tmp_path / f"checkpoint-{step}" / "model.safetensors").unlink()
        (tmp_path / f"checkpoint-{step}").rmdir()
    assert _average_last_checkpoints(trainer, 2) is None and "1 checkpoint(s) written, nothing to average" in caplog.text


def test_a_run_with_checkpoint_averaging_holds_the_mean_of_its_last_two_checkpoints(small_corpus_file, tiny_model_path, tmp_path, monkeypatch):
    from safetensors.torch import load_file

    from actorstance.modeling import ActorStanceModel
    from train import trainer as trainer_module
    from train import train

    seen: dict[str, dict] = {}
    average = trainer_module._average_last_checkpoints

    def recording(trainer, count):  # the checkpoints' weights as the averaging finds them (the work folder goes after)
        for path in trainer_module._checkpoints_by_step(Path(trainer.args.output_dir)):
            seen[path.name] = load_file(str(path / "model.safetensors"))
        return average(trainer, count)

    monkeypatch.setattr(trainer_module, "_average_last_checkpoints", recording)
    run = train(tiny_config(small_corpus_file, tiny_model_path, tmp_path / "runs", "training.average_checkpoints=2"))
    assert sorted(seen) == ["checkpoint-3", "checkpoint-6"]
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["runs"]["roles-stance"]["averaged_checkpoints"] == ["checkpoint-3", "checkpoint-6"]
    assert metrics["averaged_checkpoints"] == {"roles-stance": ["checkpoint-3", "checkpoint-6"]}
    assert "| kept checkpoint | roles-stance: the mean of checkpoint-3, checkpoint-6 |" in (run / "README.md").read_text()
    weights = ActorStanceModel.from_pretrained(run / "model").state_dict()
    name = "stance_head.weight"
    assert torch_close(weights[name], (seen["checkpoint-3"][name] + seen["checkpoint-6"][name]) / 2)
    assert not torch_close(weights[name], seen["checkpoint-6"][name])


def torch_close(first, second) -> bool:
    import torch

    return bool(torch.allclose(first.float(), second.float(), atol=1e-6))
