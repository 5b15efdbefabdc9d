"""The stance head's options: a hidden layer and marker-only inputs that survive saving, label smoothing and a weight in its loss."""

from __future__ import annotations

import json
import math
import re

import pytest
import torch
from torch import nn

from actorstance.config import load_config
from actorstance.modeling import HEADS_CONFIG, ActorStanceModel


def _marked_context() -> dict[str, torch.Tensor]:
    """One six-token context, its holder's marker at token 1 and its target's at token 3."""
    return {
        "input_ids": torch.tensor([[2, 7, 8, 9, 10, 3]]), "attention_mask": torch.ones(1, 6, dtype=torch.long),
        "holder_index": torch.tensor([1]), "target_index": torch.tensor([3]),
    }  # fmt: skip


def test_an_mlp_stance_head_is_saved_and_loaded_as_one(tiny_model_path, tmp_path):
    torch.manual_seed(0)
    model = ActorStanceModel.from_encoder(tiny_model_path, 5, 4, stance_directions="joint", stance_head="mlp").eval()
    assert isinstance(model.stance_head, nn.Sequential) and model.stance_head[-1].out_features == 8
    model.save_pretrained(tmp_path)
    loaded = ActorStanceModel.from_pretrained(tmp_path).eval()
    assert isinstance(loaded.stance_head, nn.Sequential)
    inputs = _marked_context()
    with torch.no_grad():
        expected, got = model(**inputs)["stance_logits"], loaded(**inputs)["stance_logits"]
    assert got.shape == (1, 2, 4) and torch.equal(expected, got)


def test_label_smoothing_spreads_a_tenth_of_the_target_over_the_classes_and_the_weight_scales_the_loss(tiny_model_path):
    model = ActorStanceModel.from_encoder(tiny_model_path, None, 4)
    logits, labels = torch.tensor([[2.0, 0.0, 0.0, 0.0]]), torch.tensor([0])
    right = math.e**2 / (math.e**2 + 3)
    assert model._stance_loss(logits, labels).item() == pytest.approx(-math.log(right), abs=1e-6)
    model.stance_label_smoothing = 0.1  # target 0.9 + 0.1 / 4 on the label, 0.1 / 4 on each other class
    smoothed = -(0.925 * math.log(right) + 0.075 * math.log((1 - right) / 3))
    assert model._stance_loss(logits, labels).item() == pytest.approx(smoothed, abs=1e-6)
    assert smoothed == pytest.approx(0.4908, abs=1e-4)
    model.stance_loss_weight = 2.0  # the stance loss's share where the tagger's loss is added to it
    assert model._stance_loss(logits, labels).item() == pytest.approx(2 * smoothed, abs=1e-6)


def test_the_mlp_head_is_a_pair_contexts_option():
    assert load_config("configs/default.yaml", ["stance.head=mlp"]).stance.head == "mlp"
    with pytest.raises(ValueError, match="head works with design: pair_contexts"):
        load_config("configs/default.yaml", ["stance.head=mlp", "stance.design=windows", "stance.directions=ordered"])


def test_a_markers_only_stance_head_reads_the_two_marker_states_and_survives_saving(tiny_model_path, tmp_path):
    torch.manual_seed(0)
    model = ActorStanceModel.from_encoder(tiny_model_path, None, 4, stance_directions="joint", stance_inputs="markers").eval()
    hidden = model.encoder.config.hidden_size
    assert model.stance_head.in_features == 2 * hidden
    inputs = _marked_context()
    with torch.no_grad():
        states = model.encoder(input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"]).last_hidden_state
        expected = model.stance_head(torch.cat([states[:, 1], states[:, 3]], dim=-1)).view(1, 2, 4)
        got = model(**inputs)["stance_logits"]
    assert torch.allclose(got, expected, atol=1e-6)
    model.save_pretrained(tmp_path)
    loaded = ActorStanceModel.from_pretrained(tmp_path).eval()
    assert loaded.stance_inputs == "markers"
    with torch.no_grad():
        assert torch.equal(loaded(**inputs)["stance_logits"], got)
    with pytest.raises(ValueError, match="stance_inputs: expected 'cls_markers' or 'markers', got 'mean'"):
        ActorStanceModel.from_encoder(tiny_model_path, None, 4, stance_inputs="mean")
    heads = tmp_path / HEADS_CONFIG  # a hand-edited heads.json is refused, not read as the linear head
    heads.write_text(json.dumps(json.loads(heads.read_text()) | {"stance_head": "transformer"}))
    with pytest.raises(ValueError, match=re.escape(f"{heads}: stance_head: expected 'linear' or 'mlp', got 'transformer'")):
        ActorStanceModel.from_pretrained(tmp_path)
    with pytest.raises(ValueError, match="pair_inputs works with design: pair_contexts"):
        load_config("configs/default.yaml", ["stance.pair_inputs=markers", "stance.design=windows", "stance.directions=ordered"])
