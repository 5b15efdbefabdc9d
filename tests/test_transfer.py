"""Starting a run from another run (`model.init_from`) and class-balanced stance loss weights."""

from __future__ import annotations

import pytest
import torch

from actorstance.labels import LabelSchema
from actorstance.modeling import ActorStanceModel
from train import train
from train.trainer import stance_class_weights

from .tiny_run import tiny_config


def test_balanced_weights_by_hand():
    # pair rows 0, 0, 0, 1, an ignored row, and one window row [1, 3, ignored]: n = 6 over 3 present classes
    weights = stance_class_weights([0, 0, 0, 1, -100, [1, 3, -100]], classes=5)
    assert weights.tolist() == pytest.approx([6 / 9, 6 / 6, 1.0, 6 / 3, 1.0])


def test_weighted_loss_counts_rare_classes_more(tiny_model_path):
    model = ActorStanceModel.from_encoder(tiny_model_path, num_tags=None, num_stance_classes=3).eval()
    logits = torch.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 2.0]])
    labels = torch.tensor([0, 1])
    plain = model._stance_loss(logits, labels)
    model.stance_class_weights = torch.tensor([1.0, 3.0, 1.0])
    per_row = torch.nn.functional.cross_entropy(logits, labels, reduction="none")
    assert model._stance_loss(logits, labels).item() == pytest.approx(((per_row[0] + 3 * per_row[1]) / 4).item())
    assert model._stance_loss(logits, labels).item() > plain.item()


def _stance_head_rows(run_dir) -> tuple[torch.Tensor, list[str]]:
    model = ActorStanceModel.from_pretrained(run_dir / "model")
    return model.stance_head.weight.detach().clone(), LabelSchema.load(run_dir / "labels.yaml").stance_classes


def test_init_from_carries_the_encoder_and_the_rows_of_shared_labels(run_dir, small_corpus_file, tiny_model_path, tmp_path):
    # Another label set: the stances in another order and one the source never had.
    labels = tmp_path / "labels.yaml"
    labels.write_text(
        "name: reordered\nroles: [GOV, MIL, REB, MILITIA, TERROR, IGO, POL, MEDIA, CIV]\nstances: [OPPOSE, BLAME, SUPPORT, NEUTRAL]\n",
        encoding="utf-8",
    )
    # A learning rate so small that training leaves the carried weights as they were.
    config = tiny_config(
        small_corpus_file, tiny_model_path, tmp_path / "runs", f"model.init_from={run_dir}", f"data.labels={labels}",
        "training.learning_rate=1e-20", "training.max_steps=1", "name=started",
    )  # fmt: skip
    started = train(config)
    source_rows, source_classes = _stance_head_rows(run_dir)
    rows, classes = _stance_head_rows(started)
    assert classes[2] == "BLAME" and "BLAME" not in source_classes
    for name in ("NONE", "OPPOSE", "SUPPORT", "NEUTRAL"):
        assert torch.allclose(rows[classes.index(name)], source_rows[source_classes.index(name)], atol=1e-6), name
    assert not torch.allclose(rows[classes.index("BLAME")], source_rows[0], atol=1e-3)
    source_encoder = ActorStanceModel.from_pretrained(run_dir / "model").encoder.state_dict()
    started_encoder = ActorStanceModel.from_pretrained(started / "model").encoder.state_dict()
    assert all(torch.allclose(started_encoder[key], value, atol=1e-6) for key, value in source_encoder.items())


def test_init_from_another_encoder_is_refused(run_dir, packaged_model_path):
    model = ActorStanceModel.from_encoder(packaged_model_path, num_tags=None, num_stance_classes=4)
    source = ActorStanceModel.from_pretrained(run_dir / "model")
    with pytest.raises(ValueError, match=r"model.init_from: its encoder has hidden_size 32, model.name's 384"):
        model.load_shared_weights(source, {}, {})


def test_init_from_a_missing_run_names_the_key(small_corpus_file, tiny_model_path, tmp_path):
    config = tiny_config(small_corpus_file, tiny_model_path, tmp_path / "runs", f"model.init_from={tmp_path / 'nowhere'}")
    with pytest.raises(ValueError, match=r"^model.init_from: .*nowhere: not a run directory"):
        train(config)
