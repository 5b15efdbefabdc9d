"""Prediction settings of a trained run changed for one call (`--set`, ``overrides=``), never its training settings."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from actorstance.cli import app
from actorstance.config import ActorsConfig, check_predict_overrides, predict_time_keys
from actorstance.predictor import Predictor


def test_prediction_settings_are_the_actors_section_and_the_marked_fields():
    keys = predict_time_keys()
    assert {f"actors.{name}" for name in ActorsConfig.model_fields} <= set(keys)
    assert {"roles.outside_weight", "roles.repair_spans", "roles.vote", "roles.given_role_head", "stance.max_sentence_distance"} <= set(keys)
    assert not {key for key in keys if key.split(".")[0] in ("model", "training", "data")}
    assert "stance.directions" not in keys and "roles.max_length" not in keys
    check_predict_overrides(["actors.link_threshold=0.1", " roles.outside_weight = 0.5"])


def test_a_predictor_takes_prediction_settings_and_leaves_the_run_as_it_was(run_dir):
    written = (run_dir / "config.yaml").read_bytes()
    changed = Predictor.from_pretrained(run_dir, device="cpu", overrides=["actors.link_threshold=0.7", "roles.outside_weight=0.5"])
    assert changed.config.actors.link_threshold == 0.7
    assert changed._role_options.outside_weight == 0.5  # what decoding reads
    assert (run_dir / "config.yaml").read_bytes() == written
    assert Predictor.from_pretrained(run_dir, device="cpu").config.actors.link_threshold == 0.2


def test_training_settings_are_refused_with_the_allowed_keys(run_dir):
    with pytest.raises(ValueError, match=r"'stance.directions' is fixed by training; a prediction may set actors\.appositions, "):
        Predictor.from_pretrained(run_dir, device="cpu", overrides=["stance.directions=ordered"])
    with pytest.raises(ValueError, match=r"config key 'actors.link_threshold': Input should be less than or equal to 1"):
        Predictor.from_pretrained(run_dir, device="cpu", overrides=["actors.link_threshold=2"])
    result = CliRunner().invoke(app, ["predict", str(run_dir), "-", "--set", "training.learning_rate=1"], input="Iran backs Hezbollah.\n")
    assert result.exit_code == 2 and "'training.learning_rate' is fixed by training" in result.output


def test_cli_predict_uses_the_settings(run_dir):
    text = "Jordan and the United States met in Amman.\n"

    def codes(*extra: str) -> list:
        result = CliRunner().invoke(app, ["predict", str(run_dir), "-", *extra], input=text)
        assert result.exit_code == 0, result.output
        return sorted(str(actor.get("code")) for actor in json.loads(result.stdout.splitlines()[-1])["actors"])

    assert any(code.startswith("JOR") for code in codes())  # "Jordan" and "Amman" link to the dictionary
    assert set(codes("--set", "actors.dictionary=false")) == {"None"}


def test_an_evaluation_with_settings_is_named_and_written_apart(run_dir, small_corpus_file, tmp_path):
    from eval.cli import app as eval_app

    run_dir = shutil.copytree(run_dir, tmp_path / "run")  # the shared run keeps its folders

    result = CliRunner().invoke(
        eval_app, ["run", str(run_dir), "--data", str(small_corpus_file), "--split", "test", "--bootstrap", "0", "--set", "actors.link_threshold=0.7"]
    )
    assert result.exit_code == 0, result.output
    where = run_dir / "eval" / "corpus-test+actors.link_threshold=0.7"  # the run's own would be eval/corpus-test
    metrics = json.loads((where / "metrics.json").read_text())
    assert metrics["run"]["overrides"] == ["actors.link_threshold=0.7"]
    assert metrics["run"]["name"] == run_dir.resolve().name + "+actors.link_threshold=0.7"
    refused = CliRunner().invoke(eval_app, ["run", str(run_dir), "--data", str(small_corpus_file), "--split", "test", "--set", "model.dropout=0.5"])
    assert refused.exit_code == 1 and "'model.dropout' is fixed by training" in refused.output


def test_serve_takes_the_settings_and_refuses_training_ones(run_dir, monkeypatch):
    import uvicorn

    import actorstance.server as server

    served = []
    monkeypatch.setattr(server, "create_app", lambda predictor, limits: served.append(predictor) or "app")
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: None)
    result = CliRunner().invoke(app, ["serve", str(run_dir), "--set", "actors.link_threshold=0.6"])
    assert result.exit_code == 0, result.output
    assert served[0].config.actors.link_threshold == 0.6
    refused = CliRunner().invoke(app, ["serve", str(run_dir), "--set", "stance.max_length=64"])
    assert refused.exit_code == 2 and "'stance.max_length' is fixed by training" in refused.output and len(served) == 1
